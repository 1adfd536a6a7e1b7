"""The customer page (organiser users) and the audit log search (organiser admins)."""

import datetime as dt
import secrets
from urllib.parse import urlencode

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit.services import audit_log as audit_log_entry
from audit.services import audit_read
from core.htmx import render_page
from core.pagination import keyset_page
from core.validators import normalise_henkilotunnus
from organisations.permissions import is_organiser_admin, member_required
from vouchers.audit_forms import AuditSearchForm
from vouchers.models import Customer
from vouchers.selectors import audit_entries_for_organiser_admin, organiser_customers, organiser_vouchers

PAGE_SIZE = 50
# Newest first: the index on time, walked from a keyset cursor.
LOG_ORDER = ("-at", "-id")


@require_GET
@member_required
def customer_detail(request, customer_id):
    """A customer's own page: the organiser's vouchers of the customer, and for the
    organiser's admins, who has read the customer's data."""
    customer = get_object_or_404(organiser_customers(request.user), pk=customer_id)
    vouchers = organiser_vouchers(request.user).filter(customer=customer).order_by("-valid_from")
    reads = None
    if is_organiser_admin(request.user):
        reads = audit_entries_for_organiser_admin(request.user).about(customer.pk)[:PAGE_SIZE]
    audit_read(request=request, customers=[customer], code="customer_view")
    context = {"customer": customer, "vouchers": vouchers, "reads": reads}
    return render_page(request, "vouchers/customer_detail.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def audit_log(request):
    """Search the audit log of the organiser's own data (organiser admins only).

    The search is sent by POST and kept in the session under a random token: the address (browser
    history, access logs, the audit rows' own paths) carries ``?haku=<token>``, never a name or a
    henkilötunnus. Paging keeps the token."""
    if not is_organiser_admin(request.user):
        raise Http404
    token = None
    if request.method == "POST":
        form = AuditSearchForm(request.POST)
        if form.is_valid():
            token = _remember_search(request, form.data)
            if not request.htmx:
                return redirect(f"{reverse('vouchers:audit_log')}?{urlencode({'haku': token})}")
    else:
        saved = _saved_search(request, request.GET.get("haku", ""))
        form = AuditSearchForm(saved)
        token = request.GET.get("haku") if saved is not None else None
    entries = audit_entries_for_organiser_admin(request.user)
    if form.is_valid():
        entries = _search(entries, form.cleaned_data)
    elif form.is_bound:
        entries = entries.none()
    page = keyset_page(entries, order=LOG_ORDER, params=request.GET, size=PAGE_SIZE)
    names = {c.pk: c for c in organiser_customers(request.user).filter(pk__in=[e.customer_id for e in page])}
    rows = [(entry, names.get(entry.customer_id)) for entry in page]
    # Reading the log is logged once, as a read of the log (not as a read of each customer listed).
    audit_log_entry(user=request.user, action="read", code="audit_search", request=request)
    context = {"form": form, "page": page, "rows": rows, "query": urlencode({"haku": token}) if token else ""}
    response = render_page(request, "vouchers/audit_log.html", context)
    if token and request.method == "POST":
        response["HX-Push-Url"] = f"{reverse('vouchers:audit_log')}?{urlencode({'haku': token})}"
    return response


SAVED_SEARCHES = 20


def _remember_search(request, data) -> str:
    """Keep the search's fields in the session (the last few) and return its token."""
    token = secrets.token_urlsafe(12)
    fields = {name: data.get(name, "") for name in AuditSearchForm.base_fields}
    saved = dict(request.session.get("audit_searches", {}))
    saved[token] = fields
    request.session["audit_searches"] = dict(list(saved.items())[-SAVED_SEARCHES:])
    return token


def _saved_search(request, token: str):
    return request.session.get("audit_searches", {}).get(token) if token else None


def _search(entries, data):
    if data["asiakas"]:
        # Which rows the organiser may read is already decided (its own rows only).
        term = data["asiakas"]
        matches = Customer.objects.filter(
            Q(henkilotunnus=normalise_henkilotunnus(term).upper())
            | Q(last_name__icontains=term)
            | Q(first_name__icontains=term)
        )
        entries = entries.about_any(matches)
    if data["kayttaja"]:
        entries = entries.filter(username__icontains=data["kayttaja"])
    if data.get("toimenpide"):
        entries = entries.filter(action=data["toimenpide"])
    zone = timezone.get_current_timezone()
    if data["alkaen"]:
        entries = entries.filter(at__gte=dt.datetime.combine(data["alkaen"], dt.time.min, tzinfo=zone))
    if data["asti"]:
        entries = entries.filter(at__lt=dt.datetime.combine(data["asti"] + dt.timedelta(days=1), dt.time.min, tzinfo=zone))
    return entries
