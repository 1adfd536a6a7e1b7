"""Customership pages: parse the form, call the service, choose the response.

Each page answers in full, or as the fragment that replaces ``#lookup-result`` (the voucher
card on the "Asiakas" tab) when htmx aims there."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.dates import format_day
from customers import services
from customers.forms import CustomershipCreateForm, CustomershipEndForm, CustomershipTransferForm
from customers.selectors import customerships_for_organiser, customerships_for_user, offices_for_customership
from organisations import permissions
from vouchers.actions import not_found, run_action
from vouchers.models import VoucherKind
from vouchers.selectors import voucher_lookup


@require_http_methods(["GET", "POST"])
@permissions.member_required
def customership_create(request, number):
    """"Luo asiakkuus" for a capitation voucher found with the lookup's own rules."""
    voucher = voucher_lookup(user=request.user, number=number)
    if voucher is None or voucher.kind != VoucherKind.CAPITATION:
        return not_found(request)
    on_behalf = permissions.is_organiser(request.user)
    offices = offices_for_customership(user=request.user, voucher=voucher)
    form = CustomershipCreateForm(request.POST or None, offices=offices, on_behalf=on_behalf)
    return run_action(
        request, voucher=voucher, form=form, what="asiakkuus",
        page={"title": gettext_lazy("Luo asiakkuus"), "submit": _("Luo asiakkuus")},
        perform=lambda form: services.customership_create(
            user=request.user, voucher=voucher, request=request, **form.service_kwargs()),
        message=lambda new: _("Asiakkuus luotu: %(provider)s, %(office)s.") % {
            "provider": new.provider.name, "office": new.office.name},
    )


@require_http_methods(["GET", "POST"])
@permissions.member_required
def customership_transfer(request, pk):
    """The organiser moves a customership to another provider and/or office, lock-in or not."""
    customership = customerships_for_organiser(request.user).filter(pk=pk).first()
    if customership is None:
        raise Http404
    voucher = customership.voucher
    # A transfer goes somewhere else: the customership's own office is not offered (issue 23).
    offices = offices_for_customership(user=request.user, voucher=voucher).exclude(pk=customership.office_id)
    form = CustomershipTransferForm(request.POST or None, offices=offices)
    return run_action(
        request, voucher=voucher, form=form, what="asiakkuus",
        page={"title": gettext_lazy("Siirrä asiakkuus"), "submit": _("Siirrä asiakkuus"), "customership": customership},
        perform=lambda form: services.customership_transfer(
            user=request.user, customership=customership, request=request, **form.service_kwargs()),
        message=lambda new: _("Asiakkuus siirretty: %(provider)s, %(office)s.") % {
            "provider": new.provider.name, "office": new.office.name},
    )


@require_http_methods(["GET", "POST"])
@permissions.member_required
def customership_end(request, pk):
    """The customership's provider or the organiser ends it without closing the voucher."""
    customership = customerships_for_user(request.user).filter(pk=pk).first()
    if customership is None:
        raise Http404
    voucher = customership.voucher
    form = CustomershipEndForm(request.POST or None)
    page = {"title": gettext_lazy("Päätä asiakkuus"), "submit": _("Päätä asiakkuus"), "customership": customership,
            "intro": _("Asiakkuuden voi päättää sulkematta ostovoimaa, esimerkiksi kun asiakas vaihtaa palveluntuottajaa.")}
    return run_action(
        request, voucher=voucher, form=form, what="asiakkuus", page=page,
        perform=lambda form: services.customership_end(
            user=request.user, customership=customership, request=request, **form.service_kwargs()),
        message=lambda ended: _("Asiakkuus päättyy %(day)s.") % {"day": format_day(ended.end_date)},
    )
