"""Every change of a customership (asiakkuus): create, transfer, end.

The voucher row is locked first, so two changes of one voucher's customerships run one
after the other; the exclusion constraint ``customership_no_overlap`` stands behind that,
so that no two customerships of a voucher are ever valid on the same day."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.dates import EARLIEST_DATE, LATEST_DATE, ONE_DAY, format_day, one_year_after, today
from core.errors import DomainError, ErrorCode
from customers.models import Customership
from customers.selectors import provider_may_serve
from organisations import permissions
from vouchers.models import Voucher, VoucherKind

_NO_OVERLAP = next(c for c in Customership._meta.constraints if c.name == "customership_no_overlap")

# How far back a customership's start or end may be set (README "Customerships back in time").
# A provider's own user: at most this many days before today. The voucher's organiser: back to the
# first day of the same month a year ago, the oldest month the next payment run still corrects
# (payments.computation.CORRECTION_MONTHS); a change to a month already paid becomes a correction
# line in that run, never a change of what was paid.
PROVIDER_BACKDATE_DAYS = 14
ORGANISER_BACKDATE_MONTHS = 12


def earliest_change_day(*, user, voucher, day: dt.date | None = None) -> dt.date:
    """The earliest start or end day ``user`` may give a customership of ``voucher`` on ``day``."""
    day = day or today()
    if permissions.is_voucher_organiser(user, voucher):
        months = day.year * 12 + day.month - 1 - ORGANISER_BACKDATE_MONTHS
        return dt.date(months // 12, months % 12 + 1, 1)
    return day - dt.timedelta(days=PROVIDER_BACKDATE_DAYS)


def _check_not_too_far_back(*, user, voucher, start_date=None, end_date=None) -> None:
    earliest = earliest_change_day(user=user, voucher=voucher)
    for day, message in (
        (start_date, _("Asiakkuuden alkupäivä voi olla aikaisintaan %(day)s.")),
        (end_date, _("Asiakkuuden loppupäivä voi olla aikaisintaan %(day)s.")),
    ):
        if day is not None and day < earliest:
            why = (
                _("Maksatus korjaa muutokset enintään vuoden taaksepäin.")
                if permissions.is_voucher_organiser(user, voucher)
                else _("Palveluntuottaja voi muuttaa asiakkuutta enintään %(days)s päivää taaksepäin; "
                       "aiemmat muutokset tekee palvelunjärjestäjä.") % {"days": PROVIDER_BACKDATE_DAYS}
            )
            raise DomainError(
                ErrorCode.TOO_FAR_BACK, f"{message % {'day': format_day(earliest)}} {why}", earliest=earliest
            )


def _locked_voucher(voucher) -> Voucher:
    return Voucher.objects.select_for_update(of=("self",)).select_related("service").get(pk=voucher.pk)


def _check_dates(*, voucher, start_date, end_date, locked_until):
    if any(day is not None and not EARLIEST_DATE <= day <= LATEST_DATE for day in (start_date, end_date, locked_until)):
        raise DomainError(ErrorCode.DATE_OUT_OF_RANGE, _("Päivämäärän on oltava vuosien 1900–2100 välillä."))
    if not voucher.valid_from <= start_date <= voucher.effective_end:
        raise DomainError(
            ErrorCode.START_OUTSIDE_VALIDITY,
            _("Asiakkuuden alkupäivän on oltava ostovoiman voimassaoloaikana %(start)s–%(end)s.")
            % {"start": format_day(voucher.valid_from), "end": format_day(voucher.effective_end)},
        )
    if end_date is not None and end_date < start_date:
        raise DomainError(ErrorCode.END_BEFORE_START, _("Asiakkuuden loppupäivä ei voi olla ennen alkupäivää."))
    if locked_until < start_date:
        raise DomainError(ErrorCode.LOCK_BEFORE_START, _("Aikarajaus ei voi päättyä ennen asiakkuuden alkua."))


# Rows the services have already read (and locked): no existence query for each on validation.
_READ_BY_THE_SERVICE = ["voucher", "provider", "office", "created_by", "transferred_from"]


def _save_new(customership: Customership) -> Customership:
    """Validate, then insert; a customership that slipped in meanwhile hits the constraint.

    The fields are validated, and the overlap (the exclusion constraint) is asked before the
    insert for its message. The check constraints are left to the database: the services have
    checked the dates and approvals already, in Finnish (``_check_dates``), and validating each
    would cost a query and a savepoint."""
    try:
        customership.full_clean(exclude=_READ_BY_THE_SERVICE, validate_constraints=False)
        _NO_OVERLAP.validate(Customership, customership)
        with transaction.atomic():
            customership.save()
    except ValidationError as error:
        if str(_NO_OVERLAP.get_violation_error_message()) in error.messages:
            raise _overlap() from error
        raise DomainError(ErrorCode.INVALID, " ".join(error.messages)) from error
    except IntegrityError as error:
        if "customership_no_overlap" in str(error):
            raise _overlap() from error
        raise
    return customership


def _overlap() -> DomainError:
    return DomainError(ErrorCode.OVERLAP, _("Ostovoimalla on jo asiakkuus tälle ajalle."))


def _overlapping(voucher, *, start_date, end_date, exclude=None):
    """The voucher's customerships with a day on or after ``start_date`` (and not after ``end_date``)."""
    rows = Customership.objects.filter(voucher=voucher).filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
    if end_date is not None:
        rows = rows.filter(start_date__lte=end_date)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return list(rows.select_related("provider").order_by("start_date"))


def _audit(*, user, customership, code, request, **params):
    audit_log(
        user=user,
        action="change",
        code=code,
        params={"number": customership.voucher.number, **params},
        customer_id=customership.voucher.customer_id,
        organiser_id=customership.voucher.organiser_id,
        request=request,
        organisation=permissions.organisation_name(user),
    )


def _on_behalf(user, *, provider, voucher) -> bool:
    """False: the provider's own user creates it; True: the voucher's organiser on the provider's behalf."""
    if permissions.acts_for_provider(user, provider.pk):
        return False
    if permissions.is_voucher_organiser(user, voucher):
        return True
    raise DomainError(ErrorCode.NOT_ALLOWED, _("Et voi luoda asiakkuutta tämän palveluntuottajan puolesta."))


def _check_may_serve(*, provider, voucher) -> None:
    if not provider_may_serve(provider=provider, voucher=voucher):
        raise DomainError(
            ErrorCode.NO_AGREEMENT,
            _("Palveluntuottajalla ei ole voimassa olevaa palvelusopimusta tai hinnastoa kyseiseen palveluun."),
        )


def _period(*, voucher, start_date, end_date, locked_until) -> tuple[dt.date, dt.date | None, dt.date]:
    """The start (default today), the end and the lock-in's last day (default a year after the
    start), checked against each other and the voucher."""
    start_date = start_date or today()
    if locked_until is None:
        locked_until = one_year_after(start_date)
    _check_dates(voucher=voucher, start_date=start_date, end_date=end_date, locked_until=locked_until)
    return start_date, end_date, locked_until


def _locked_in_error(locked_until: dt.date) -> DomainError:
    return DomainError(
        ErrorCode.LOCKED_IN,
        _(
            "Asiakkaalla on asiakkuus toisella palveluntuottajalla, ja sen aikarajaus päättyy %(day)s. "
            "Asiakas ei voi vaihtaa palveluntuottajaa ennen kuin aikarajaus on päättynyt; "
            "uusi asiakkuus voi alkaa aikaisintaan %(earliest)s."
        )
        % {"day": format_day(locked_until), "earliest": format_day(locked_until + ONE_DAY)},
        locked_until=locked_until,
    )


def customership_refusal(*, user, voucher, customerships, day: dt.date | None = None) -> DomainError | None:
    """Why ``user`` cannot create a customership on ``voucher`` today, or None if the card may
    offer "Luo asiakkuus". ``customerships``: the card's ``voucher_customerships`` answer (its rows,
    already read). The same reasons ``customership_create`` refuses with, asked before the form:
    a recorder; a closed voucher; the user's provider already has the customership; another
    provider's lock-in runs (the organiser moves it with "Siirrä asiakkuus" instead)."""
    day = day or today()
    if not permissions.can_make_reservations(user):
        return DomainError(ErrorCode.ROLE_NOT_ALLOWED, _("Sinulla ei ole oikeutta luoda asiakkuuksia."))
    if voucher.is_closed(day):
        return DomainError(ErrorCode.VOUCHER_CLOSED, _("Ostovoima on suljettu %(day)s.") % {"day": format_day(voucher.closed_on)})
    own = permissions.provider_id_of(user)
    for row in customerships.active:
        if own is not None and row.provider_id == own:
            return DomainError(
                ErrorCode.ALREADY_CUSTOMER,
                _("Asiakkaalla on jo voimassa oleva asiakkuus tällä palveluntuottajalla (alkaen %(day)s).")
                % {"day": format_day(row.start_date)},
            )
        if row.lock_in_running(day):  # the organiser sees every row
            return DomainError(
                ErrorCode.LOCKED_IN_TRANSFER,
                _("Asiakkuuden aikarajaus päättyy %(day)s. Sitä ennen asiakkuuden voi siirtää toiselle "
                  "palveluntuottajalle toiminnolla \"Siirrä asiakkuus\".") % {"day": format_day(row.locked_until)},
                locked_until=row.locked_until,
            )
    notice = customerships.other_provider
    if notice is not None and notice.lock_in_running:
        return _locked_in_error(notice.locked_until)
    return None


def _end_previous(*, user, voucher, provider, start_date, end_date, request) -> None:
    """Make room for a new customership from ``start_date``: another provider's customership still
    valid then ends the day before, unless it is the same provider's or its lock-in is running."""
    for existing in _overlapping(voucher, start_date=start_date, end_date=end_date):
        if existing.provider_id == provider.pk:
            raise DomainError(
                ErrorCode.ALREADY_CUSTOMER,
                _("Asiakkaalla on jo voimassa oleva asiakkuus tällä palveluntuottajalla (alkaen %(day)s).")
                % {"day": format_day(existing.start_date)},
            )
        if existing.lock_in_running(start_date):
            raise _locked_in_error(existing.locked_until)
        if existing.start_date >= start_date:
            raise _overlap()  # it cannot end before it begins
        existing.end_date = start_date - ONE_DAY
        existing.save(update_fields=["end_date"])
        _audit(user=user, customership=existing, request=request, code="customership_switched",
               provider=str(existing.provider), day=format_day(existing.end_date))


@transaction.atomic
def customership_create(
    *,
    user,
    voucher,
    office,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    locked_until: dt.date | None = None,
    approvals_accepted: bool,
    request=None,
) -> Customership:
    """"Luo asiakkuus": the customer becomes the office's provider's customer from ``start_date``
    (default today) until ``end_date`` (empty: until further notice), locked in until
    ``locked_until`` (default a year after the start).

    A provider user creates it for its own provider; organiser staff on the provider's behalf.
    Another provider's customership still valid on the start day is ended the day before,
    unless its lock-in (``locked_until``, the last day of the lock-in) reaches the start day:
    then it is refused with the date the lock-in ends. Only the organiser moves a customer
    inside the lock-in, with ``customership_transfer``. The start and end go back no further than
    ``earliest_change_day``."""
    provider = office.provider
    on_behalf = _on_behalf(user, provider=provider, voucher=voucher)
    voucher = _locked_voucher(voucher)
    if voucher.service.kind != VoucherKind.CAPITATION:
        raise DomainError(ErrorCode.NOT_CAPITATION, _("Asiakkuuden voi luoda vain kapitaatiosetelille."))
    if not approvals_accepted:
        raise DomainError(ErrorCode.APPROVALS_MISSING, _("Merkitse hyväksynnät hyväksytyiksi."))
    _check_may_serve(provider=provider, voucher=voucher)
    if not on_behalf and voucher.is_closed():
        raise DomainError(
            ErrorCode.VOUCHER_CLOSED, _("Ostovoima on suljettu %(day)s.") % {"day": format_day(voucher.closed_on)}
        )
    start_date, end_date, locked_until = _period(
        voucher=voucher, start_date=start_date, end_date=end_date, locked_until=locked_until
    )
    _check_not_too_far_back(user=user, voucher=voucher, start_date=start_date, end_date=end_date)
    _end_previous(user=user, voucher=voucher, provider=provider, start_date=start_date, end_date=end_date,
                  request=request)
    customership = _save_new(
        Customership(
            voucher=voucher, provider=provider, office=office, start_date=start_date, end_date=end_date,
            locked_until=locked_until, approvals_accepted=True, created_by=user, on_behalf=on_behalf,
        )
    )
    _audit(user=user, customership=customership, request=request, code="customership_created",
           provider=str(provider), office=str(office), day=format_day(start_date))
    return customership


def _check_valid_on_start(old: Customership, start_date: dt.date) -> None:
    old_end = old.effective_end
    if start_date <= old.start_date or old_end < start_date:
        raise DomainError(
            ErrorCode.NOT_VALID_ON_START,
            _("Siirto alkaa päivänä, jona asiakkuus ei ole voimassa (%(start)s–%(end)s).")
            % {"start": format_day(old.start_date), "end": format_day(old_end)},
        )


@transaction.atomic
def customership_transfer(
    *,
    user,
    customership,
    office,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    locked_until: dt.date | None = None,
    reason: str,
    request=None,
) -> Customership:
    """Organiser staff move a customership to another provider and/or office from
    ``start_date`` (default today), lock-in or not. The old one ends the day before; the new
    one records who moved it (``created_by``), from which (``transferred_from``) and why. The move
    starts no earlier than ``earliest_change_day``."""
    if not permissions.can_transfer_customership(user, customership):
        raise DomainError(ErrorCode.NOT_ALLOWED, _("Vain palvelunjärjestäjä voi siirtää asiakkuuden."))
    voucher = _locked_voucher(customership.voucher)
    old = Customership.objects.select_related("provider", "office").get(pk=customership.pk)
    old.voucher = voucher
    provider = office.provider
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ErrorCode.REASON_MISSING, _("Kirjaa siirron peruste."))
    if office.pk == old.office_id:
        raise DomainError(ErrorCode.SAME_OFFICE, _("Valitse toinen palveluntuottaja tai toimipaikka."))
    _check_may_serve(provider=provider, voucher=voucher)
    start_date, end_date, locked_until = _period(
        voucher=voucher, start_date=start_date, end_date=end_date, locked_until=locked_until
    )
    _check_not_too_far_back(user=user, voucher=voucher, start_date=start_date, end_date=end_date)
    _check_valid_on_start(old, start_date)
    if _overlapping(voucher, start_date=start_date, end_date=end_date, exclude=old):
        raise _overlap()
    old.end_date = start_date - ONE_DAY
    old.save(update_fields=["end_date"])
    new = _save_new(
        Customership(
            voucher=voucher, provider=provider, office=office, start_date=start_date, end_date=end_date,
            locked_until=locked_until, approvals_accepted=True, created_by=user, on_behalf=True,
            transferred_from=old, reason=reason,
        )
    )
    _audit(user=user, customership=new, request=request, code="customership_transferred",
           old=f"{old.provider} / {old.office}", new=f"{provider} / {office}", day=format_day(start_date), reason=reason)
    return new


@transaction.atomic
def customership_end(*, user, customership, end_date: dt.date, reason: str = "", request=None) -> Customership:
    """The customership's provider or the organiser ends it on ``end_date`` (its last day)
    without closing the voucher, e.g. when the customer moves to another provider. Ending it again
    earlier is allowed, but never before ``earliest_change_day`` (a provider: 14 days back)."""
    if not permissions.can_end_customership(user, customership):
        raise DomainError(ErrorCode.NOT_ALLOWED, _("Et voi päättää tätä asiakkuutta."))
    voucher = _locked_voucher(customership.voucher)
    customership = Customership.objects.select_related("provider", "office").get(pk=customership.pk)
    customership.voucher = voucher
    if end_date < customership.start_date:
        raise DomainError(
            ErrorCode.END_BEFORE_START,
            _("Asiakkuuden loppupäivä ei voi olla ennen alkupäivää %(day)s.") % {"day": format_day(customership.start_date)},
        )
    current_end = customership.effective_end
    if current_end <= end_date:
        raise DomainError(
            ErrorCode.ALREADY_ENDS,
            _("Asiakkuus päättyy jo %(day)s.") % {"day": format_day(current_end)},
        )
    _check_not_too_far_back(user=user, voucher=voucher, end_date=end_date)
    customership.end_date = end_date
    customership.full_clean()
    customership.save(update_fields=["end_date"])
    _audit(user=user, customership=customership, request=request,
           code="customership_ended_reason" if reason.strip() else "customership_ended",
           provider=str(customership.provider), office=str(customership.office), day=format_day(end_date),
           reason=reason.strip())
    return customership
