"""Events (tapahtuma): the "Ostovoimat" and "Saldo-ostovoimat" tabs, recording, editing, deleting
and crediting events, and the organiser's review of events past what was granted."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import audit_read
from core.errors import DomainError, ErrorCode
from core.forms import search_term
from core.htmx import done, render_page, wants_fragment
from core.pagination import keyset_page
from core.sorting import list_query, sorting
from core.replica import replica_reads
from events import imports as event_imports
from events import services as event_services
from events.filters import ReviewFilter, VoucherTabFilter
from events.forms import CreditForm, EventForm, EventImportForm, EventImportSaveForm, RejectForm
from events.models import EventStatus
from events.pricing import usage_of
from events.recording import OVER_GRANT
from events.selectors import (
    attach_usage,
    events_for_user,
    events_waiting_for_review,
    reservation_events,
    reservations_with_prices,
    review_count,
    tab_reservations,
)
from organisations import permissions
from organisations.permissions import member_required, organiser_required
from reservations.selectors import search_reservations
from vouchers.models import VoucherKind

PAGE_SIZE = 25
# The review queue oldest first (its partial index).
REVIEW_ORDER = ("date", "id")
# The column sorts (core.sorting; issue 13): the tabs by the voucher's number as a number (vouchers'
# (number_key, id) and (organiser, number_key, id)) or the customer's name in Finnish order
# (customers' (name_key, id)); the review queue by date (its partial index, either way).
TAB_SORTS = {
    "numero": ("voucher__number_key", "voucher__id"),
    "asiakas": ("voucher__customer__name_key", "voucher__customer__id", "id"),
}
REVIEW_SORTS = {"paiva": REVIEW_ORDER}
# The tabs' titles as their audit rows store them (Finnish source text, translated when shown).
TAB_TITLES_FI = {"vouchers": "Ostovoimat", "balance": "Saldo-ostovoimat"}
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
    kinds = TAB_KINDS[tab]
    filters = VoucherTabFilter(request.GET, queryset=tab_reservations(request.user, kinds=kinds), user=request.user, kinds=kinds)
    reservations = search_reservations(filters.results, text)
    keep = {"haku": text, **filters.kept()}
    sort = sorting(request.GET, TAB_SORTS, default="numero", keep=keep)
    page = keyset_page(reservations, order=sort.order, params=request.GET, size=PAGE_SIZE)
    _attach_usage(page.object_list)
    audit_read(request=request, vouchers=[r.voucher for r in page], code="tab_list", title=TAB_TITLES_FI[tab])
    context = {
        "tab": tab,
        "page": page,
        "title": title,
        "search": text,
        "query": list_query(urlencode({key: value for key, value in keep.items() if value}), sort.query),
        "filters": filters,
        "filtered": bool(filters.kept()),
        "sort": sort,
    }
    if permissions.is_organiser(request.user):
        context["review_count"], context["review_count_more"] = review_count(request.user)
    return render_page(request, "events/vouchers_tab.html", context)


@require_GET
@member_required
@replica_reads
def voucher_list(request):
    """The "Ostovoimat" tab: service vouchers and purchased services with a reservation."""
    return _vouchers_tab(request, tab="vouchers", title=gettext_lazy("Ostovoimat"))


@require_GET
@member_required
@replica_reads
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


def _event_page(request, reservation, *, form, event=None, notice="", over_grant=False):
    """The reservation's event page: the form (new or edit), what is used and left, its events."""
    voucher = reservation.voucher
    audit_read(request=request, vouchers=[voucher], code="voucher_events", number=voucher.number)
    context = {
        "tab": "balance" if voucher.kind == VoucherKind.BALANCE else "vouchers",
        "reservation": reservation,
        "form": form,
        "event": event,
        "events": reservation_events(reservation),
        "notice": notice,
        "over_grant": OVER_GRANT if over_grant else "",
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
            event = event_services.event_record(user=request.user, reservation_id=reservation.pk,
                                                over_grant_confirmed=form.over_grant_confirmed, **form.service_kwargs())
        except DomainError as error:
            if error.code == ErrorCode.OVER_GRANT_UNCONFIRMED:  # warn, and offer "Kirjaa silti"
                return _event_page(request, _attach_usage([reservation])[0], form=form, over_grant=True)
            form.add_error(None, error.message)
        else:
            return _done(request, reservation.pk, _saved_notice(event, _("Tapahtuma kirjattu.")), reservation=reservation)
    return _event_page(request, _attach_usage([reservation])[0], form=form)


def _saved_notice(event, notice) -> str:
    """What happened, and that an event past the grant waits for the organiser's review."""
    if event.status == EventStatus.UNDER_REVIEW:
        return _("%(notice)s Se ylittää myönnetyn määrän: menee palvelunjärjestäjän tarkastettavaksi.") % {
            "notice": notice}
    return notice


@require_http_methods(["GET", "POST"])
@member_required
def event_update(request, event_id):
    event = _event_or_404(request.user, event_id)
    reservation = _reservation_or_404(request.user, event.reservation_id)
    event.reservation = reservation
    form = EventForm.for_event(event, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = event_services.event_update(user=request.user, event_id=event.pk,
                                                over_grant_confirmed=form.over_grant_confirmed, **form.service_kwargs())
        except DomainError as error:
            if error.code == ErrorCode.OVER_GRANT_UNCONFIRMED:
                return _event_page(request, reservation, form=form, event=event, over_grant=True)
            form.add_error(None, error.message)
        else:
            return _done(request, reservation.pk, _saved_notice(saved, _("Tapahtuma tallennettu.")))
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
    audit_read(request=request, vouchers=[event.reservation.voucher], code="event_credit_form", event=event.pk)
    return render_page(request, "events/event_credit.html", {"tab": "vouchers", "event": event, "form": form})


# --- the organiser's review --------------------------------------------------------------------------


@require_GET
@organiser_required
@replica_reads
def review_list(request):
    """Events waiting for the organiser's review, across the organiser's providers."""
    filters = ReviewFilter(request.GET, queryset=events_waiting_for_review(request.user), user=request.user)
    sort = sorting(request.GET, REVIEW_SORTS, default="paiva", keep=filters.kept())
    page = keyset_page(filters.results, order=sort.order, params=request.GET, size=PAGE_SIZE)
    audit_read(request=request, vouchers=[e.reservation.voucher for e in page], code="review_list")
    context = {"tab": "vouchers", "page": page, "filters": filters, "filtered": bool(filters.kept()), "sort": sort,
               "query": list_query(urlencode(filters.kept()), sort.query)}
    return render_page(request, "events/event_review_list.html", context)


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
        # The row names the customer, refused or not: its read is logged like any other.
        voucher = event.reservation.voucher
        audit_read(request=request, vouchers=[voucher], code="event_view", event=event.pk, number=voucher.number)
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


# --- "Tuo tapahtumia": events from a CSV or XLSX file -------------------------------------------------

def _import_page(request, *, form, outcome=None, token="", save_form=None, notice=""):
    context = {
        "tab": "vouchers",
        "form": form,
        "outcome": outcome,
        "token": token,
        "save_form": save_form or EventImportSaveForm(initial={"aineisto": token}),
        "notice": notice,
        "max_rows": event_imports.MAX_ROWS,
        "columns": [name for name, _field in event_imports.COLUMNS],
    }
    return render_page(request, "events/import.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def event_import(request):
    """"Tuo tapahtumia": upload a file, see every row's result before anything is saved. Whoever
    may record events may import them (recorders too); organiser users pick the provider."""
    providers = event_imports.import_providers(request.user)
    form = EventImportForm(request.POST or None, request.FILES or None, providers=providers)
    if request.method == "POST" and form.is_valid():
        try:
            rows = event_imports.read_upload(form.cleaned_data["tiedosto"])
            outcome = event_imports.import_events(user=request.user, rows=rows, provider_id=form.provider_id)
        except event_imports.ImportRefused as error:
            form.add_error("tiedosto", error.message)
        else:
            token = event_imports.sign_rows(user=request.user, rows=rows, provider_id=form.provider_id)
            return _import_page(request, form=form, outcome=outcome, token=token)
    return _import_page(request, form=form)


@require_POST
@member_required
def event_import_save(request):
    """"Tallenna": the previewed rows checked again and recorded in one transaction (the good ones,
    or none when "Tallenna vain, jos kaikki rivit kelpaavat" was chosen and a row is bad); then back to the Ostovoimat tab."""
    providers = event_imports.import_providers(request.user)
    save_form = EventImportSaveForm(request.POST)
    token = request.POST.get("aineisto", "")
    try:
        if not save_form.is_valid():
            raise event_imports.ImportRefused(_("Esikatselua ei löydy. Lataa tiedosto uudelleen."))
        rows, provider_id = event_imports.unsign_rows(user=request.user, token=token)
        # A preview saved before is refused by the events' client ids (its fingerprint and line, once
        # per reservation), not by a list kept beside them.
        digest = event_imports.token_digest(token)
        all_or_nothing = save_form.all_or_nothing()
        outcome = event_imports.import_events(
            user=request.user, rows=rows, provider_id=provider_id, save=True, all_or_nothing=all_or_nothing, batch=digest
        )
    except event_imports.ImportRefused as error:
        form = EventImportForm(providers=providers)
        return _import_page(request, form=form, notice=error.message)
    if not outcome.saved:
        # All or nothing with a bad row, or every row gone bad since the preview: the rows again.
        notice = ngettext(
            "Mitään ei tallennettu: %(bad)s rivi on virheellinen.", "Mitään ei tallennettu: %(bad)s riviä on virheellisiä.",
            len(outcome.bad),
        ) % {"bad": len(outcome.bad)}
        return _import_page(request, form=EventImportForm(providers=providers), outcome=outcome, token=token,
                            save_form=save_form, notice=notice)
    messages.success(request, _import_notice(outcome))
    return redirect("events:vouchers")


def _import_notice(outcome) -> str:
    notice = _("Tallennettu %(saved)s tapahtumaa.") % {"saved": outcome.saved}
    if outcome.under_review:
        notice += " " + _("Niistä %(count)s menee palvelunjärjestäjän tarkastettavaksi.") % {"count": outcome.under_review}
    if outcome.bad:
        lines = ", ".join(str(row.line) for row in outcome.bad[:20]) + (" …" if len(outcome.bad) > 20 else "")
        notice += " " + _("Virheelliset rivit ohitettiin (%(count)s): %(lines)s.") % {"count": len(outcome.bad), "lines": lines}
    return notice


@require_GET
@member_required
def event_import_template_csv(request):
    response = HttpResponse(event_imports.template_csv(), content_type=event_imports.CSV_TYPE)
    response["Content-Disposition"] = 'attachment; filename="tapahtumat-malli.csv"'
    return response


@require_GET
@member_required
def event_import_template_xlsx(request):
    response = HttpResponse(event_imports.template_xlsx(), content_type=event_imports.XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="tapahtumat-malli.xlsx"'
    return response
