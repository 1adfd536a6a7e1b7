"""Service reservations (palveluvaraus): every rule of making one lives here.

A voucher is reserved once, for one of its contents. Provider users reserve open
vouchers for their own provider; organiser staff reserve on a provider's behalf,
also a closed voucher up to ``ON_BEHALF_DAYS_AFTER_CLOSING`` days after it closed.
The database's one-to-one ``Reservation.voucher`` makes a second reservation
impossible even when two arrive at once.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.dates import format_day, today
from core.errors import DomainError, ErrorCode
from notifications.models import NotificationKind
from notifications.services import notify
from organisations import permissions
from organisations.models import Provider, ProviderUnit
from reservations.models import Reservation
from reservations.selectors import providers_for_on_behalf, reservation_of_voucher
from vouchers.models import Voucher, VoucherContent, VoucherKind
from vouchers.selectors import vouchers_visible_for_lookup

ON_BEHALF_DAYS_AFTER_CLOSING = 60


def _user_name(user) -> str:
    return user.get_full_name() or user.get_username()


def already_reserved_error(*, user, reservation: Reservation) -> DomainError:
    """"Already reserved", naming the holder only to those who may know it."""
    when = format_day(localtime(reservation.created_at))
    if permissions.is_organiser(user):
        message = _(
            "Ostovoima on jo varattu. Varauksen haltija: %(provider)s (%(unit)s); "
            "varauksen teki %(user)s %(when)s."
        ) % {
            "provider": reservation.provider.name,
            "unit": reservation.unit.name,
            "user": _user_name(reservation.created_by),
            "when": when,
        }
    elif permissions.may_see_reservation_holder(user, reservation):
        message = _("Ostovoima on jo varattu teille (%(unit)s, %(when)s).") % {
            "unit": reservation.unit.name,
            "when": when,
        }
    else:
        message = _("Ostovoima on jo varattu.")
    return DomainError(ErrorCode.ALREADY_RESERVED, message, reservation_id=reservation.pk)


_NOT_READ = object()


def reservation_refusal(*, user, voucher: Voucher, day: dt.date | None = None, existing=_NOT_READ) -> DomainError | None:
    """Why ``user`` cannot reserve ``voucher`` on ``day``, or None if they may.

    Shown before the form; ``reservation_create`` asks the same again with the voucher locked.
    ``existing``: the voucher's reservation (or None) when the caller has just read it.
    """
    day = day or today()
    if not permissions.can_make_reservations(user):
        return DomainError(ErrorCode.ROLE_NOT_ALLOWED, _("Sinulla ei ole oikeutta tehdä palveluvarauksia."))
    if not vouchers_visible_for_lookup(user, day=day).filter(pk=voucher.pk).exists():
        return DomainError(ErrorCode.VOUCHER_NOT_FOUND, _("Ostovoiman tietoja ei löydy"))
    if voucher.service.kind == VoucherKind.CAPITATION:
        return DomainError(
            ErrorCode.CAPITATION_VOUCHER,
            _("Kapitaatiosetelille ei tehdä palveluvarausta, vaan sille luodaan asiakkuus."),
        )
    if existing is _NOT_READ:
        existing = reservation_of_voucher(voucher)
    if existing is not None:
        return already_reserved_error(user=user, reservation=existing)
    if voucher.is_closed(day):
        closed = format_day(voucher.closed_on)
        too_long = (day - voucher.closed_on).days > ON_BEHALF_DAYS_AFTER_CLOSING
        if not permissions.is_organiser(user) and too_long:  # nobody can any more: promise nothing
            return DomainError(
                ErrorCode.VOUCHER_CLOSED,
                _(
                    "Ostovoima on suljettu %(closed)s, eikä sitä voi enää varata: palvelunjärjestäjäkin voi "
                    "tehdä varauksen puolestanne vain %(days)s päivän ajan sulkemisesta."
                )
                % {"closed": closed, "days": ON_BEHALF_DAYS_AFTER_CLOSING},
            )
        if not permissions.is_organiser(user):
            return DomainError(
                ErrorCode.VOUCHER_CLOSED,
                _(
                    "Ostovoima on suljettu %(closed)s, eikä palveluntuottaja voi enää varata sitä. "
                    "Palvelunjärjestäjä voi tehdä varauksen puolestanne %(days)s päivän ajan sulkemisesta."
                )
                % {"closed": closed, "days": ON_BEHALF_DAYS_AFTER_CLOSING},
            )
        if too_long:
            return DomainError(
                ErrorCode.VOUCHER_CLOSED_TOO_LONG,
                _(
                    "Ostovoima on suljettu %(closed)s. Varauksen voi tehdä palveluntuottajan puolesta "
                    "enintään %(days)s päivää sulkemisen jälkeen."
                )
                % {"closed": closed, "days": ON_BEHALF_DAYS_AFTER_CLOSING},
            )
    return None


def _resolve_provider(*, user, voucher: Voucher, provider: Provider | None, day: dt.date) -> Provider:
    if permissions.is_provider(user):
        if provider is not None and provider.pk != permissions.provider_id_of(user):
            raise DomainError(ErrorCode.PROVIDER_NOT_ALLOWED, _("Voit tehdä palveluvarauksen vain omalle palveluntuottajallesi."))
        return permissions.membership_of(user).provider
    if provider is None:
        raise DomainError(ErrorCode.PROVIDER_REQUIRED, _("Valitse palveluntuottaja, jonka puolesta varaus tehdään."))
    if not providers_for_on_behalf(voucher=voucher, day=day).filter(pk=provider.pk).exists():
        raise DomainError(
            ErrorCode.PROVIDER_WITHOUT_AGREEMENT,
            _("Palveluntuottajalla ei ole voimassa olevaa palvelusopimusta tähän palveluun."),
        )
    return provider


def _resolve_unit(*, provider: Provider, unit: ProviderUnit | None) -> ProviderUnit:
    if unit is None:
        unit = provider.units.filter(is_default=True).first()
        if unit is None:
            raise DomainError(ErrorCode.UNIT_REQUIRED, _("Valitse palveluntuottajaosa."))
    if unit.provider_id != provider.pk:
        raise DomainError(ErrorCode.UNIT_NOT_OF_PROVIDER, _("Palveluntuottajaosa ei kuulu valitulle palveluntuottajalle."))
    return unit


def _check_content(*, voucher: Voucher, voucher_content: VoucherContent | None) -> None:
    if voucher_content is None:
        raise DomainError(ErrorCode.CONTENT_REQUIRED, _("Valitse yksi palvelusisältö."))
    if voucher_content.voucher_id != voucher.pk:
        raise DomainError(ErrorCode.CONTENT_NOT_ON_VOUCHER, _("Palvelusisältö ei kuulu tähän ostovoimaan."))


def _checked_event_text(event_text: str) -> str:
    event_text = (event_text or "").strip()
    limit = Reservation._meta.get_field("event_text").max_length
    if len(event_text) > limit:
        # A TextField's max_length is not checked by full_clean(); the rule is checked here.
        raise DomainError(
            ErrorCode.EVENT_TEXT_TOO_LONG, _("Tapahtumavaraus on enintään %(limit)s merkkiä pitkä.") % {"limit": limit}
        )
    return event_text


def _save_new(*, user, reservation: Reservation) -> None:
    """full_clean, then insert; a reservation of the voucher that slipped in meanwhile hits the
    one-to-one constraint and is answered as "already reserved"."""
    try:
        reservation.full_clean(validate_unique=False)
    except ValidationError as error:
        raise DomainError(ErrorCode.INVALID, " ".join(error.messages)) from error
    try:
        with transaction.atomic():
            reservation.save()
    except IntegrityError as error:
        # The one-to-one constraint: someone reserved the voucher after all.
        existing = reservation_of_voucher(reservation.voucher)
        if existing is None:
            raise
        raise already_reserved_error(user=user, reservation=existing) from error


@transaction.atomic
def reservation_create(
    *,
    user,
    voucher: Voucher,
    voucher_content: VoucherContent | None,
    terms_accepted: bool,
    event_text: str = "",
    unit: ProviderUnit | None = None,
    provider: Provider | None = None,
    day: dt.date | None = None,
) -> Reservation:
    """Reserve ``voucher`` for one of its contents. Provider users reserve for their own provider;
    organiser users name the ``provider`` (and optionally its ``unit``) on whose behalf they reserve.

    Raises DomainError (nothing written) when a rule refuses.
    """
    day = day or today()
    # Lock the contested row: two reservations of one voucher queue here, and the second sees the first.
    voucher = Voucher.objects.select_for_update(of=("self",)).select_related("service", "organiser").get(pk=voucher.pk)
    refusal = reservation_refusal(user=user, voucher=voucher, day=day)
    if refusal is not None:
        raise refusal
    provider = _resolve_provider(user=user, voucher=voucher, provider=provider, day=day)
    unit = _resolve_unit(provider=provider, unit=unit)
    _check_content(voucher=voucher, voucher_content=voucher_content)
    if not terms_accepted:
        raise DomainError(
            ErrorCode.TERMS_NOT_ACCEPTED,
            _("Palveluvaraus edellyttää sopimusehtojen ja sopimussuhteen muodostamisen hyväksymistä."),
        )
    event_text = _checked_event_text(event_text)
    reservation = Reservation(
        voucher=voucher,
        voucher_content=voucher_content,
        provider=provider,
        unit=unit,
        event_text=event_text,
        terms_accepted=True,
        on_behalf=permissions.is_organiser(user),
        created_by=user,
    )
    _save_new(user=user, reservation=reservation)
    audit_log(
        user=user,
        action="change",
        code="reservation_created_on_behalf" if reservation.on_behalf else "reservation_created",
        params={"number": voucher.number, "content": voucher_content.content.name, "provider": provider.name},
        customer_id=voucher.customer_id,
        organiser_id=voucher.organiser_id,
        organisation=permissions.organisation_name(user),
    )
    if reservation.on_behalf:  # the provider learns that the organiser booked for it
        notify(provider_id=provider.pk, kind=NotificationKind.ON_BEHALF,
               params={"organiser": voucher.organiser.name, "number": voucher.number},
               link=reverse("reservations:detail", args=[reservation.pk]))
    return reservation
