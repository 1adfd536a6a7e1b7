"""Maksut: what a provider is paid. For the provider's admins only (recorders and organiser users:
the pages do not exist, 404). A run that pays the provider nothing is a 404, and of a run that
does, the provider sees its own payment and lines only, never another provider's."""

from django.core.paginator import Paginator
from django.http import Http404
from django.views.decorators.http import require_GET

from core.charts import monthly_bar_chart
from core.dates import today
from core.htmx import render_page
from core.replica import replica_reads
from organisations import permissions
from payments import exports
from payments.models import Payment
from payments.selectors import expected_for_user, paid_per_month, payment_for_user, payments_for_user, run_lines

PAYMENTS_PER_PAGE = 24
LINES_PER_PAGE = 100


def _payment_or_404(user, run_id) -> Payment:
    payment = payment_for_user(user, run_id=run_id)
    if payment is None:
        raise Http404
    return payment


@require_GET
@permissions.provider_admin_required
@replica_reads
def provider_payments(request):
    """The running month's expected amount per organiser, the last 12 months as a chart, and the
    provider's payment in every run, newest month first."""
    day = today()
    page = Paginator(payments_for_user(request.user), PAYMENTS_PER_PAGE).get_page(request.GET.get("sivu"))
    context = {
        "expected": expected_for_user(request.user, day=day),
        "chart": monthly_bar_chart(paid_per_month(request.user, day=day)),
        "page": page,
    }
    return render_page(request, "payments/provider_list.html", context)


@require_GET
@permissions.provider_admin_required
@replica_reads
def provider_payment(request, run_id):
    """The provider's own lines in a run."""
    payment = _payment_or_404(request.user, run_id)
    lines = run_lines(payment.run, provider_id=payment.provider_id)
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("sivu"))
    return render_page(request, "payments/provider_detail.html", {"payment": payment, "run": payment.run, "page": page})


@require_GET
@permissions.provider_admin_required
@replica_reads
def provider_export_csv(request, run_id):
    payment = _payment_or_404(request.user, run_id)
    return exports.csv_response(payment.run, provider_id=payment.provider_id)


@require_GET
@permissions.provider_admin_required
@replica_reads
def provider_export_xlsx(request, run_id):
    payment = _payment_or_404(request.user, run_id)
    return exports.xlsx_response(payment.run, provider_id=payment.provider_id)
