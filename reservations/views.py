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
from core.sorting import list_query, sorting
from core.replica import replica_reads
from organisations.permissions import member_required
from reservations.filters import ReservationFilter
from reservations.forms import ReservationForm
from reservations.selectors import (
    reservation_with_details,
    reservation_with_number,
    reservations_for_user,
    search_reservations,
)
from reservations.services import reservation_create as create_reservation
from reservations.services import reservation_refusal
from vouchers.selectors import voucher_lookup

PAGE_SIZE = 25
# The column sorts (core.sorting), each with its index: made (newest first by default; the indexes
# (provider, -created_at, -id) and (-created_at, -id)), the voucher's number as a number (vouchers'
# (number_key, id)), the customer's name in Finnish order (customers' (name_key, id)); the last path
# of each is unique.
SORTS = {
    "tehty": ("created_at", "id"),
    "numero": ("voucher__number_key", "voucher__id"),
    "asiakas": ("voucher__customer__name_key", "voucher__customer__id", "id"),
}
DEFAULT_SORT = "-tehty"
CREATE_TARGET = "lookup-result"
RESULTS_TARGET = "reservation-results"


@require_GET
@member_required
@replica_reads
def reservation_list(request):
    """The "Palveluvaraukset" tab: the user's active reservations, newest first, searchable,
    filtered (reservations.filters) and sorted by a column (SORTS); a voucher number typed in full
    shows its reservation first. Paged by keyset (Seuraava / Edellinen)."""
    text = search_term(request.GET)
    filters = ReservationFilter(request.GET, queryset=reservations_for_user(request.user), user=request.user)
    active = filters.results
    reservations = search_reservations(active, text)
    exact = reservation_with_number(active, text)
    if exact is not None:
        reservations = reservations.exclude(pk=exact.pk)
    keep = {"haku": text, **filters.kept()}
    sort = sorting(request.GET, SORTS, default=DEFAULT_SORT, keep=keep)
    page = keyset_page(reservations, order=sort.order, params=request.GET, size=PAGE_SIZE)
    if exact is not None and not page.has_previous:
        page.object_list.insert(0, exact)
    audit_read(request=request, vouchers=[r.voucher for r in page], code="reservation_list")
    # "expanded" given (the rows are closed): a name a template does not find costs an exception per use.
    context = {
        "tab": "reservations", "page": page, "search": text, "expanded": False,
        "query": list_query(urlencode({key: value for key, value in keep.items() if value}), sort.query),
        "filters": filters, "sort": sort, "filtered": bool(filters.kept()),
    }
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
    audit_read(request=request, vouchers=[reservation.voucher], code="reservation_view", number=reservation.voucher.number)
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
    audit_read(request=request, vouchers=[voucher], code="reservation_form", number=voucher.number)
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
