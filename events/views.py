"""Events (tapahtuma): the "Ostovoimat" and "Saldo-ostovoimat" tabs, recording, editing, deleting
and crediting events, and the organiser's review of events past what was granted."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import audit_read
from core.errors import DomainError
from core.forms import search_term
from core.htmx import done, render_page, wants_fragment
from core.pagination import keyset_page
from events import services as event_services
from events.forms import CreditForm, EventForm, RejectForm
from events.pricing import usage_of
from events.selectors import (
    attach_usage,
    events_for_user,
    events_waiting_for_review,
    reservation_events,
    reservations_with_prices,
    review_count,
)
from organisations import permissions
from organisations.permissions import member_required, organiser_required
from reservations.selectors import search_reservations
from vouchers.models import VoucherKind

PAGE_SIZE = 25
# The tabs list vouchers by number (the vouchers' number indexes walk it from a keyset cursor);
# the review queue oldest first (its partial index).
TAB_ORDER = ("voucher__number",)
REVIEW_ORDER = ("date", "id")
TAB_KINDS = {
    "vouchers": [VoucherKind.SERVICE_VOUCHER, VoucherKind.PURCHASED_SERVICE],
    "balance": [VoucherKind.BALANCE],
}


def _attach_usage(reservations):
    """Granted, used and left for each reservation: one aggregate query for all of them."""
    reservations = attach_usage(reservations)
    for reservation in reservations:
        reservation.usage = usage_of(
            kind=reservation.voucher.kind,
            voucher_content=reservation.voucher_content,
            used_quantity=reservation.used_quantity,
            used_amount=reservation.used_amount,
        )
    return reservations


# --- the tabs -----------------------------------------------------------------------------------


def _vouchers_tab(request, *, tab, title):
    text = search_term(request.GET)
    reservations = search_reservations(reservations_with_prices(request.user, kinds=TAB_KINDS[tab]), text)
    page = keyset_page(reservations, order=TAB_ORDER, params=request.GET, size=PAGE_SIZE)
    _attach_usage(page.object_list)
    audit_read(request=request, customers=[r.voucher.customer for r in page], what=f"{title}: lista")
    context = {
        "tab": tab,
        "page": page,
        "title": title,
        "search": text,
        "query": urlencode({"haku": text}) if text else "",
    }
    if permissions.is_organiser(request.user):
        context["review_count"], context["review_count_more"] = review_count(request.user)
    return render_page(request, "events/vouchers_tab.html", context)


@require_GET
@member_required
def voucher_list(request):
    """The "Ostovoimat" tab: service vouchers and purchased services with a reservation."""
    return _vouchers_tab(request, tab="vouchers", title=gettext_lazy("Ostovoimat"))


@require_GET
@member_required
def balance_voucher_list(request):
    """The "Saldo-ostovoimat" tab: balance vouchers with a reservation."""
    return _vouchers_tab(request, tab="balance", title=gettext_lazy("Saldo-ostovoimat"))


# --- recording, editing, deleting -----------------------------------------------------------------


def _reservation_or_404(user, reservation_id, *, with_usage=True):
    reservation = reservations_with_prices(user, kinds=VoucherKind.recordable()).filter(pk=reservation_id).first()
    if reservation is None:
        raise Http404
    return _attach_usage([reservation])[0] if with_usage else reservation


def _event_or_404(user, event_id):
    event = events_for_user(user).filter(pk=event_id).first()
    if event is None:
        raise Http404
    return event


def _event_page(request, reservation, *, form, event=None, notice=""):
    """The reservation's event page: the form (new or edit), what is used and left, its events."""
    voucher = reservation.voucher
    audit_read(request=request, customers=[voucher.customer], what=f"Ostovoima {voucher.number}: tapahtumat")
    context = {
        "tab": "balance" if voucher.kind == VoucherKind.BALANCE else "vouchers",
        "reservation": reservation,
        "form": form,
        "event": event,
        "events": reservation_events(reservation),
        "notice": notice,
    }
    return render_page(request, "events/event_form.html", context)


def _done(request, reservation_id, notice, *, reservation=None):
    """After a change: the refreshed event page (in place for htmx, else after a redirect). A
    ``reservation`` the view already holds is shown again with its usage counted afresh."""

    def fragment(notice):
        shown = _reservation_or_404(request.user, reservation_id) if reservation is None else _attach_usage([reservation])[0]
        return _event_page(request, shown, form=EventForm(reservation=shown), notice=notice)

    url = reverse("events:create", args=[reservation_id])
    return done(request, notice=notice, url=url, fragment=fragment)


@require_http_methods(["GET", "POST"])
@member_required
def event_create(request, reservation_id):
    """"Kirjaa tapahtuma": from a voucher row of the tabs or from a reservation."""
    reservation = _reservation_or_404(request.user, reservation_id, with_usage=False)
    form = EventForm(request.POST or None, reservation=reservation)
    if request.method == "POST" and form.is_valid():
        try:
            event_services.event_record(user=request.user, reservation_id=reservation.pk, **form.service_kwargs())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return _done(request, reservation.pk, _("Tapahtuma kirjattu."), reservation=reservation)
    return _event_page(request, _attach_usage([reservation])[0], form=form)


@require_http_methods(["GET", "POST"])
@member_required
def event_update(request, event_id):
    event = _event_or_404(request.user, event_id)
    reservation = _reservation_or_404(request.user, event.reservation_id)
    event.reservation = reservation
    form = EventForm.for_event(event, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event_services.event_update(user=request.user, event_id=event.pk, **form.service_kwargs())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return _done(request, reservation.pk, _("Tapahtuma tallennettu."))
    return _event_page(request, reservation, form=form, event=event)


@require_POST
@member_required
def event_delete(request, event_id):
    event = _event_or_404(request.user, event_id)
    try:
        event_services.event_delete(user=request.user, event_id=event.pk)
    except DomainError as error:
        if wants_fragment(request, "panel"):
            reservation = _reservation_or_404(request.user, event.reservation_id)
            return _event_page(request, reservation, form=EventForm(reservation=reservation), notice=error.message)
        messages.error(request, error.message)
        return redirect("events:create", reservation_id=event.reservation_id)
    return _done(request, event.reservation_id, _("Tapahtuma poistettu."))


@require_http_methods(["GET", "POST"])
@organiser_required
def event_credit(request, event_id):
    """Organiser staff correct a settled event by a credit with a reason code and an explanation."""
    event = _event_or_404(request.user, event_id)
    form = CreditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event_services.event_credit(user=request.user, event_id=event.pk, **form.service_kwargs())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return _done(request, event.reservation_id, _("Hyvitys kirjattu."))
    audit_read(request=request, customers=[event.reservation.voucher.customer], what=f"Tapahtuma {event.pk}: hyvitys")
    return render_page(request, "events/event_credit.html", {"tab": "vouchers", "event": event, "form": form})


# --- the organiser's review --------------------------------------------------------------------------


@require_GET
@organiser_required
def review_list(request):
    """Events waiting for the organiser's review, across the organiser's providers."""
    page = keyset_page(events_waiting_for_review(request.user), order=REVIEW_ORDER, params=request.GET, size=PAGE_SIZE)
    audit_read(request=request, customers=[e.reservation.voucher.customer for e in page], what="Tarkastettavat tapahtumat")
    return render_page(request, "events/event_review_list.html", {"tab": "vouchers", "page": page})


def _reviewed(request, event_id, *, approve):
    event = _event_or_404(request.user, event_id)
    form = RejectForm(request.POST) if not approve else None
    error = ""
    if form is not None and not form.is_valid():
        error = form.errors["perustelu"][0]
    else:
        try:
            event = event_services.event_review(
                user=request.user, event_id=event.pk, approve=approve, reason=form.cleaned_data["perustelu"] if form else ""
            )
        except DomainError as domain_error:
            error = domain_error.message
    if wants_fragment(request, f"review-{event.pk}"):
        event = _event_or_404(request.user, event.pk)
        context = {"event": event, "error": error, "reject_form": form or RejectForm()}
        response = render(request, "events/event_review_list.html#row", context)
        patch_vary_headers(response, ["HX-Request", "HX-Target"])
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Tapahtuma hyväksytty.") if approve else _("Tapahtuma hylätty."))
    return redirect("events:review_list")


@require_POST
@organiser_required
def event_approve(request, event_id):
    return _reviewed(request, event_id, approve=True)


@require_POST
@organiser_required
def event_reject(request, event_id):
    return _reviewed(request, event_id, approve=False)
