from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from audit.services import audit_read
from psop.htmx import render_page
from vouchers.forms import VoucherNumberForm
from vouchers.permissions import member_required, membership_of
from vouchers.selectors import voucher_lookup


def home(request):
    return redirect("vouchers:customer_tab")


@require_GET
@member_required
def customer_tab(request):
    """The "Asiakas" tab: "Tee uusi palveluvaraus" starts with a voucher number."""
    return render_page(request, "vouchers/customer_tab.html", {"tab": "customer", "form": VoucherNumberForm()})


@require_GET
@member_required
def voucher_lookup_view(request):
    """Look a voucher up by its number. One and the same answer for every reason it is not shown."""
    form = VoucherNumberForm(request.GET)
    voucher = None
    searched = False
    if form.is_valid():
        searched = True
        voucher = voucher_lookup(user=request.user, number=form.cleaned_data["numero"])
        if voucher is not None:
            audit_read(request=request, customers=[voucher.customer], what=f"Ostovoima {voucher.number}: haku")
    context = {
        "tab": "customer",
        "form": form,
        "voucher": voucher,
        "searched": searched,
        "membership": membership_of(request.user),
    }
    return render_page(request, "vouchers/customer_tab.html", context, target="lookup-result", partial="result")
