"""Every change an organiser's admin makes to its registers: its own services and their contents, its
agreements with providers and their price lists. Each change is kept as history (RegisterChange:
who, when, what, old → new) and audit-logged as the organisation's own change; a refused change
writes nothing.

The database has the last word on what it can enforce: a name is unique per organiser (services) or
per service (contents), and neither two agreements of the same organiser, provider and service nor
two price lists of one agreement may be valid on the same day (exclusion constraints). A change
that breaks one of these is refused with the constraint's Finnish message, whether the page's own
check or a race with another admin's change finds it."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.dates import format_day
from core.errors import DomainError, ErrorCode
from core.money import format_amount, to_cents
from organisations import permissions
from organisations.models import Provider
from registers.models import RegisterChange
from vouchers.comparison import comparison_forget
from vouchers.models import (
    ContentUnit,
    PriceList,
    PriceListItem,
    Service,
    ServiceAgreement,
    ServiceContent,
    VoucherContent,
    VoucherKind,
)

Subject = RegisterChange.Subject


# --- the parts every change shares -------------------------------------------------------------------


def _organiser_id(user) -> int:
    """The organiser whose registers ``user`` keeps: only an organiser's admin keeps them."""
    if not permissions.is_organiser_admin(user):
        raise DomainError(ErrorCode.NOT_ALLOWED, _("Vain palvelunjärjestäjän pääkäyttäjä voi ylläpitää rekistereitä."))
    return permissions.organiser_id_of(user)


def _day(value: dt.date | None) -> str:
    return format_day(value) if value is not None else ""


def _until(value: dt.date | None) -> str:
    return format_day(value) if value is not None else _("toistaiseksi")


def _price(value: Decimal | None) -> str:
    return format_amount(value) if value is not None else ""


def _changes(*rows: tuple[str, str, str]) -> list[dict]:
    """[{"field", "old", "new"}] of the rows whose value changed, as shown to people."""
    return [{"field": field, "old": old, "new": new} for field, old, new in rows if old != new]


def _record(*, user, organiser_id: int, subject: str, kind: str, label: str, changes: list[dict], request=None,
            service_id=None, agreement_id=None, price_list_id=None) -> RegisterChange:
    row = RegisterChange.objects.create(
        organiser_id=organiser_id, user=user, actor=user.get_full_name() or user.username, subject=subject, kind=kind,
        label=label[:500], changes=changes, service_id=service_id, agreement_id=agreement_id,
        price_list_id=price_list_id,
    )
    summary = "; ".join(f"{c['field']}: {c['old'] or '–'} → {c['new'] or '–'}" for c in changes)
    what = f"{Subject(subject).label} {label}: {RegisterChange.Kind(kind).label.lower()}"
    audit_log(user=user, action="change", what=f"{what} ({summary})"[:300] if summary else what[:300],
              organiser_id=organiser_id, request=request, organisation=permissions.organisation_name(user))
    return row


def _comparison_changed(agreement: ServiceAgreement) -> None:
    """An agreement or one of its price lists changed: the public comparison of the organiser's
    providers of the service is read anew once the change is committed (vouchers.comparison)."""
    organiser_id, service_id = agreement.organiser_id, agreement.service_id
    transaction.on_commit(lambda: comparison_forget(organiser_id=organiser_id, service_id=service_id))


def _messages(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _constraint_of(error: IntegrityError) -> str:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


def _save(obj, *, refusals: dict, update_fields=None) -> None:
    """``full_clean`` (fields; the constraints are the database's), then save in a savepoint; a
    constraint the database refuses becomes the DomainError that ``refusals[name]()`` makes."""
    try:
        obj.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise DomainError(ErrorCode.INVALID, _messages(error)) from None
    try:
        with transaction.atomic():
            obj.save(update_fields=update_fields)
    except IntegrityError as error:
        refusal = refusals.get(_constraint_of(error))
        if refusal is None:
            raise
        raise refusal() from None


def _check_validity(valid_from: dt.date, valid_to: dt.date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(ErrorCode.INVALID_VALIDITY, _("Voimassaolon päättymispäivä ei voi olla ennen alkamispäivää."))


def _overlapping(rows, valid_from: dt.date, valid_to: dt.date | None):
    """The first of ``rows`` valid on a day of ``valid_from``–``valid_to``."""
    rows = rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    if valid_to is not None:
        rows = rows.filter(valid_from__lte=valid_to)
    return rows.order_by("valid_from").first()


# --- services and their contents -----------------------------------------------------------------------


def _own_service(user, service: Service) -> tuple[int, Service]:
    organiser_id = _organiser_id(user)
    if service.organiser_id is None:
        raise DomainError(ErrorCode.SHARED_SERVICE)
    if service.organiser_id != organiser_id:
        raise DomainError(ErrorCode.NOT_FOUND, _("Palvelua ei löydy."))
    return organiser_id, Service.objects.select_for_update().get(pk=service.pk)


def _duplicate_service():
    return DomainError(ErrorCode.DUPLICATE_NAME, _("Samanniminen palvelu on jo olemassa."), field="nimi")


def _duplicate_content():
    return DomainError(ErrorCode.DUPLICATE_NAME, _("Palvelulla on jo samanniminen palvelusisältö."), field="nimi")


SERVICE_REFUSALS = {"service_unique_name_per_organiser": _duplicate_service}
CONTENT_REFUSALS = {"servicecontent_unique_name": _duplicate_content}


@transaction.atomic
def service_create(*, user, name: str, kind: str, request=None) -> Service:
    """A service of the admin's own organiser (the shared ones are the superusers')."""
    organiser_id = _organiser_id(user)
    if Service.objects.filter(organiser_id=organiser_id, name=name).exists():
        raise _duplicate_service()
    service = Service(organiser_id=organiser_id, name=name, kind=kind)
    _save(service, refusals=SERVICE_REFUSALS)
    _record(user=user, organiser_id=organiser_id, subject=Subject.SERVICE, kind=RegisterChange.Kind.CREATED,
            label=name, service_id=service.pk, request=request,
            changes=_changes((_("Nimi"), "", name), (_("Setelilaji"), "", str(VoucherKind(kind).label))))
    return service


@transaction.atomic
def service_rename(*, user, service: Service, name: str, request=None) -> Service:
    """Rename one of the organiser's own services; its kind stays (vouchers hang on it)."""
    organiser_id, service = _own_service(user, service)
    if service.name == name:
        return service
    if Service.objects.filter(organiser_id=organiser_id, name=name).exclude(pk=service.pk).exists():
        raise _duplicate_service()
    old = service.name
    service.name = name
    _save(service, refusals=SERVICE_REFUSALS, update_fields=["name"])
    _record(user=user, organiser_id=organiser_id, subject=Subject.SERVICE, kind=RegisterChange.Kind.CHANGED,
            label=name, service_id=service.pk, request=request, changes=_changes((_("Nimi"), old, name)))
    return service


@transaction.atomic
def content_create(*, user, service: Service, name: str, unit: str, request=None) -> ServiceContent:
    """A new content of one of the organiser's own services."""
    organiser_id, service = _own_service(user, service)
    if ServiceContent.objects.filter(service=service, name=name).exists():
        raise _duplicate_content()
    content = ServiceContent(service=service, name=name, unit=unit)
    _save(content, refusals=CONTENT_REFUSALS)
    _record(user=user, organiser_id=organiser_id, subject=Subject.CONTENT, kind=RegisterChange.Kind.CREATED,
            label=f"{service.name}: {name}", service_id=service.pk, request=request,
            changes=_changes((_("Nimi"), "", name), (_("Yksikkö"), "", str(ContentUnit(unit).label))))
    return content


@transaction.atomic
def content_update(*, user, content: ServiceContent, name: str, unit: str, request=None) -> ServiceContent:
    """Rename a content of an own service or change its unit; a unit a voucher grants is fixed."""
    organiser_id, service = _own_service(user, content.service)
    content = ServiceContent.objects.select_for_update().filter(service=service, pk=content.pk).first()
    if content is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Palvelusisältöä ei löydy."))
    if content.unit != unit and VoucherContent.objects.filter(content=content).exists():
        raise DomainError(ErrorCode.UNIT_IN_USE)
    if content.name != name and ServiceContent.objects.filter(service=service, name=name).exclude(pk=content.pk).exists():
        raise _duplicate_content()
    changes = _changes((_("Nimi"), content.name, name),
                       (_("Yksikkö"), str(ContentUnit(content.unit).label), str(ContentUnit(unit).label)))
    if not changes:
        return content
    content.name, content.unit = name, unit
    _save(content, refusals=CONTENT_REFUSALS, update_fields=["name", "unit"])
    _record(user=user, organiser_id=organiser_id, subject=Subject.CONTENT, kind=RegisterChange.Kind.CHANGED,
            label=f"{service.name}: {name}", service_id=service.pk, request=request, changes=changes)
    return content


# --- agreements -----------------------------------------------------------------------------------


def _agreement_label(agreement: ServiceAgreement) -> str:
    return f"{agreement.provider.name} – {agreement.service.name}"


def _agreement_overlap(agreement: ServiceAgreement):
    def refusal():
        others = ServiceAgreement.objects.filter(
            organiser_id=agreement.organiser_id, provider_id=agreement.provider_id, service_id=agreement.service_id,
        ).exclude(pk=agreement.pk)
        other = _overlapping(others, agreement.valid_from, agreement.valid_to)
        start, end = (other.valid_from, other.valid_to) if other is not None else (agreement.valid_from, agreement.valid_to)
        return DomainError(ErrorCode.AGREEMENT_OVERLAP, start=_day(start), end=_until(end))

    return {"serviceagreement_no_overlap": refusal}


@transaction.atomic
def agreement_create(*, user, provider: Provider, service: Service, valid_from: dt.date, valid_to: dt.date | None,
                     request=None) -> ServiceAgreement:
    """An agreement of the admin's organiser with ``provider`` for a shared service or one of its own,
    valid ``valid_from``–``valid_to`` (empty: until further notice); never overlapping another of the
    same provider and service."""
    organiser_id = _organiser_id(user)
    if service.organiser_id not in (None, organiser_id):
        raise DomainError(ErrorCode.NOT_FOUND, _("Palvelua ei löydy."))
    _check_validity(valid_from, valid_to)
    agreement = ServiceAgreement(organiser_id=organiser_id, provider=provider, service=service,
                                 valid_from=valid_from, valid_to=valid_to)
    refusals = _agreement_overlap(agreement)
    others = ServiceAgreement.objects.filter(organiser_id=organiser_id, provider=provider, service=service)
    if _overlapping(others, valid_from, valid_to) is not None:
        raise refusals["serviceagreement_no_overlap"]()
    _save(agreement, refusals=refusals)
    _comparison_changed(agreement)
    _record(user=user, organiser_id=organiser_id, subject=Subject.AGREEMENT, kind=RegisterChange.Kind.CREATED,
            label=_agreement_label(agreement), agreement_id=agreement.pk, request=request,
            changes=_changes((_("Palveluntuottaja"), "", f"{provider.name} ({provider.business_id})"),
                             (_("Palvelu"), "", service.name),
                             (_("Voimassa alkaen"), "", _day(valid_from)),
                             (_("Voimassa asti"), "", _until(valid_to))))
    return agreement


@transaction.atomic
def agreement_set_validity(*, user, agreement: ServiceAgreement, valid_from: dt.date, valid_to: dt.date | None,
                           request=None) -> ServiceAgreement:
    """Change an agreement's validity: end it (``valid_to``), extend it, or move its start."""
    organiser_id = _organiser_id(user)
    agreement = (ServiceAgreement.objects.select_for_update().select_related("provider", "service")
                 .filter(organiser_id=organiser_id, pk=agreement.pk).first())
    if agreement is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Palvelusopimusta ei löydy."))
    _check_validity(valid_from, valid_to)
    changes = _changes((_("Voimassa alkaen"), _day(agreement.valid_from), _day(valid_from)),
                       (_("Voimassa asti"), _until(agreement.valid_to), _until(valid_to)))
    if not changes:
        return agreement
    agreement.valid_from, agreement.valid_to = valid_from, valid_to
    refusals = _agreement_overlap(agreement)
    others = ServiceAgreement.objects.filter(organiser_id=organiser_id, provider_id=agreement.provider_id,
                                             service_id=agreement.service_id).exclude(pk=agreement.pk)
    if _overlapping(others, valid_from, valid_to) is not None:
        raise refusals["serviceagreement_no_overlap"]()
    _save(agreement, refusals=refusals, update_fields=["valid_from", "valid_to"])
    _comparison_changed(agreement)
    _record(user=user, organiser_id=organiser_id, subject=Subject.AGREEMENT, kind=RegisterChange.Kind.CHANGED,
            label=_agreement_label(agreement), agreement_id=agreement.pk, request=request, changes=changes)
    return agreement


# --- price lists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Price:
    """A content's unit price on a price list; ``unit_price`` None: the list does not price it."""

    content: ServiceContent
    unit_price: Decimal | None


def _price_list_overlap(price_list: PriceList):
    def refusal():
        others = PriceList.objects.filter(agreement_id=price_list.agreement_id).exclude(pk=price_list.pk)
        other = _overlapping(others, price_list.valid_from, price_list.valid_to)
        start, end = (other.valid_from, other.valid_to) if other is not None else (price_list.valid_from, price_list.valid_to)
        return DomainError(ErrorCode.PRICE_LIST_OVERLAP, start=_day(start), end=_until(end))

    return {"pricelist_no_overlap": refusal}


def _own_agreement(organiser_id: int, agreement: ServiceAgreement) -> ServiceAgreement:
    """The agreement, its row locked: one change of its price lists at a time."""
    agreement = (ServiceAgreement.objects.select_for_update().select_related("provider", "service")
                 .filter(organiser_id=organiser_id, pk=agreement.pk).first())
    if agreement is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Palvelusopimusta ei löydy."))
    return agreement


def _set_prices(price_list: PriceList, service: Service, prices: list[Price]) -> list[dict]:
    """Write the list's items from ``prices``; the changes, as history rows."""
    current = {item.content_id: item for item in price_list.items.all()}
    changes = []
    for price in prices:
        if price.content.service_id != service.pk:
            raise DomainError(ErrorCode.CONTENT_NOT_OF_SERVICE)
        item = current.get(price.content.pk)
        old = item.unit_price if item is not None else None
        new = to_cents(price.unit_price) if price.unit_price is not None else None
        if old == new:
            continue
        if new is None:
            item.delete()
        elif item is None:
            PriceListItem.objects.create(price_list=price_list, content=price.content, unit_price=new)
        else:
            item.unit_price = new
            item.full_clean()
            item.save(update_fields=["unit_price"])
        changes.append({"field": price.content.name, "old": _price(old), "new": _price(new)})
    return changes


@transaction.atomic
def price_list_create(*, user, agreement: ServiceAgreement, name: str, valid_from: dt.date,
                      valid_to: dt.date | None, prices: list[Price], request=None) -> tuple[PriceList, PriceList | None]:
    """A new price list of one of the organiser's agreements, with its unit prices. When the list that
    starts last is valid until further notice and starts before the new one, it ends the day before
    the new one starts (new prices from a date). Returns the new list and the one it ended."""
    organiser_id = _organiser_id(user)
    agreement = _own_agreement(organiser_id, agreement)
    _check_validity(valid_from, valid_to)
    ended = None
    latest = PriceList.objects.select_for_update().filter(agreement=agreement).order_by("-valid_from", "-id").first()
    if latest is not None and latest.valid_to is None and latest.valid_from < valid_from:
        ended = latest
        ended.valid_to = valid_from - dt.timedelta(days=1)
        _save(ended, refusals=_price_list_overlap(ended), update_fields=["valid_to"])
        _record(user=user, organiser_id=organiser_id, subject=Subject.PRICE_LIST, kind=RegisterChange.Kind.CHANGED,
                label=ended.name, agreement_id=agreement.pk, price_list_id=ended.pk, request=request,
                changes=_changes((_("Voimassa asti"), _until(None), _day(ended.valid_to))))
    price_list = PriceList(agreement=agreement, name=name, valid_from=valid_from, valid_to=valid_to)
    refusals = _price_list_overlap(price_list)
    if _overlapping(PriceList.objects.filter(agreement=agreement), valid_from, valid_to) is not None:
        raise refusals["pricelist_no_overlap"]()
    _save(price_list, refusals=refusals)
    price_changes = _set_prices(price_list, agreement.service, prices)
    _comparison_changed(agreement)
    _record(user=user, organiser_id=organiser_id, subject=Subject.PRICE_LIST, kind=RegisterChange.Kind.CREATED,
            label=name, agreement_id=agreement.pk, price_list_id=price_list.pk, request=request,
            changes=_changes((_("Nimi"), "", name), (_("Voimassa alkaen"), "", _day(valid_from)),
                             (_("Voimassa asti"), "", _until(valid_to))) + price_changes)
    return price_list, ended


@transaction.atomic
def price_list_update(*, user, price_list: PriceList, name: str, valid_from: dt.date, valid_to: dt.date | None,
                      prices: list[Price], request=None) -> PriceList:
    """Change a price list's name, validity and unit prices (a blank price: the content is not on it)."""
    organiser_id = _organiser_id(user)
    agreement = _own_agreement(organiser_id, price_list.agreement)
    price_list = PriceList.objects.select_for_update().filter(agreement=agreement, pk=price_list.pk).first()
    if price_list is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Hinnastoa ei löydy."))
    _check_validity(valid_from, valid_to)
    changes = _changes((_("Nimi"), price_list.name, name),
                       (_("Voimassa alkaen"), _day(price_list.valid_from), _day(valid_from)),
                       (_("Voimassa asti"), _until(price_list.valid_to), _until(valid_to)))
    if changes:
        price_list.name, price_list.valid_from, price_list.valid_to = name, valid_from, valid_to
        refusals = _price_list_overlap(price_list)
        others = PriceList.objects.filter(agreement=agreement).exclude(pk=price_list.pk)
        if _overlapping(others, valid_from, valid_to) is not None:
            raise refusals["pricelist_no_overlap"]()
        _save(price_list, refusals=refusals, update_fields=["name", "valid_from", "valid_to"])
    changes += _set_prices(price_list, agreement.service, prices)
    if changes:
        _comparison_changed(agreement)
        _record(user=user, organiser_id=organiser_id, subject=Subject.PRICE_LIST, kind=RegisterChange.Kind.CHANGED,
                label=price_list.name, agreement_id=agreement.pk, price_list_id=price_list.pk, request=request,
                changes=changes)
    return price_list



@transaction.atomic
def agreement_end(*, agreement: ServiceAgreement, last_day: dt.date, actor: str, reason: str) -> ServiceAgreement | None:
    """End an agreement on ``last_day`` by a rule rather than a person (issue 24: a rulebook version not
    accepted by its date), with the history row and audit entry a person's change has. None when
    the agreement already ends by then."""
    agreement = (ServiceAgreement.objects.select_for_update().select_related("provider", "service")
                 .filter(pk=agreement.pk).first())
    if agreement is None or (agreement.valid_to is not None and agreement.valid_to <= last_day):
        return None
    old = agreement.valid_to
    agreement.valid_to = max(last_day, agreement.valid_from)
    _save(agreement, refusals={}, update_fields=["valid_to"])
    changes = _changes((_("Voimassa asti"), _until(old), _day(agreement.valid_to)))
    RegisterChange.objects.create(
        organiser_id=agreement.organiser_id, user=None, actor=actor[:200], subject=Subject.AGREEMENT,
        kind=RegisterChange.Kind.CHANGED, label=_agreement_label(agreement)[:500],
        changes=changes + [{"field": _("Peruste"), "old": "", "new": reason}], agreement_id=agreement.pk,
    )
    audit_log(user=None, action="change", what=f"{_agreement_label(agreement)}: päättyy {_day(agreement.valid_to)} ({reason})"[:300],
              organiser_id=agreement.organiser_id, organisation=actor)
    return agreement
