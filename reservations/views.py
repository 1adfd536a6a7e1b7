from django.core.paginator import Paginator
from django.http import Http404
from django.views.decorators.http import require_GET

from audit.services import audit_read
from psop.htmx import render_page
from reservations.selectors import active_reservations_for_user
from vouchers.permissions import member_required

PAGE_SIZE = 25


@require_GET
@member_required
def reservation_list(request):
    """The "Palveluvaraukset" tab: the user's active reservations, newest first."""
    reservations = active_reservations_for_user(request.user).order_by("-created_at", "-id")
    page = Paginator(reservations, PAGE_SIZE).get_page(request.GET.get("sivu"))
    audit_read(request=request, customers=[r.voucher.customer for r in page], what="Palveluvaraukset: lista")
    return render_page(request, "reservations/list.html", {"tab": "reservations", "page": page})


@require_GET
@member_required
def reservation_create(request, number):
    # "Tee palveluvaraus" arrives with the reservation issue.
    raise Http404
