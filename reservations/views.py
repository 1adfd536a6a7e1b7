"""Service reservations: "Tee palveluvaraus" and the "Palveluvaraukset" tab.

Views parse the form, call the service and choose the response; the rules live in
``reservations.services`` and who sees what in the selectors.
"""

from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.services import audit_read
from core.errors import DomainError
from core.forms import search_term
from core.htmx import done, render_page, wants_fragment
from core.pagination import keyset_page
from organisations.permissions import member_required
from reservations.forms import ReservationForm
from reservations.selectors import (
    active_reservations_for_user,
    reservation_with_details,
    reservation_with_number,
    search_reservations,
)
from reservations.services import reservation_create as create_reservation
from reservations.services import reservation_refusal
from vouchers.selectors import voucher_lookup

PAGE_SIZE = 25
# Newest first; the indexes (provider, -created_at, -id) and (-created_at, -id) walk it.
LIST_ORDER = ("-created_at", "-id")
CREATE_TARGET = "lookup-result"
RESULTS_TARGET = "reservation-results"


@require_GET
@member_required
def reservation_list(request):
    """The "Palveluvaraukset" tab: the user's active reservations, newest first, searchable; a
    voucher number typed in full shows its reservation first. Paged by keyset (Seuraava / Edellinen)."""
    text = search_term(request.GET)
    active = active_reservations_for_user(request.user)
    reservations = search_reservations(active, text)
    exact = reservation_with_number(active, text)
    if exact is not None:
        reservations = reservations.exclude(pk=exact.pk)
    page = keyset_page(reservations, order=LIST_ORDER, params=request.GET, size=PAGE_SIZE)
    if exact is not None and not page.has_previous:
        page.object_list.insert(0, exact)
    audit_read(request=request, customers=[r.voucher.customer for r in page], what="Palveluvaraukset: lista")
    # "expanded" given (the rows are closed): a name a template does not find costs an exception per use.
    context = {"tab": "reservations", "page": page, "search": text, "query": urlencode({"haku": text}) if text else "",
               "expanded": False}
    if wants_fragment(request, RESULTS_TARGET):
        return render_page(request, "reservations/list.html", context, target=RESULTS_TARGET, partial="results")
    return render_page(request, "reservations/list.html", context)


@require_GET
@member_required
def reservation_detail(request, reservation_id):
    """One reservation's details: in place in the list (the "+"), or as a page of its own."""
    reservation = reservation_with_details(request.user, reservation_id)
    if reservation is None:
        raise Http404
    audit_read(
        request=request, customers=[reservation.voucher.customer], what=f"Palveluvaraus {reservation.voucher.number}"
    )
    row_target = f"reservation-{reservation.pk}"
    if wants_fragment(request, row_target):
        context = {"reservation": reservation, "expanded": "piilota" not in request.GET}
        return render_page(request, "reservations/list.html", context, target=row_target, partial="row")
    return render_page(request, "reservations/detail.html", {"tab": "reservations", "reservation": reservation})


def _voucher_or_404(request, number):
    """The voucher as the lookup shows it; a voucher the user may not see does not exist."""
    voucher = voucher_lookup(user=request.user, number=number)
    if voucher is None:
        raise Http404
    return voucher


@require_http_methods(["GET", "POST"])
@member_required
def reservation_create(request, number):
    """"Tee palveluvaraus": the form (into #lookup-result with htmx), and sending it."""
    voucher = _voucher_or_404(request, number)
    audit_read(request=request, customers=[voucher.customer], what=f"Ostovoima {voucher.number}: palveluvaraus")
    context = {"tab": "customer", "voucher": voucher}
    refusal = reservation_refusal(user=request.user, voucher=voucher)
    if refusal is not None:
        context["refusal"] = refusal
        return render_page(request, "reservations/create.html", context, target=CREATE_TARGET, partial="result")

    if request.method == "POST":
        form = ReservationForm(request.POST, user=request.user, voucher=voucher)
        if form.is_valid():
            try:
                reservation = create_reservation(user=request.user, voucher=voucher, **form.service_kwargs())
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                return _created(request, reservation, context)
    else:
        initial = {key: request.GET[key] for key in ("palveluntuottaja", "palvelusisalto", "tapahtumavaraus") if key in request.GET}
        form = ReservationForm(initial=initial, user=request.user, voucher=voucher)
    context["form"] = form
    return render_page(request, "reservations/create.html", context, target=CREATE_TARGET, partial="result")


def _created(request, reservation, context):
    def fragment(notice):
        context["created"] = reservation_with_details(request.user, reservation.pk)
        return render_page(request, "reservations/create.html", context, target=CREATE_TARGET, partial="result")

    url = reverse("reservations:detail", args=[reservation.pk])
    return done(request, notice=_("Palveluvaraus on tehty."), url=url, fragment=fragment, target=CREATE_TARGET)
