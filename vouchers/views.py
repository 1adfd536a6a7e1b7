"""The "Asiakas" tab: looking a voucher up by its number; the customer page (organiser users) and
the audit log's search of the organiser's rows (its admins). Closing a voucher is a decision of its
organiser: grants.views.close ("Sulje ostovoima", with a reason), over vouchers.services.voucher_close."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from audit.services import audit_read
from audit.views import PAGE_SIZE, audit_log_page
from core.htmx import render_page
from core.replica import replica_reads
from organisations import permissions
from vouchers.forms import VoucherNumberForm
from vouchers.selectors import (
    audit_entries_for_organiser_admin,
    customer_ids_matching,
    organiser_customers,
    organiser_vouchers,
    voucher_lookup,
)


@require_GET
@permissions.member_required
def customer_tab(request):
    """The "Asiakas" tab: "Tee uusi palveluvaraus" starts with a voucher number, so the number's
    field has the focus when the tab opens (issue 23, item 7; static/psop.js after an htmx swap)."""
    form = VoucherNumberForm()
    form.fields["numero"].widget.attrs["autofocus"] = True
    return render_page(request, "vouchers/customer_tab.html", {"tab": "customer", "form": form})


@require_GET
@permissions.member_required
def voucher_lookup_view(request):
    """Look a voucher up by its number. One and the same answer for every reason it is not shown."""
    form = VoucherNumberForm(request.GET)
    voucher = None
    searched = False
    if form.is_valid():
        searched = True
        voucher = voucher_lookup(user=request.user, number=form.cleaned_data["numero"])
        if voucher is not None:
            audit_read(request=request, vouchers=[voucher], code="voucher_lookup", number=voucher.number)
    context = {
        "tab": "customer",
        "form": form,
        "voucher": voucher,
        "searched": searched,
    }
    return render_page(request, "vouchers/customer_tab.html", context, target="lookup-result", partial="result")


@require_GET
@permissions.member_required
def customer_detail(request, customer_id):
    """A customer's own page: the organiser's vouchers of the customer, and for the
    organiser's admins, who has read the customer's data."""
    customer = get_object_or_404(organiser_customers(request.user), pk=customer_id)
    vouchers = organiser_vouchers(request.user).filter(customer=customer).order_by("-valid_from")
    reads = None
    if permissions.is_organiser_admin(request.user):
        reads = audit_entries_for_organiser_admin(request.user).about(customer.pk)[:PAGE_SIZE]
    audit_read(request=request, customers=[customer], code="customer_view")
    context = {"customer": customer, "vouchers": vouchers, "reads": reads}
    return render_page(request, "vouchers/customer_detail.html", context)


@require_http_methods(["GET", "POST"])
@permissions.organiser_admin_required
@replica_reads
def audit_log(request):
    """"Lokitiedot": the audit app's search page over the organiser's own rows, naming and linking
    the organiser's customers."""

    def customers_named(ids):
        customers = organiser_customers(request.user).filter(pk__in=ids)
        return {c.pk: (c.full_name, reverse("vouchers:customer_detail", args=[c.pk])) for c in customers}

    return audit_log_page(
        request, url=reverse("vouchers:audit_log"), entries=audit_entries_for_organiser_admin(request.user),
        customers_matching=customer_ids_matching, customers_named=customers_named,
    )
