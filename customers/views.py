"""Customership pages: parse the form, call the service, choose the response.

Each page answers in full, or as the fragment that replaces ``#lookup-result`` (the voucher
card on the "Asiakas" tab) when htmx aims there."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import trigger_client_event

from audit.services import audit_read
from customers import services
from customers.forms import CustomershipCreateForm, CustomershipEndForm, CustomershipTransferForm, VoucherCloseForm
from customers.selectors import customerships_for_organiser, customerships_for_user, offices_for_customership
from psop.htmx import render_page, wants_fragment
from vouchers import services as voucher_services
from vouchers.errors import DomainError
from vouchers.formats import format_day
from vouchers.models import VoucherKind
from vouchers.permissions import member_required, membership_of
from vouchers.selectors import organiser_vouchers, voucher_lookup

TEMPLATE = "customers/action.html"
TARGET = "lookup-result"


def _lookup_url(voucher) -> str:
    return f"{reverse('vouchers:lookup')}?{urlencode({'numero': voucher.number})}"


def _render(request, context, *, status=200):
    context = {"tab": "customer", "membership": membership_of(request.user), **context}
    return render_page(request, TEMPLATE, context, target=TARGET, partial="result", status=status)


def _not_found(request):
    """The same answer as the lookup's for a voucher the user may not see."""
    # A plain request gets 404; htmx does not swap error answers, so the fragment is a 200
    # carrying the lookup's own "Ostovoiman tietoja ei löydy".
    status = 200 if wants_fragment(request, TARGET) else 404
    return _render(request, {"not_found": True, "title": _("Ostovoiman tietoja ei löydy")}, status=status)


def _show_form(request, *, voucher, form, title, submit, error=None, intro=None, customership=None):
    audit_read(request=request, customers=[voucher.customer], what=f"Ostovoima {voucher.number}: {title}")
    context = {"voucher": voucher, "form": form, "title": title, "submit": submit, "error": error,
               "intro": intro, "customership": customership}
    return _render(request, context)  # 200 also with errors: htmx swaps only successful answers


def _done(request, *, voucher, message):
    """After a change: the voucher card (with its customership) and what happened."""
    if not wants_fragment(request, TARGET):
        messages.success(request, message)
        return redirect(_lookup_url(voucher))
    card = voucher_lookup(user=request.user, number=voucher.number)
    if card is not None:
        audit_read(request=request, customers=[card.customer], what=f"Ostovoima {card.number}: asiakkuus")
    response = _render(request, {"done": True, "voucher": card, "message": message, "title": message})
    response["HX-Push-Url"] = _lookup_url(voucher)
    trigger_client_event(response, "customership-changed")
    return response


@require_http_methods(["GET", "POST"])
@member_required
def customership_create(request, number):
    """"Luo asiakkuus" for a capitation voucher found with the lookup's own rules."""
    voucher = voucher_lookup(user=request.user, number=number)
    if voucher is None or voucher.kind != VoucherKind.CAPITATION:
        return _not_found(request)
    on_behalf = membership_of(request.user).is_organiser
    offices = offices_for_customership(user=request.user, voucher=voucher)
    form = CustomershipCreateForm(request.POST or None, offices=offices, on_behalf=on_behalf)
    page = {"title": _("Luo asiakkuus"), "submit": _("Luo asiakkuus")}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            customership = services.customership_create(
                user=request.user, voucher=voucher, office=data["toimipaikka"], start_date=data["alkaa"],
                end_date=data["paattyy"], locked_until=data["aikarajaus"],
                approvals_accepted=data["sopimusehdot"] and data["sopimussuhde"], request=request,
            )
        except DomainError as error:
            return _show_form(request, voucher=voucher, form=form, error=error.message, **page)
        message = _("Asiakkuus luotu: %(provider)s, %(office)s.") % {
            "provider": customership.provider.name, "office": customership.office.name}
        return _done(request, voucher=voucher, message=message)
    return _show_form(request, voucher=voucher, form=form, **page)


@require_http_methods(["GET", "POST"])
@member_required
def customership_transfer(request, pk):
    """The organiser moves a customership to another provider and/or office, lock-in or not."""
    customership = customerships_for_organiser(request.user).filter(pk=pk).first()
    if customership is None:
        raise Http404
    voucher = customership.voucher
    offices = offices_for_customership(user=request.user, voucher=voucher)
    form = CustomershipTransferForm(request.POST or None, offices=offices)
    page = {"title": _("Siirrä asiakkuus"), "submit": _("Siirrä asiakkuus"), "customership": customership}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = services.customership_transfer(
                user=request.user, customership=customership, office=data["toimipaikka"], start_date=data["alkaa"],
                end_date=data["paattyy"], locked_until=data["aikarajaus"], reason=data["peruste"], request=request,
            )
        except DomainError as error:
            return _show_form(request, voucher=voucher, form=form, error=error.message, **page)
        message = _("Asiakkuus siirretty: %(provider)s, %(office)s.") % {
            "provider": new.provider.name, "office": new.office.name}
        return _done(request, voucher=voucher, message=message)
    return _show_form(request, voucher=voucher, form=form, **page)


@require_http_methods(["GET", "POST"])
@member_required
def customership_end(request, pk):
    """The customership's provider or the organiser ends it without closing the voucher."""
    customership = customerships_for_user(request.user).filter(pk=pk).first()
    if customership is None:
        raise Http404
    voucher = customership.voucher
    form = CustomershipEndForm(request.POST or None)
    page = {"title": _("Päätä asiakkuus"), "submit": _("Päätä asiakkuus"), "customership": customership,
            "intro": _("Asiakkuuden voi päättää sulkematta ostovoimaa, esimerkiksi kun asiakas vaihtaa palveluntuottajaa.")}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ended = services.customership_end(
                user=request.user, customership=customership, end_date=data["paattyy"], reason=data["peruste"],
                request=request,
            )
        except DomainError as error:
            return _show_form(request, voucher=voucher, form=form, error=error.message, **page)
        message = _("Asiakkuus päättyy %(day)s.") % {"day": format_day(ended.end_date)}
        return _done(request, voucher=voucher, message=message)
    return _show_form(request, voucher=voucher, form=form, **page)


@require_http_methods(["GET", "POST"])
@member_required
def voucher_close(request, number):
    """"Sulje ostovoima" (organiser staff): ends its customership and reservation too."""
    voucher = organiser_vouchers(request.user).select_related("organiser").filter(number=number).first()
    if voucher is None:
        raise Http404
    form = VoucherCloseForm(request.POST or None)
    page = {"title": _("Sulje ostovoima"), "submit": _("Sulje ostovoima"),
            "intro": _("Ostovoiman sulkeminen päättää sen asiakkuuden ja palveluvarauksen sulkemispäivänä.")}
    if request.method == "POST" and form.is_valid():
        try:
            closed = voucher_services.voucher_close(
                user=request.user, voucher=voucher, closed_on=form.cleaned_data["suljettu"], request=request)
        except DomainError as error:
            return _show_form(request, voucher=voucher, form=form, error=error.message, **page)
        message = _("Ostovoima suljettu %(day)s.") % {"day": format_day(closed.closed_on)}
        return _done(request, voucher=voucher, message=message)
    return _show_form(request, voucher=voucher, form=form, **page)
