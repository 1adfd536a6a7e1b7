"""POST /reservations (reservations.services.reservation_create) and GET /reservations."""

from ninja import Query, Router, Schema

from api.auth import needs
from api.idempotency import idempotent
from api.paging import Cursor, Limit, Since, page_of
from api.routers.common import IdempotencyKey, answers, get_or_refuse
from api.routers.vouchers import not_found
from api.schemas import ReservationIn, ReservationOut, ReservationPage
from audit.services import audit_read
from core.errors import ErrorCode
from core.replica import replica_reads
from organisations.models import Provider, ProviderUnit
from reservations.selectors import reservations_for_user
from reservations.services import reservation_create
from vouchers.models import VoucherContent
from vouchers.selectors import voucher_lookup

router = Router(tags=["palveluvaraukset"])


def reservation_body(reservation) -> dict:
    return {
        "id": reservation.pk,
        "voucher_number": reservation.voucher.number,
        "content_id": reservation.voucher_content_id,
        "content": reservation.voucher_content.content.name,
        "provider_id": reservation.provider_id,
        "provider": reservation.provider.name,
        "unit_id": reservation.unit_id,
        "unit": reservation.unit.name,
        "event_text": reservation.event_text,
        "on_behalf": reservation.on_behalf,
        "created_at": reservation.created_at,
        "ends_on": reservation.effective_end,
    }


@router.post("", response=answers({201: ReservationOut}, post=True, not_found=True),
             summary="Tee palveluvaraus")
@needs("reserve")
@idempotent
def reservation_post(request, payload: ReservationIn, idempotency_key: IdempotencyKey = None):
    voucher = voucher_lookup(user=request.user, number=payload.voucher_number)
    if voucher is None:
        raise not_found()
    # The service refuses a content of another voucher ("content_not_on_voucher"), an unknown one as missing.
    content = VoucherContent.objects.select_related("content").filter(pk=payload.content_id).first()
    unit = get_or_refuse(ProviderUnit, payload.unit_id, ErrorCode.UNIT_NOT_FOUND)
    provider = get_or_refuse(Provider, payload.provider_id, ErrorCode.PROVIDER_NOT_FOUND)
    reservation = reservation_create(
        user=request.user, voucher=voucher, voucher_content=content, terms_accepted=payload.terms_accepted,
        event_text=payload.event_text, unit=unit, provider=provider,
    )
    reservation = reservations_for_user(request.user).get(pk=reservation.pk)
    return 201, reservation_body(reservation)


class ReservationFilter(Schema):
    changed_since: Since = None
    cursor: Cursor = None
    limit: Limit = 100


@router.get("", response=answers({200: ReservationPage}), summary="Palveluvaraukset (cursor, changed_since)")
@needs("read")
@replica_reads
def reservation_list(request, filters: Query[ReservationFilter]):
    reservations = reservations_for_user(request.user)
    if filters.changed_since is not None:
        reservations = reservations.filter(created_at__gte=filters.changed_since)
    rows, next_cursor = page_of(reservations, order=("created_at", "id"), cursor=filters.cursor, limit=filters.limit)
    audit_read(request=request, code="reservation_list", vouchers=[row.voucher for row in rows])
    return {"items": [reservation_body(row) for row in rows], "next_cursor": next_cursor}
