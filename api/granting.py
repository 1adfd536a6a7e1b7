"""The client system's decisions turned into the grants services' calls (grants.services), for the
routes of api.routers.vouchers and api.routers.customers: the service by id or name among those the
key's organiser grants, the customer found by henkilötunnus (an audited search) or created, the
contents by id or name. Thin: every rule is the service's; this only reads the body.

Order matters for privacy: the service is checked before the customer is searched for, so a body
that cannot be granted reads nobody, and a decision already granted answers its voucher without a
new search. The customer's search is logged outside the decision's own transaction (a refused
decision keeps the log row of the search it made); creating the customer and granting are one."""

from contextlib import nullcontext
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from api.schemas_grants import CustomerIn, GrantedIn, GrantIn
from audit.services import audit_read
from core.errors import DomainError, ErrorCode
from core.validators import normalise_henkilotunnus, validate_henkilotunnus
from grants.selectors import grantable_services
from grants.services import (
    Decision,
    Granted,
    NewCustomer,
    customer_create,
    customer_find,
    customers_find_many,
    voucher_grant,
    vouchers_grant_many,
)
from organisations import permissions
from vouchers.models import Customer, Service, ServiceContent, Voucher, VoucherContent
from vouchers.selectors import organiser_vouchers

# The services' form field names (grants.services raises with the pages' names) as the API's.
FIELDS = {
    "voimassa_alkaen": "valid_from", "voimassa_asti": "valid_to", "perustelu": "reason", "palvelu": "service_id",
    "maara": "contents", "syy": "close_reason", "henkilotunnus": "customer.henkilotunnus",
}


class api_fields:
    """Rename the field a refusal names to the body's own (``voimassa_asti`` → ``valid_to``)."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        self.of(error)
        return False

    @staticmethod
    def of(outcome):
        """``outcome`` with a DomainError's field renamed (a result that is no error as it is)."""
        if isinstance(outcome, DomainError) and outcome.params.get("field") in FIELDS:
            outcome.params["field"] = FIELDS[outcome.params["field"]]
        return outcome


@dataclass
class Known:
    """What a bulk request reads once: the organiser's grantable services and their contents, and
    the decisions it has already granted."""

    organiser_id: int
    services: dict = field(default_factory=dict)  # id and name -> Service
    contents: dict = field(default_factory=dict)  # service id -> {id and name -> ServiceContent}
    decisions: dict = field(default_factory=dict)  # decision id -> Voucher
    loaded: bool = False

    @classmethod
    def for_user(cls, user, decision_ids=()) -> "Known":
        known = cls(organiser_id=permissions.organiser_id_of(user))
        for service in grantable_services(known.organiser_id):
            known.services[service.pk] = known.services[service.name] = service
        for content in ServiceContent.objects.filter(service_id__in=[s.pk for s in known.services.values()]):
            own = known.contents.setdefault(content.service_id, {})
            own[content.pk] = own[content.name] = content
        if decision_ids:
            known.decisions = {voucher.decision_id: voucher for voucher in Voucher.objects.filter(
                organiser_id=known.organiser_id, decision_id__in=list(decision_ids))}
        known.loaded = True
        return known


def _service(user, decision: GrantIn, known: Known | None) -> Service:
    if decision.service_id is None and not decision.service:
        raise DomainError(ErrorCode.INVALID, _("Anna palvelu: service_id tai service."), field="service_id")
    key = decision.service_id if decision.service_id is not None else decision.service
    if known is not None:
        service = known.services.get(key)
    else:
        services = grantable_services(permissions.organiser_id_of(user))
        service = (services.filter(pk=key) if decision.service_id is not None else services.filter(name=key)).first()
    if service is None:
        raise DomainError(ErrorCode.SERVICE_NOT_GRANTABLE, field="service_id" if decision.service_id else "service")
    return service


def granted(service: Service, rows: list[GrantedIn], known: Known | None = None) -> list[Granted]:
    """The body's contents as the service takes them; a content named rather than numbered is the
    service's content of that name (an unknown name: the service's own refusal)."""
    names = [row.content for row in rows if row.content_id is None and row.content]
    by_name = {}
    if names:
        if known is not None:
            by_name = {name: content for name, content in known.contents.get(service.pk, {}).items() if isinstance(name, str)}
        else:
            by_name = {content.name: content for content in ServiceContent.objects.filter(service=service, name__in=names)}
    result = []
    for row in rows:
        if row.content_id is not None:
            content_id = row.content_id
        elif row.content:
            content = by_name.get(row.content)
            if content is None:
                raise DomainError(ErrorCode.CONTENT_NOT_OF_SERVICE, field="contents")
            content_id = content.pk
        else:
            raise DomainError(ErrorCode.INVALID, _("Anna palvelusisältö: content_id tai content."), field="contents")
        result.append(Granted(content_id=content_id, quantity=row.quantity, amount=row.amount,
                              unit_value=row.unit_value, period=row.period))
    return result


def henkilotunnus_of(value: str, *, field: str = "customer.henkilotunnus") -> str:
    """The henkilötunnus as stored (upper case), its check digit checked (python-stdnum)."""
    value = normalise_henkilotunnus(value)
    try:
        validate_henkilotunnus(value)
    except ValidationError:
        raise DomainError(ErrorCode.INVALID, _("Henkilötunnus ei ole kelvollinen."), field=field) from None
    return value


def _new_customer(person: CustomerIn, henkilotunnus: str) -> NewCustomer:
    missing = [name for name in ("first_name", "last_name", "municipality") if not getattr(person, name)]
    if missing:
        raise DomainError(ErrorCode.INVALID, _("Uudelle asiakkaalle anna etunimi, sukunimi ja kotikunta."),
                          field=f"customer.{missing[0]}")
    return NewCustomer(
        first_name=person.first_name, last_name=person.last_name, henkilotunnus=henkilotunnus,
        municipality=person.municipality, street_address=person.street_address, postal_code=person.postal_code,
        post_office=person.post_office, language=person.language, phone=person.phone, email=person.email,
    )


def grant(request, decision: GrantIn, known: Known | None = None) -> tuple[Voucher, bool]:
    """One decision: (voucher, created). The same ``decision_id`` again answers the voucher it made."""
    user = request.user
    with api_fields():
        service = _service(user, decision, known)
        if known is not None:
            earlier = known.decisions.get(decision.decision_id)
        else:
            earlier = Voucher.objects.filter(organiser_id=permissions.organiser_id_of(user),
                                             decision_id=decision.decision_id).first()
        if earlier is not None:
            return earlier, False
        contents = granted(service, decision.contents, known)
        henkilotunnus = henkilotunnus_of(decision.customer.henkilotunnus)
        customer = customer_find(user=user, henkilotunnus=henkilotunnus, request=request)
        new = _new_customer(decision.customer, henkilotunnus) if customer is None else None
        # A new customer and the voucher are one: a refused decision leaves no customer behind.
        with transaction.atomic() if new is not None else nullcontext():
            if new is not None:
                customer = customer_create(user=user, person=new, request=request)
            voucher, created = voucher_grant(
                user=user, customer=customer, service=service, contents=contents, valid_from=decision.valid_from,
                valid_to=decision.valid_to, decision_number=decision.decision_number,
                decision_date=decision.decision_date, decision_id=decision.decision_id, request=request,
            )
    if known is not None:
        known.decisions[decision.decision_id] = voucher
    return voucher, created


def grant_many(request, decisions: list[GrantIn]) -> list[dict]:
    """Each decision on its own, in order, a result per decision: a refused one writes nothing, the
    others stand. Set-based (grants.services.vouchers_grant_many: a few queries for the whole list,
    a bulk of 1,000 within seconds); if another request grants the same decision or adds the same
    person meanwhile, the list is granted again one decision at a time, each its own savepoint."""
    known = Known.for_user(request.user, decision_ids={decision.decision_id for decision in decisions})
    try:
        with transaction.atomic():
            outcomes = _grant_set(request, decisions, known)
    except IntegrityError:
        known = Known.for_user(request.user, decision_ids={decision.decision_id for decision in decisions})
        outcomes = []
        for decision in decisions:
            try:
                outcomes.append(grant(request, decision, known))
            except DomainError as error:
                outcomes.append(error)
    results = []
    for index, (decision, outcome) in enumerate(zip(decisions, outcomes, strict=True)):
        row = {"index": index, "decision_id": decision.decision_id}
        if isinstance(outcome, DomainError):
            results.append({**row, "status": "error", "code": str(outcome.code), "message": outcome.message,
                            "field": outcome.params.get("field")})
        else:
            voucher, created = outcome
            results.append({**row, "status": "created" if created else "existing", "number": voucher.number})
    return results


def _grant_set(request, decisions: list[GrantIn], known: Known) -> list:
    """``grant`` for the whole list, in the same order of checks: the service and contents of each
    decision, then one audited search for all the persons (one audit row per decision searched),
    then the grants service's checks and writes for all at once."""
    user = request.user
    outcomes: list = [None] * len(decisions)
    parsed: dict[int, tuple[Service, list[Granted], str]] = {}
    for index, decision in enumerate(decisions):
        try:
            service = _service(user, decision, known)
            earlier = known.decisions.get(decision.decision_id)
            if earlier is not None:
                outcomes[index] = (earlier, False)
                continue
            parsed[index] = (service, granted(service, decision.contents, known),
                             henkilotunnus_of(decision.customer.henkilotunnus))
        except DomainError as error:
            outcomes[index] = api_fields.of(error)
    found = customers_find_many(user=user, henkilotunnukset=[hetu for _s, _c, hetu in parsed.values()], request=request)
    asked, order = [], []
    for index, (service, contents, henkilotunnus) in parsed.items():
        decision = decisions[index]
        try:
            customer = found.get(henkilotunnus) or _new_customer(decision.customer, henkilotunnus)
        except DomainError as error:
            outcomes[index] = api_fields.of(error)
            continue
        asked.append(Decision(customer=customer, service=service, contents=contents, valid_from=decision.valid_from,
                              valid_to=decision.valid_to, decision_number=decision.decision_number,
                              decision_date=decision.decision_date, decision_id=decision.decision_id))
        order.append(index)
    granted_now = vouchers_grant_many(user=user, decisions=asked, known=known.decisions, request=request)
    for index, outcome in zip(order, granted_now, strict=True):
        outcomes[index] = api_fields.of(outcome)
    return outcomes


# --- the organiser's vouchers ------------------------------------------------------------------------

def _contents():
    return Prefetch("contents", queryset=VoucherContent.objects.select_related("content").order_by("content__name"))


def own_vouchers(user):
    """The key's organiser's vouchers with what their answer shows (one query for the contents)."""
    return organiser_vouchers(user).select_related("organiser").prefetch_related(_contents())


def own_voucher(user, *, number: str | None = None, decision_id: str | None = None) -> Voucher:
    """The organiser's voucher by number or decision id; the lookup's one not-found answer otherwise."""
    vouchers = own_vouchers(user)
    voucher = (vouchers.filter(number=number) if number is not None else vouchers.filter(decision_id=decision_id)).first()
    if voucher is None:
        raise DomainError(ErrorCode.VOUCHER_NOT_FOUND, _("Ostovoiman tietoja ei löydy"))
    return voucher


def shown(request, voucher: Voucher, *, log_read: bool = True) -> Voucher:
    """The voucher again, as the answer shows it; its read logged (the answer names the customer)
    unless the request's own search or change has logged the customer already."""
    voucher = own_voucher(request.user, number=voucher.number)
    if log_read:
        audit_read(request=request, code="voucher_lookup", vouchers=[voucher], number=voucher.number)
    return voucher


def shown_granted(request, voucher: Voucher) -> Voucher:
    """A voucher just granted, as the answer shows it: its customer and service are in hand, its
    organiser is the key's; only its contents are read (one query). The customer's search is logged."""
    voucher.organiser = permissions.membership_of(request.user).organiser
    prefetch_related_objects([voucher], _contents())
    return voucher


def customer_lookup(request, henkilotunnus: str) -> tuple[Customer, list[Voucher]]:
    """The person (an audited search) and this organiser's vouchers of theirs, none of another's."""
    customer = customer_find(user=request.user, henkilotunnus=henkilotunnus_of(henkilotunnus, field="henkilotunnus"),
                             request=request)
    if customer is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Henkilötunnuksella ei löydy asiakasta."), field="henkilotunnus")
    return customer, list(organiser_vouchers(request.user).filter(customer=customer).order_by("-valid_from", "-id"))
