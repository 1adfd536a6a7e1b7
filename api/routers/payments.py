"""GET /payments and GET /payments/{run_id}/lines: an organiser's runs and their lines, a provider's
own payments and its own lines only (payments.selectors)."""

from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema

from api.auth import needs
from api.paging import Cursor, Limit, page_of
from api.routers.common import answers
from api.schemas import LinePage, PathId, PaymentsOut
from core.errors import DomainError, ErrorCode
from core.replica import replica_reads
from organisations import permissions
from payments.selectors import payment_for_user, payments_for_user, run_lines, run_payments, runs_for_user

router = Router(tags=["maksatus"])


def payment_body(payment, run) -> dict:
    return {
        "run_id": run.pk, "organiser": run.organiser.name, "month": run.month, "status": run.status,
        "provider_id": payment.provider_id, "provider": payment.provider.name, "amount": payment.amount,
    }


@router.get("", response=answers({200: PaymentsOut}), summary="Maksatusajot (järjestäjä) tai omat maksut (tuottaja)")
@needs("payments")
def payment_list(request):
    runs = []
    for run in runs_for_user(request.user)[:24]:
        payments = [payment_body(payment, run) for payment in run_payments(run)]
        runs.append({"run_id": run.pk, "month": run.month, "status": run.status, "total": run.total, "payments": payments})
    payments = [payment_body(payment, payment.run) for payment in payments_for_user(request.user).select_related("provider")[:24]]
    return {"runs": runs, "payments": payments}


class LineFilter(Schema):
    cursor: Cursor = None
    limit: Limit = 100


@router.get("/{run_id}/lines", response=answers({200: LinePage}, not_found=True), summary="Maksatusajon rivit")
@needs("payments")
@replica_reads
def payment_lines(request, run_id: Path[PathId], filters: Query[LineFilter]):
    """The organiser's every line of its run; a provider's own lines in the run that pays it."""
    provider_id = None
    run = runs_for_user(request.user).filter(pk=run_id).first()
    if run is None:
        payment = payment_for_user(request.user, run_id=run_id)
        if payment is None:
            raise DomainError(ErrorCode.RUN_NOT_FOUND, _("Maksatusajoa ei löydy."))
        run, provider_id = payment.run, permissions.provider_id_of(request.user)
    lines = run_lines(run, provider_id=provider_id).order_by()
    rows, next_cursor = page_of(lines, order=("id",), cursor=filters.cursor, limit=filters.limit)
    items = [
        {
            "id": line.pk, "provider_id": line.payment.provider_id, "voucher_number": line.voucher_number,
            "event_id": line.event_id, "customership_id": line.customership_id, "days": line.days,
            "for_month": line.for_month, "amount": line.amount,
        }
        for line in rows
    ]
    return {"items": items, "next_cursor": next_cursor}
