"""Granting vouchers (myöntäminen), the organiser's half of a voucher's life: find or create the
customer, grant a voucher by a decision, change what was granted, close it with a reason. The
browser's pages (grants.views) and the client system's API (api.routers.grants) both call these,
and each change is kept as the voucher's history (VoucherChange) and audit-logged.

The rules about what a change may not undo (used amounts, recorded events, a reservation's content,
a customership's start) read the apps below: reservations, customers and events."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Min, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from audit.services import audit_log, audit_log_many
from core.dates import format_day, today
from core.errors import DomainError, ErrorCode
from core.money import ZERO
from core.validators import clean_text
from customers.models import Customership
from events.models import Event, EventStatus
from grants.models import CloseReason, VoucherChange
from grants.selectors import grantable_services
from organisations import permissions
from reservations.models import Reservation
from vouchers.models import Customer, Language, Service, ServiceContent, Voucher, VoucherContent, VoucherKind
from vouchers.services import voucher_close

# The longest validity one decision grants, and the furthest back it may start.
MAX_VALIDITY_DAYS = 5 * 366
MAX_BACKDATE_DAYS = 366
MAX_CONTENTS = 20
REASON_MAX_LENGTH = 500


@dataclass(frozen=True)
class Granted:
    """One content of a decision: a quantity of units per period, or a euro amount (a balance
    voucher's total), with the voucher's value per unit where the service pays by unit."""

    content_id: int
    quantity: Decimal | None = None
    amount: Decimal | None = None
    unit_value: Decimal | None = None
    period: str = VoucherContent.Period.VALIDITY


@dataclass(frozen=True)
class NewCustomer:
    first_name: str
    last_name: str
    henkilotunnus: str
    municipality: str
    street_address: str = ""
    postal_code: str = ""
    post_office: str = ""
    language: str = Language.FINNISH
    phone: str = ""
    email: str = ""


def _organiser_membership(user):
    membership = permissions.membership_of(user)
    if membership is None or not membership.is_organiser:
        raise DomainError(ErrorCode.NOT_ALLOWED, _("Vain palvelunjärjestäjän käyttäjä voi myöntää ostovoimia."))
    return membership


def _check_own_voucher(user, voucher: Voucher) -> None:
    if not permissions.is_voucher_organiser(user, voucher):
        raise DomainError(ErrorCode.VOUCHER_NOT_FOUND)


# --- customers --------------------------------------------------------------------------------------

def customer_find(*, user, henkilotunnus: str, request=None) -> Customer | None:
    """The person with this henkilötunnus (one index lookup), for an organiser's user; the search
    is audit-logged whether or not someone is found. A person with another organiser's vouchers is
    found too: the caller shows only the name, never their vouchers."""
    membership = _organiser_membership(user)
    customer = Customer.objects.filter(henkilotunnus=henkilotunnus).first()
    _search_logged(user, membership, customer, request).save()
    return customer


def customers_find_many(*, user, henkilotunnukset: list[str], request=None) -> dict[str, Customer]:
    """``customer_find`` for many at once (a bulk of decisions): one query for all, and one audit
    row per search, as if each had been searched alone. Returns henkilötunnus → customer (the found)."""
    membership = _organiser_membership(user)
    found = {customer.henkilotunnus: customer
             for customer in Customer.objects.filter(henkilotunnus__in=set(henkilotunnukset))}
    audit_log_many([_search_logged(user, membership, found.get(henkilotunnus), request)
                    for henkilotunnus in henkilotunnukset])
    return found


def _search_logged(user, membership, customer: Customer | None, request):
    return audit_log(user=user, action="read", code="customer_search", params={}, customer_id=getattr(customer, "pk", None),
                     organiser_id=membership.organiser_id, request=request, organisation=str(membership.organisation),
                     save=False)


def _customer_of(person: NewCustomer) -> Customer:
    """A new person's row, its fields' own rules checked in Python (the henkilötunnus's check digit
    among them). Uniqueness and the format's check constraint are the database's, met at the INSERT
    (two queries fewer per new customer: a bulk of 1,000 decisions, issue 22)."""
    customer = Customer(**{field: clean_text(value) if isinstance(value, str) and field != "henkilotunnus" else value
                           for field, value in person.__dict__.items()})
    try:
        customer.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        if "henkilotunnus" in getattr(error, "error_dict", {}) and Customer.objects.filter(
                henkilotunnus=person.henkilotunnus).exists():
            raise DomainError(ErrorCode.CUSTOMER_EXISTS) from None
        raise DomainError(ErrorCode.INVALID, " ".join(error.messages)) from None
    return customer


def _created_logged(user, membership, customer: Customer, request):
    return audit_log(user=user, action="change", code="customer_created", params={}, customer_id=customer.pk,
                     organiser_id=membership.organiser_id, request=request, organisation=str(membership.organisation),
                     save=False)


@transaction.atomic
def customer_create(*, user, person: NewCustomer, request=None) -> Customer:
    """A new person in the register (the henkilötunnus is unique: an existing one is refused)."""
    membership = _organiser_membership(user)
    customer = _customer_of(person)
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:  # the same person created at this moment by another request
        raise DomainError(ErrorCode.CUSTOMER_EXISTS) from None
    _created_logged(user, membership, customer, request).save()
    return customer


# --- granting ---------------------------------------------------------------------------------------

def next_voucher_number() -> str:
    """A number no voucher has had: the next of a sequence that only grows (never reused), past
    any number made elsewhere (the admin, an import) that happens to be taken."""
    return next_voucher_numbers(1)[0]


def next_voucher_numbers(count: int) -> list[str]:
    """``count`` numbers no voucher has had, in the sequence's order (two queries for any count,
    unless some were taken by numbers made elsewhere)."""
    numbers: list[str] = []
    with connection.cursor() as cursor:
        for _attempt in range(100):
            wanted = count - len(numbers)
            cursor.execute("SELECT nextval('grants_voucher_number_seq') FROM generate_series(1, %s)", [wanted])
            fresh = [str(row[0]) for row in cursor.fetchall()]
            taken = set(Voucher.objects.filter(number__in=fresh).values_list("number", flat=True))
            numbers += [number for number in fresh if number not in taken]
            if len(numbers) == count:
                return numbers
    raise DomainError(ErrorCode.INVALID, _("Vapaata ostovoiman numeroa ei löytynyt."))


def _check_validity(valid_from: dt.date, valid_to: dt.date) -> None:
    if valid_to < valid_from:
        raise DomainError(ErrorCode.INVALID_VALIDITY, field="voimassa_asti")
    if (valid_to - valid_from).days > MAX_VALIDITY_DAYS:
        raise DomainError(ErrorCode.INVALID_VALIDITY, _("Ostovoima voi olla voimassa enintään viisi vuotta."),
                          field="voimassa_asti")


def _contents(service: Service, granted: list[Granted], own: dict[int, ServiceContent] | None = None) -> list[VoucherContent]:
    """The decision's contents checked against the service: its own contents (``own``: id → content,
    read here unless given), each once, each granting something (a balance voucher: a euro total)."""
    if not granted:
        raise DomainError(ErrorCode.CONTENTS_REQUIRED)
    if len(granted) > MAX_CONTENTS:
        raise DomainError(ErrorCode.INVALID, _("Enintään %(limit)s palvelusisältöä.") % {"limit": MAX_CONTENTS})
    if own is None:
        own = {content.pk: content for content in ServiceContent.objects.filter(service=service)}
    seen, rows = set(), []
    for item in granted:
        content = own.get(item.content_id)
        if content is None:
            raise DomainError(ErrorCode.CONTENT_NOT_OF_SERVICE)
        if item.content_id in seen:
            raise DomainError(ErrorCode.INVALID, _("Sama palvelusisältö on valittu kahdesti: %(content)s.")
                              % {"content": content.name})
        seen.add(item.content_id)
        if service.kind == VoucherKind.BALANCE and item.amount is None:
            raise DomainError(ErrorCode.INVALID, _("Saldo-ostovoimalle myönnetään euromäärä: %(content)s.")
                              % {"content": content.name})
        if item.quantity is None and item.amount is None:
            raise DomainError(ErrorCode.INVALID, _("Anna myönnetty määrä tai euromäärä: %(content)s.")
                              % {"content": content.name})
        rows.append(VoucherContent(content=content, quantity=item.quantity, amount=item.amount,
                                   unit_value=item.unit_value, period=item.period))
    return rows


@dataclass
class Decision:
    """One decision to grant: for ``customer`` (a customer, or a new person to add with the voucher)
    the ``service``'s ``contents`` for the validity, with the decision's number and date and the
    client system's ``decision_id``."""

    customer: Customer | NewCustomer
    service: Service
    contents: list[Granted]
    valid_from: dt.date
    valid_to: dt.date
    decision_number: str = ""
    decision_date: dt.date | None = None
    decision_id: str | None = None


def _voucher_of(organiser_id: int, decision: Decision, *, grantable: set[int] | None = None,
                own_contents: dict[int, ServiceContent] | None = None) -> tuple[Voucher, list[VoucherContent]]:
    """The voucher a decision makes and its contents, checked, not saved and without a number or
    customer yet: a service the organiser grants (``grantable``: their ids, read here unless given),
    a validity of at most five years starting at most a year back, the service's own contents."""
    service = decision.service
    if not (service.pk in grantable if grantable is not None
            else grantable_services(organiser_id).filter(pk=service.pk).exists()):
        raise DomainError(ErrorCode.SERVICE_NOT_GRANTABLE, field="palvelu")
    _check_validity(decision.valid_from, decision.valid_to)
    if decision.valid_from < today() - dt.timedelta(days=MAX_BACKDATE_DAYS):
        raise DomainError(ErrorCode.INVALID_VALIDITY, _("Ostovoima voi alkaa enintään vuoden taaksepäin."),
                          field="voimassa_alkaen")
    rows = _contents(service, decision.contents, own_contents)
    voucher = Voucher(
        organiser_id=organiser_id, service=service, valid_from=decision.valid_from, valid_to=decision.valid_to,
        granted_on=today(), decision_number=clean_text(decision.decision_number), decision_date=decision.decision_date,
        decision_id=decision.decision_id or None,
    )
    return voucher, rows


def _granted_rows(user, membership, voucher: Voucher, rows: list[VoucherContent], actor: str, request):
    """What a granted voucher adds beside itself, not saved: its contents tied to it, the history's
    first row and the audit row."""
    for row in rows:
        row.voucher = voucher
    history = VoucherChange(
        voucher=voucher, user=_user_or_none(user), actor=actor or _actor(user), kind=VoucherChange.Kind.GRANTED,
        reason=_("Päätös %(number)s") % {"number": voucher.decision_number} if voucher.decision_number else "",
        changes=[_change("valid", None, f"{format_day(voucher.valid_from)}–{format_day(voucher.valid_to)}")]
        + [_change("quantity" if row.quantity is not None else "amount", None,
                   _figure(row.quantity if row.quantity is not None else row.amount), content=row.content.name)
           for row in rows],
    )
    logged = audit_log(user=user, action="change", code="voucher_granted",
                       params={"number": voucher.number, "service": voucher.service.name},
                       customer_id=voucher.customer_id, organiser_id=voucher.organiser_id, request=request,
                       organisation=str(membership.organisation), save=False)
    return history, logged


@transaction.atomic
def voucher_grant(*, user, customer: Customer, service: Service, contents: list[Granted], valid_from: dt.date,
                  valid_to: dt.date, decision_number: str = "", decision_date: dt.date | None = None,
                  decision_id: str | None = None, actor: str = "", request=None) -> tuple[Voucher, bool]:
    """A new voucher of the user's organiser for ``customer``: a new number, the decision's
    contents, validity and decision. With the client system's ``decision_id`` the same decision
    sent again returns the voucher it made the first time (``created`` False), changing nothing.
    Returns (voucher, created)."""
    membership = _organiser_membership(user)
    organiser_id = membership.organiser_id
    if decision_id:
        earlier = Voucher.objects.filter(organiser_id=organiser_id, decision_id=decision_id).first()
        if earlier is not None:
            return earlier, False
    voucher, rows = _voucher_of(organiser_id, Decision(
        customer=customer, service=service, contents=contents, valid_from=valid_from, valid_to=valid_to,
        decision_number=decision_number, decision_date=decision_date, decision_id=decision_id))
    voucher.customer, voucher.number = customer, next_voucher_number()
    try:
        with transaction.atomic():
            voucher.save()
    except IntegrityError:  # the same decision at this moment from another request
        earlier = Voucher.objects.filter(organiser_id=organiser_id, decision_id=decision_id).first()
        if decision_id and earlier is not None:
            return earlier, False
        raise
    history, logged = _granted_rows(user, membership, voucher, rows, actor, request)
    VoucherContent.objects.bulk_create(rows)
    history.save()
    logged.save()
    return voucher, True


def vouchers_grant_many(*, user, decisions: list[Decision], known: dict[str, Voucher] | None = None,
                        actor: str = "", request=None) -> list[tuple[Voucher, bool] | DomainError]:
    """``voucher_grant`` for many decisions at once (a migration from an old system: up to 1,000),
    with the same rules, set-based: the organiser's services and their contents read once, the
    numbers taken from the sequence at once, and the new customers (a ``NewCustomer`` in a decision),
    vouchers, contents, history and audit rows written with an INSERT each. A result per decision,
    in order: (voucher, created) or the DomainError that refused it; a refused decision writes
    nothing, and a new person is added only with a voucher granted to them. ``known``: the
    organiser's vouchers by decision id, as far as the caller has read them (read here otherwise);
    the same decision twice in the list is one voucher.

    The writes meet the same constraints as one decision's do. If another request grants the same
    decision or adds the same person at this moment, the INSERT fails as a whole: the caller runs
    the decisions one by one instead (``IntegrityError`` is raised, the savepoint rolled back)."""
    membership = _organiser_membership(user)
    organiser_id = membership.organiser_id
    if known is None:
        ids = [decision.decision_id for decision in decisions if decision.decision_id]
        known = {voucher.decision_id: voucher
                 for voucher in Voucher.objects.filter(organiser_id=organiser_id, decision_id__in=ids)} if ids else {}
    grantable = set(grantable_services(organiser_id).values_list("pk", flat=True))
    own_contents: dict[int, dict[int, ServiceContent]] = {}
    for content in ServiceContent.objects.filter(service_id__in=grantable):
        own_contents.setdefault(content.service_id, {})[content.pk] = content
    results: list = [None] * len(decisions)
    granting: list[tuple[int, Voucher, list[VoucherContent]]] = []
    new_people: dict[str, Customer] = {}
    this_request: dict[str, int] = {}  # decision id → the index that grants it
    for index, decision in enumerate(decisions):
        earlier = known.get(decision.decision_id) if decision.decision_id else None
        if earlier is not None:
            results[index] = (earlier, False)
            continue
        if decision.decision_id and decision.decision_id in this_request:
            results[index] = this_request[decision.decision_id]  # resolved below, once it is saved
            continue
        try:
            voucher, rows = _voucher_of(organiser_id, decision, grantable=grantable,
                                        own_contents=own_contents.get(decision.service.pk, {}))
            if isinstance(decision.customer, NewCustomer):
                person = decision.customer
                if person.henkilotunnus not in new_people:
                    new_people[person.henkilotunnus] = _customer_of(person)
                voucher.customer = new_people[person.henkilotunnus]
            else:
                voucher.customer = decision.customer
        except DomainError as error:
            results[index] = error
            continue
        if decision.decision_id:
            this_request[decision.decision_id] = index
        granting.append((index, voucher, rows))
    if granting:
        with transaction.atomic():
            _write_granted(user, membership, granting, list(new_people.values()), actor, request)
        for index, voucher, _rows in granting:
            results[index] = (voucher, True)
    return [(results[result][0], False) if isinstance(result, int) else result for result in results]


def _write_granted(user, membership, granting, new_people: list[Customer], actor: str, request) -> None:
    Customer.objects.bulk_create(new_people)
    logged = [_created_logged(user, membership, customer, request) for customer in new_people]
    contents, history = [], []
    for (_index, voucher, rows), number in zip(granting, next_voucher_numbers(len(granting)), strict=True):
        voucher.number = number
        voucher.customer_id = voucher.customer.pk
    Voucher.objects.bulk_create([voucher for _index, voucher, _rows in granting])
    for _index, voucher, rows in granting:
        change, entry = _granted_rows(user, membership, voucher, rows, actor, request)
        contents += rows
        history.append(change)
        logged.append(entry)
    VoucherContent.objects.bulk_create(contents)
    VoucherChange.objects.bulk_create(history)
    audit_log_many(logged)


# --- changing ---------------------------------------------------------------------------------------

def _user_or_none(user):
    return user if getattr(user, "pk", None) else None


def _actor(user) -> str:
    return (user.get_full_name() or user.username) if getattr(user, "pk", None) else str(user)


def _figure(value) -> str:
    if value is None:
        return "–"
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def _change(field: str, old, new, *, content: str = "") -> dict:
    row = {"field": field, "old": old, "new": new}
    if content:
        row["content"] = content
    return row


def _counted_events(voucher: Voucher):
    return Event.objects.filter(reservation__voucher=voucher, status__in=EventStatus.counted())


def _check_events_inside(voucher: Voucher, valid_from: dt.date, valid_to: dt.date) -> None:
    bounds = Event.objects.filter(reservation__voucher=voucher).exclude(status=EventStatus.REJECTED).aggregate(
        first=Min("date"), last=Max("date"))
    if bounds["last"] is not None and valid_to < bounds["last"]:
        raise DomainError(ErrorCode.CHANGE_BELOW_USED, _(
            "Voimassaolo ei voi päättyä ennen viimeistä kirjattua tapahtumaa (%(day)s).") % {"day": format_day(bounds["last"])},
            field="voimassa_asti")
    if bounds["first"] is not None and valid_from > bounds["first"]:
        raise DomainError(ErrorCode.CHANGE_BELOW_USED, _(
            "Voimassaolo ei voi alkaa ensimmäisen kirjatun tapahtuman (%(day)s) jälkeen.") % {"day": format_day(bounds["first"])},
            field="voimassa_alkaen")
    customership = Customership.objects.filter(voucher=voucher).aggregate(first=Min("start_date"))["first"]
    if customership is not None and valid_to < customership:
        raise DomainError(ErrorCode.CHANGE_BELOW_USED, _(
            "Voimassaolo ei voi päättyä ennen asiakkuuden alkua (%(day)s).") % {"day": format_day(customership)},
            field="voimassa_asti")


def _used_of(voucher: Voucher, content: VoucherContent) -> tuple[Decimal, Decimal]:
    """(quantity, euros) the counted events of the voucher's reservation use of ``content``: in the
    whole validity, or in the busiest month for a monthly content."""
    events = _counted_events(voucher).filter(reservation__voucher_content=content)
    if content.period == VoucherContent.Period.MONTH:
        months = events.annotate(month=TruncMonth("date")).values("month").annotate(q=Sum("quantity"), a=Sum("voucher_share"))
        return (max((row["q"] for row in months), default=ZERO), max((row["a"] for row in months), default=ZERO))
    used = events.aggregate(q=Sum("quantity"), a=Sum("voucher_share"))
    return used["q"] or ZERO, used["a"] or ZERO


@transaction.atomic
def voucher_change(*, user, voucher: Voucher, reason: str, valid_from: dt.date | None = None,
                   valid_to: dt.date | None = None, contents: list[Granted] | None = None, actor: str = "",
                   request=None) -> VoucherChange | None:
    """Change what a decision granted: validity, and the contents (``contents`` is the whole new
    set; a content left out is removed). A reason is required. Refused: less than the customer has
    used of a content, validity that leaves out a recorded event or a customership's start, removing
    the content a reservation uses, changing a closed voucher. Returns the history row (None: no change)."""
    _check_own_voucher(user, voucher)
    voucher = Voucher.objects.select_for_update().select_related("service").get(pk=voucher.pk)
    reason = clean_text(reason or "").strip()
    if not reason:
        raise DomainError(ErrorCode.CHANGE_REASON_REQUIRED, field="perustelu")
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(ErrorCode.INVALID, _("Perustelu on enintään %(limit)s merkkiä.") % {"limit": REASON_MAX_LENGTH},
                          field="perustelu")
    if voucher.closed_on is not None:
        raise DomainError(ErrorCode.ALREADY_CLOSED, _("Suljettua ostovoimaa ei voi muuttaa."))
    changes = []
    new_from, new_to = valid_from or voucher.valid_from, valid_to or voucher.valid_to
    if (new_from, new_to) != (voucher.valid_from, voucher.valid_to):
        _check_validity(new_from, new_to)
        _check_events_inside(voucher, new_from, new_to)
        changes.append(_change("valid", f"{format_day(voucher.valid_from)}–{format_day(voucher.valid_to)}",
                               f"{format_day(new_from)}–{format_day(new_to)}"))
        voucher.valid_from, voucher.valid_to = new_from, new_to
        voucher.full_clean(exclude=["number", "customer", "service", "organiser"])
        voucher.save(update_fields=["valid_from", "valid_to"])
    if contents is not None:
        changes += _change_contents(voucher, contents)
    if not changes:
        return None
    row = VoucherChange.objects.create(voucher=voucher, user=_user_or_none(user), actor=actor or _actor(user),
                                       kind=VoucherChange.Kind.CHANGED, reason=reason, changes=changes)
    membership = permissions.membership_of(user)
    audit_log(user=user, action="change", code="voucher_changed", params={"number": voucher.number, "reason": reason[:200]},
              customer_id=voucher.customer_id, organiser_id=voucher.organiser_id, request=request,
              organisation=str(membership.organisation) if membership else "")
    return row


def _change_contents(voucher: Voucher, granted: list[Granted]) -> list[dict]:
    new_rows = {row.content_id: row for row in _contents(voucher.service, granted)}
    current = {row.content_id: row for row in VoucherContent.objects.filter(voucher=voucher).select_related("content")}
    reserved = set(Reservation.objects.filter(voucher=voucher).values_list("voucher_content__content_id", flat=True))
    changes = []
    for content_id, row in current.items():
        if content_id in new_rows:
            continue
        if content_id in reserved:
            raise DomainError(ErrorCode.CONTENT_RESERVED, _(
                "Palvelusisältöä %(content)s ei voi poistaa: palveluvaraus käyttää sitä.") % {"content": row.content.name})
        row.delete()
        changes.append(_change("removed", row.content.name, None, content=row.content.name))
    for content_id, new in new_rows.items():
        old = current.get(content_id)
        if old is None:
            new.voucher = voucher
            new.save()
            changes.append(_change("added", None, _figure(new.quantity if new.quantity is not None else new.amount),
                                   content=new.content.name))
            continue
        used_quantity, used_amount = _used_of(voucher, old)
        if new.quantity is not None and new.quantity < used_quantity:
            raise DomainError(ErrorCode.CHANGE_BELOW_USED, _(
                "%(content)s: määrä ei voi olla pienempi kuin jo käytetty %(used)s.")
                % {"content": old.content.name, "used": _figure(used_quantity)}, field="maara")
        if new.amount is not None and new.amount < used_amount:
            raise DomainError(ErrorCode.CHANGE_BELOW_USED, _(
                "%(content)s: euromäärä ei voi olla pienempi kuin jo käytetty %(used)s €.")
                % {"content": old.content.name, "used": _figure(used_amount)}, field="maara")
        fields = []
        for field in ("quantity", "amount", "unit_value", "period"):
            before, after = getattr(old, field), getattr(new, field)
            if before != after:
                shown = (lambda value: value) if field == "period" else _figure
                changes.append(_change(field, shown(before), shown(after), content=old.content.name))
                setattr(old, field, after)
                fields.append(field)
        if fields:
            old.full_clean(exclude=["voucher", "content"])
            old.save(update_fields=fields)
    return changes


@transaction.atomic
def voucher_close_with_reason(*, user, voucher: Voucher, closed_on: dt.date, close_reason: str, reason: str = "",
                              actor: str = "", request=None) -> Voucher:
    """Close the voucher (vouchers.services.voucher_close) with a reason from the list, kept in its history."""
    if close_reason not in CloseReason.values:
        raise DomainError(ErrorCode.CHANGE_REASON_REQUIRED, _("Valitse sulkemisen syy."), field="syy")
    reason = clean_text(reason or "").strip()[:REASON_MAX_LENGTH]
    if close_reason == CloseReason.OTHER and not reason:
        raise DomainError(ErrorCode.CHANGE_REASON_REQUIRED, _("Kerro muu syy."), field="perustelu")
    closed = voucher_close(user=user, voucher=voucher, closed_on=closed_on, request=request)
    VoucherChange.objects.create(voucher=closed, user=_user_or_none(user), actor=actor or _actor(user),
                                 kind=VoucherChange.Kind.CLOSED, close_reason=close_reason, reason=reason,
                                 changes=[_change("closed_on", None, format_day(closed_on))])
    return closed
