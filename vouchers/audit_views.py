"""The customer page (organiser users) and the audit log search (organiser admins)."""

import datetime as dt

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

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
        reads = audit_entries_for_organiser_admin(request.user).filter(customer_id=customer.pk)[:PAGE_SIZE]
    audit_read(request=request, customers=[customer], what=f"Asiakkaan tiedot: {customer.full_name}")
    context = {"customer": customer, "vouchers": vouchers, "reads": reads}
    return render_page(request, "vouchers/customer_detail.html", context)


@require_GET
@member_required
def audit_log(request):
    """Search the audit log of the organiser's customers (organiser admins only)."""
    if not is_organiser_admin(request.user):
        raise Http404
    form = AuditSearchForm(request.GET or None)
    entries = audit_entries_for_organiser_admin(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["asiakas"]:
            # Whose entries the organiser may read is already checked row by row (above).
            term = data["asiakas"]
            matches = Customer.objects.filter(
                Q(henkilotunnus=normalise_henkilotunnus(term).upper())
                | Q(last_name__icontains=term)
                | Q(first_name__icontains=term)
            )
            entries = entries.filter(customer_id__in=matches.values("pk"))
        if data["kayttaja"]:
            entries = entries.filter(username__icontains=data["kayttaja"])
        zone = timezone.get_current_timezone()
        if data["alkaen"]:
            entries = entries.filter(at__gte=dt.datetime.combine(data["alkaen"], dt.time.min, tzinfo=zone))
        if data["asti"]:
            entries = entries.filter(at__lt=dt.datetime.combine(data["asti"] + dt.timedelta(days=1), dt.time.min, tzinfo=zone))
    elif form.is_bound:
        entries = entries.none()
    page = keyset_page(entries, order=LOG_ORDER, params=request.GET, size=PAGE_SIZE)
    names = {c.pk: c for c in organiser_customers(request.user).filter(pk__in=[e.customer_id for e in page])}
    rows = [(entry, names.get(entry.customer_id)) for entry in page]
    audit_read(request=request, customers=names.values(), what="Lokitietojen haku")
    query = request.GET.copy()
    for key in ("sivu", "jalkeen", "ennen"):
        query.pop(key, None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render_page(request, "vouchers/audit_log.html", context)
