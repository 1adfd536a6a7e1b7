"""POST /events (events.services.event_record), POST /events/bulk (events.recording.events_record_many,
the rows in order, as the import records a file's) and GET /events, the feed of changed events
(recorded, under review, rejected, credited, settled, paid)."""

from ninja import Query, Router, Schema

from api.auth import needs
from api.idempotency import idempotent
from api.paging import Cursor, Limit, Since, page_of
from api.routers.common import IdempotencyKey, answers
from api.schemas import BulkIn, BulkOut, EventIn, EventOut, EventPage
from audit.services import audit_read
from core.errors import ErrorCode
from core.replica import replica_reads
from events.recording import NewEvent, events_record_many
from events.selectors import events_for_user
from events.services import event_record

router = Router(tags=["tapahtumat"])


def event_body(event) -> dict:
    return {
        "id": event.pk,
        "client_id": event.client_id,
        "reservation_id": event.reservation_id,
        "voucher_number": event.reservation.voucher.number,
        "date": event.date,
        "quantity": event.quantity,
        "unit_price": event.unit_price,
        "total": event.total,
        "voucher_share": event.voucher_share,
        "customer_share": event.customer_share,
        "status": event.status,
        "review_reason": event.review_reason,
        "credit_of": event.credit_of_id,
        "reason_code": event.reason_code,
        "explanation": event.explanation,
        "updated_at": event.updated_at,
    }


def _record(request, row) -> object:
    return event_record(
        user=request.user, reservation_id=row.reservation_id, date=row.date, quantity=row.quantity,
        content_id=row.content_id, note=row.note, client_id=row.client_id,
    )


def _shown(request, event_id):
    return events_for_user(request.user).select_related("reservation__voucher").get(pk=event_id)


@router.post("", response=answers({201: EventOut}, post=True, not_found=True),
             summary="Kirjaa tapahtuma")
@needs("events")
@idempotent
def event_post(request, payload: EventIn, idempotency_key: IdempotencyKey = None):
    event = _record(request, payload)
    return 201, event_body(_shown(request, event.pk))


@router.post("/bulk", response=answers({200: BulkOut}, post=True),
             summary="Kirjaa enintään 1 000 tapahtumaa; tulos riveittäin")
@needs("events")
@idempotent
def event_bulk(request, payload: BulkIn, idempotency_key: IdempotencyKey = None):
    """Each row on its own: created, refused with the Finnish reason, or already recorded (its
    ``client_id`` is on the reservation already). A refused row writes nothing; the others stand."""
    rows = [
        NewEvent(reservation_id=row.reservation_id, date=row.date, quantity=row.quantity, content_id=row.content_id,
                 note=row.note, client_id=row.client_id)
        for row in payload.events
    ]
    results = []
    for row, recorded in zip(payload.events, events_record_many(user=request.user, rows=rows), strict=True):
        error = recorded.error
        if error is None:
            results.append({"client_id": row.client_id, "result": "created", "event_id": recorded.event.pk,
                            "status": recorded.event.status})
        elif error.code == ErrorCode.ALREADY_RECORDED:
            results.append({"client_id": row.client_id, "result": "already_recorded",
                            "event_id": error.params.get("event_id")})
        else:
            results.append({"client_id": row.client_id, "result": "refused", "code": error.code,
                            "message": error.message})
    counts = {kind: sum(1 for row in results if row["result"] == kind) for kind in ("created", "refused", "already_recorded")}
    return 200, {**counts, "results": results}


class EventFilter(Schema):
    changed_since: Since = None
    cursor: Cursor = None
    limit: Limit = 100


@router.get("", response=answers({200: EventPage}), summary="Muuttuneet tapahtumat (cursor, changed_since)")
@needs("read")
@replica_reads
def event_list(request, filters: Query[EventFilter]):
    """Events as they are now, oldest change first: a review, a rejection, settling and paying
    change an event; a credit is an event of its own (``credit_of``)."""
    events = events_for_user(request.user).select_related("reservation__voucher")
    if filters.changed_since is not None:
        events = events.filter(updated_at__gte=filters.changed_since)
    rows, next_cursor = page_of(events, order=("updated_at", "id"), cursor=filters.cursor, limit=filters.limit)
    audit_read(request=request, code="tab_list", vouchers=[row.reservation.voucher for row in rows], title="Tapahtumat")
    return {"items": [event_body(row) for row in rows], "next_cursor": next_cursor}
