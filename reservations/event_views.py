"""Events (tapahtuma): the "Ostovoimat" and "Saldo-ostovoimat" tabs and event recording."""

from django.core.paginator import Paginator
from django.http import Http404
from django.views.decorators.http import require_GET

from audit.services import audit_read
from psop.htmx import render_page
from reservations.selectors import reservations_for_user
from vouchers.models import VoucherKind
from vouchers.permissions import member_required

PAGE_SIZE = 25


def _vouchers_tab(request, *, kinds, tab, title):
    reservations = (
        reservations_for_user(request.user)
        .filter(voucher__service__kind__in=kinds)
        .order_by("voucher__number")
    )
    page = Paginator(reservations, PAGE_SIZE).get_page(request.GET.get("sivu"))
    audit_read(request=request, customers=[r.voucher.customer for r in page], what=f"{title}: lista")
    return render_page(request, "reservations/vouchers_tab.html", {"tab": tab, "page": page, "title": title})


@require_GET
@member_required
def voucher_list(request):
    """The "Ostovoimat" tab: service vouchers and purchased services with a reservation."""
    return _vouchers_tab(
        request, kinds=[VoucherKind.SERVICE_VOUCHER, VoucherKind.PURCHASED_SERVICE], tab="vouchers", title="Ostovoimat"
    )


@require_GET
@member_required
def balance_voucher_list(request):
    """The "Saldo-ostovoimat" tab: balance vouchers with a reservation."""
    return _vouchers_tab(request, kinds=[VoucherKind.BALANCE], tab="balance", title="Saldo-ostovoimat")


@require_GET
@member_required
def event_create(request, reservation_id):
    # "Kirjaa tapahtuma" arrives with the events issue.
    raise Http404
