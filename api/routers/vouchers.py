"""GET /vouchers/{number}: the lookup's own gate and its one not-found answer."""

from django.utils.translation import gettext as _
from ninja import Path, Router

from api.auth import needs
from api.routers.common import answers
from api.schemas import Number, VoucherOut
from audit.services import audit_read
from core.errors import DomainError, ErrorCode
from vouchers.selectors import voucher_lookup

router = Router(tags=["ostovoimat"])


def voucher_body(voucher) -> dict:
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
    }


def not_found() -> DomainError:
    """The lookup's answer for a number that does not exist and for one the key may not see."""
    return DomainError(ErrorCode.VOUCHER_NOT_FOUND, _("Ostovoiman tietoja ei löydy"))


@router.get("/{number}", response=answers({200: VoucherOut}, not_found=True), summary="Ostovoiman haku numerolla")
@needs("read")
def voucher_get(request, number: Path[Number]):
    voucher = voucher_lookup(user=request.user, number=number)
    if voucher is None:
        raise not_found()
    audit_read(request=request, code="voucher_lookup", vouchers=[voucher], number=voucher.number)
    return voucher_body(voucher)
