"""GET /vouchers/{number}: the lookup's own gate and its one not-found answer. The organiser's
client system (scope "grants", organiser keys only): POST /vouchers grants a decision (the same
``decision_id`` twice is one voucher: 201, then 200), POST /vouchers/bulk up to 1,000 of them,
GET /vouchers/by-decision, PATCH /vouchers/{number} changes and POST /vouchers/{number}/close
closes (grants.services, through api.granting)."""

from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema

from api import granting
from api.auth import needs
from api.idempotency import idempotent
from api.routers.common import IdempotencyKey, answers
from api.schemas import Number, VoucherOut
from api.schemas_grants import (
    DecisionId,
    GrantBulkIn,
    GrantBulkOut,
    GrantedVoucherOut,
    GrantIn,
    VoucherChangeIn,
    VoucherCloseIn,
)
from audit.services import audit_read
from core.errors import DomainError, ErrorCode
from grants import services as grants
from organisations import permissions
from vouchers.selectors import voucher_lookup

router = Router(tags=["ostovoimat"])


def decision_body(voucher) -> dict:
    return {"decision_number": voucher.decision_number, "decision_date": voucher.decision_date,
            "decision_id": voucher.decision_id, "granted_on": voucher.granted_on}


def granted_body(voucher) -> dict:
    """A voucher as its organiser's client system sees it: the decision, the customer, the contents."""
    customer = voucher.customer
    return {
        **voucher_body(voucher),
        "service_id": voucher.service_id,
        "customer": {
            "first_name": customer.first_name, "last_name": customer.last_name,
            "henkilotunnus": customer.masked_henkilotunnus, "municipality": customer.municipality,
            "language": customer.language,
        },
    }


def voucher_body(voucher, *, user=None) -> dict:
    """``user``: the decision's fields are shown to the voucher's organiser only."""
    customer = voucher.customer
    return {
        "number": voucher.number,
        "kind": voucher.kind,
        "service": voucher.service.name,
        "organiser": voucher.organiser.name,
        "valid_from": voucher.valid_from,
        "valid_to": voucher.valid_to,
        "closed_on": voucher.closed_on,
        "ends_on": voucher.effective_end,
        "state": voucher.state,
        "customer": {
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "henkilotunnus": customer.masked_henkilotunnus,
            "municipality": customer.municipality,
        },
        "contents": [
            {
                "id": row.pk, "content": row.content.name, "unit": row.content.unit, "quantity": row.quantity,
                "amount": row.amount, "unit_value": row.unit_value, "period": row.period,
            }
            for row in voucher.contents.all()
        ],
        "decision": decision_body(voucher) if user is None or permissions.is_voucher_organiser(user, voucher) else None,
    }


def not_found() -> DomainError:
    """The lookup's answer for a number that does not exist and for one the key may not see."""
    return DomainError(ErrorCode.VOUCHER_NOT_FOUND, _("Ostovoiman tietoja ei löydy"))


# The routes with a fixed path come before "/{number}", which would take "bulk" for a number.

# Each answers 404 as well: a provider's key finds none of them (api.auth.needs).
@router.post("", response=answers({201: GrantedVoucherOut, 200: GrantedVoucherOut}, post=True, not_found=True),
             summary="Myönnä ostovoima päätöksellä (sama decision_id: sama ostovoima)")
@needs("grants")
@idempotent
def voucher_grant(request, payload: GrantIn, idempotency_key: IdempotencyKey = None):
    """The customer is found by henkilötunnus (an audited search) or made of the body's fields; the
    service by ``service_id`` or ``service`` (its name) among those the organiser has agreements for.
    201 with the new voucher; the same ``decision_id`` again: 200 with the voucher it made, unchanged."""
    voucher, created = granting.grant(request, payload)
    if created:
        return 201, granted_body(granting.shown_granted(request, voucher))
    return 200, granted_body(granting.shown(request, voucher))


@router.post("/bulk", response=answers({200: GrantBulkOut}, post=True, not_found=True),
             summary="Myönnä enintään 1 000 päätöstä; tulos riveittäin")
@needs("grants")
@idempotent
def voucher_grant_bulk(request, payload: GrantBulkIn, idempotency_key: IdempotencyKey = None):
    """Each decision on its own, in order: ``created`` (its new number), ``existing`` (granted before:
    its number) or ``error`` (code and Finnish message; the decision wrote nothing, the others stand)."""
    results = granting.grant_many(request, payload.decisions)
    counts = {"created": 0, "existing": 0, "error": 0}
    for row in results:
        counts[row["status"]] += 1
    return 200, {"created": counts["created"], "existing": counts["existing"], "errors": counts["error"],
                 "results": results}


class DecisionQuery(Schema):
    decision_id: DecisionId


@router.get("/by-decision", response=answers({200: GrantedVoucherOut}, not_found=True),
            summary="Ostovoima asiakastietojärjestelmän päätöstunnisteella")
@needs("grants")
def voucher_by_decision(request, query: Query[DecisionQuery]):
    voucher = granting.own_voucher(request.user, decision_id=query.decision_id)
    audit_read(request=request, code="voucher_lookup", vouchers=[voucher], number=voucher.number)
    return granted_body(voucher)


@router.get("/{number}", response=answers({200: VoucherOut}, not_found=True), summary="Ostovoiman haku numerolla")
@needs("read")
def voucher_get(request, number: Path[Number]):
    voucher = voucher_lookup(user=request.user, number=number)
    if voucher is None:
        raise not_found()
    audit_read(request=request, code="voucher_lookup", vouchers=[voucher], number=voucher.number)
    return voucher_body(voucher, user=request.user)


@router.patch("/{number}", response=answers({200: GrantedVoucherOut}, post=True, not_found=True),
              summary="Muuta myöntöä (voimassaolo, koko uusi sisältö, perustelu)")
@needs("grants")
@idempotent
def voucher_change(request, number: Path[Number], payload: VoucherChangeIn, idempotency_key: IdempotencyKey = None):
    """Refused (422) below what is used or reserved, around a recorded event or a customership's
    start, on a closed voucher; kept in the voucher's history with the reason."""
    voucher = granting.own_voucher(request.user, number=number)
    with granting.api_fields():
        contents = None if payload.contents is None else granting.granted(voucher.service, payload.contents)
        grants.voucher_change(user=request.user, voucher=voucher, reason=payload.reason, valid_from=payload.valid_from,
                              valid_to=payload.valid_to, contents=contents, request=request)
    return 200, granted_body(granting.shown(request, voucher, log_read=False))


@router.post("/{number}/close", response=answers({200: GrantedVoucherOut}, post=True, not_found=True),
             summary="Sulje ostovoima syyllä")
@needs("grants")
@idempotent
def voucher_close(request, number: Path[Number], payload: VoucherCloseIn, idempotency_key: IdempotencyKey = None):
    voucher = granting.own_voucher(request.user, number=number)
    with granting.api_fields():
        grants.voucher_close_with_reason(user=request.user, voucher=voucher, closed_on=payload.closed_on,
                                         close_reason=payload.close_reason, reason=payload.reason, request=request)
    return 200, granted_body(granting.shown(request, voucher, log_read=False))
