"""POST /customers/lookup: the organiser's client system finds a person by henkilötunnus, sent in
the body, never in a URL (an audited search, grants.services.customer_find). The answer names the
person and lists this organiser's vouchers of theirs only: a person with another organiser's
vouchers is found, but nothing of that organiser's is shown."""

from ninja import Router

from api import granting
from api.auth import needs
from api.idempotency import idempotent
from api.routers.common import IdempotencyKey, answers
from api.schemas_grants import CustomerLookupIn, CustomerLookupOut

router = Router(tags=["asiakkaat"])


@router.post("/lookup", response=answers({200: CustomerLookupOut}, post=True, not_found=True),
             summary="Asiakkaan haku henkilötunnuksella (rungossa)")
@needs("grants")
@idempotent
def customer_lookup(request, payload: CustomerLookupIn, idempotency_key: IdempotencyKey = None):
    customer, vouchers = granting.customer_lookup(request, payload.henkilotunnus)
    return 200, {
        "customer": {
            "first_name": customer.first_name, "last_name": customer.last_name,
            "henkilotunnus": customer.masked_henkilotunnus, "municipality": customer.municipality,
            "language": customer.language,
        },
        "vouchers": [
            {"number": voucher.number, "service": voucher.service.name, "valid_from": voucher.valid_from,
             "valid_to": voucher.valid_to, "closed_on": voucher.closed_on, "state": voucher.state,
             "decision_id": voucher.decision_id}
            for voucher in vouchers
        ],
    }
