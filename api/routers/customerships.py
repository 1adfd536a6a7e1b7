"""POST /customerships ("Luo asiakkuus", customers.services.customership_create) and
POST /customerships/{id}/end (customers.services.customership_end)."""

from django.utils.translation import gettext as _
from ninja import Path, Router

from api.auth import needs
from api.idempotency import idempotent
from api.routers.common import IdempotencyKey, answers
from api.routers.vouchers import not_found
from api.schemas import CustomershipEndIn, CustomershipIn, CustomershipOut, PathId
from core.errors import DomainError, ErrorCode
from customers import services
from customers.selectors import customerships_for_user, offices_for_customership
from vouchers.models import VoucherKind
from vouchers.selectors import voucher_lookup

router = Router(tags=["asiakkuudet"])


def customership_body(customership) -> dict:
    return {
        "id": customership.pk,
        "voucher_number": customership.voucher.number,
        "provider_id": customership.provider_id,
        "provider": customership.provider.name,
        "office_id": customership.office_id,
        "office": customership.office.name,
        "start_date": customership.start_date,
        "end_date": customership.effective_end,
        "locked_until": customership.locked_until,
        "on_behalf": customership.on_behalf,
    }


def _shown(request, pk):
    return customerships_for_user(request.user).get(pk=pk)


@router.post("", response=answers({201: CustomershipOut}, post=True, not_found=True),
             summary="Luo asiakkuus (kapitaatioseteli)")
@needs("reserve")
@idempotent
def customership_post(request, payload: CustomershipIn, idempotency_key: IdempotencyKey = None):
    voucher = voucher_lookup(user=request.user, number=payload.voucher_number)
    if voucher is None or voucher.kind != VoucherKind.CAPITATION:
        raise not_found()
    office = offices_for_customership(user=request.user, voucher=voucher).filter(pk=payload.office_id).first()
    if office is None:
        raise DomainError(ErrorCode.OFFICE_NOT_FOUND, _("Toimipaikkaa ei löydy."), field="office_id")
    customership = services.customership_create(
        user=request.user, voucher=voucher, office=office, start_date=payload.start_date, end_date=payload.end_date,
        locked_until=payload.locked_until, approvals_accepted=payload.approvals_accepted, request=request,
    )
    return 201, customership_body(_shown(request, customership.pk))


@router.post("/{customership_id}/end", response=answers({200: CustomershipOut}, post=True, not_found=True),
             summary="Päätä asiakkuus")
@needs("reserve")
@idempotent
def customership_end(request, customership_id: Path[PathId], payload: CustomershipEndIn,
                     idempotency_key: IdempotencyKey = None):
    customership = customerships_for_user(request.user).filter(pk=customership_id).first()
    if customership is None:
        raise DomainError(ErrorCode.CUSTOMERSHIP_NOT_FOUND, _("Asiakkuutta ei löydy."))
    ended = services.customership_end(
        user=request.user, customership=customership, end_date=payload.end_date, reason=payload.reason, request=request,
    )
    return 200, customership_body(_shown(request, ended.pk))
