"""The "Myöntäminen" tab and the organiser's pages of a voucher's decision: find or add the
customer, grant, the granted voucher's page, the decision letter, changing and closing. Organiser
users only (``organiser_required``: a provider's user gets 404, as for every organiser page);
a voucher of another organiser is a 404 too.

The customer chosen for a decision travels between the steps as a signed token bound to the
user (``customer_token``), never as a henkilötunnus in a URL nor as a bare customer id that
another organiser's user could replay."""

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from audit.services import audit_read
from core.dates import format_day
from core.errors import DomainError
from core.htmx import done, render_page, wants_fragment
from grants import letter_pdf as pdf
from grants import services
from grants.forms import ChangeForm, CloseForm, CustomerForm, CustomerSearchForm, GrantForm, show_refusal
from grants.selectors import grantable_services, letter_prices
from organisations import permissions
from vouchers.actions import run_action
from vouchers.models import Customer, Language
from vouchers.selectors import organiser_vouchers, voucher_lookup

TAB = "grant"
TOKEN_SALT = "grants.customer"
TOKEN_MAX_AGE = 8 * 60 * 60  # a working day


# --- the customer of a decision, between the steps ---------------------------------------------------


def customer_token(user, customer) -> str:
    """The chosen customer for this user only (signed; expires after a working day)."""
    return signing.dumps([customer.pk, user.pk], salt=TOKEN_SALT)


def customer_of_token(user, token) -> Customer | None:
    try:
        customer_id, user_id = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if user_id != user.pk or not isinstance(customer_id, int):
        return None
    return Customer.objects.filter(pk=customer_id).first()


def _grant_url(user, customer) -> str:
    return f"{reverse('grants:grant')}?asiakas={customer_token(user, customer)}"


# --- finding or adding the customer ------------------------------------------------------------------


def _start_page(request, *, search=None, create=None, not_found_hetu=None, notice=None, status=200):
    context = {"tab": TAB, "search": search or CustomerSearchForm(), "create": create,
               "not_found_hetu": not_found_hetu, "notice": notice}
    return render_page(request, "grants/start.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permissions.organiser_required
def start(request):
    """"Myönnä ostovoima" starts with the customer: a search by henkilötunnus (POST: the
    henkilötunnus never goes into a URL). Found: on to the decision. Not found: the form for a
    new customer, its henkilötunnus filled in."""
    if request.method == "GET":
        return _start_page(request)
    search = CustomerSearchForm(request.POST)
    if not search.is_valid():
        return _start_page(request, search=search)
    hetu = search.cleaned_data["henkilotunnus"]
    try:
        customer = services.customer_find(user=request.user, henkilotunnus=hetu, request=request)
    except DomainError as error:
        show_refusal(search, error)
        return _start_page(request, search=search)
    if customer is None:
        create = CustomerForm(initial={"henkilotunnus": hetu, "asiointikieli": Language.FINNISH})
        return _start_page(request, search=search, create=create, not_found_hetu=hetu)
    return redirect(_grant_url(request.user, customer))


@require_http_methods(["GET", "POST"])
@permissions.organiser_required
def customer_new(request):
    """A new person in the register, then on to the decision."""
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(user=request.user, person=form.person(), request=request)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Asiakas lisätty: %(name)s.") % {"name": customer.full_name})
            return redirect(_grant_url(request.user, customer))
    return _start_page(request, create=form)


# --- granting ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permissions.organiser_required
def grant(request):
    """The decision: service, contents and amounts, validity, decision number and date. Choosing
    the service (GET, by htmx when the select changes, or by its button without JavaScript)
    shows that service's contents and keeps what was typed; "Myönnä ostovoima" (POST) grants
    and goes to the new voucher's page."""
    token = request.POST.get("asiakas") if request.method == "POST" else request.GET.get("asiakas")
    customer = customer_of_token(request.user, token)
    if customer is None:
        return _start_page(request, notice=_("Hae asiakas ensin henkilötunnuksella."))
    services_offered = grantable_services(permissions.organiser_id_of(request.user))
    if request.method == "POST":
        form = GrantForm(request.POST, services=services_offered)
        if form.is_valid():
            try:
                voucher, _created = services.voucher_grant(user=request.user, customer=customer, request=request,
                                                           **form.service_kwargs())
            except DomainError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("Ostovoima %(number)s myönnetty.") % {"number": voucher.number})
                return redirect("grants:voucher", number=voucher.number)
    else:
        form = GrantForm(initial=request.GET.dict(), services=services_offered)
    if not wants_fragment(request, "grant-form"):
        audit_read(request=request, customers=[customer], code="grant_form")
    own = organiser_vouchers(request.user).filter(customer=customer).order_by("-valid_from")[:20]
    context = {"tab": TAB, "customer": customer, "token": customer_token(request.user, customer), "form": form,
               "own_vouchers": own, "no_services": not services_offered.exists()}
    return render_page(request, "grants/grant.html", context, target="grant-form", partial="grant_form")


# --- the granted voucher: its page, its letter, changing and closing it -------------------------------


def _own_voucher(request, number):
    """The organiser's own voucher with its contents (the card's query), else 404."""
    voucher = voucher_lookup(user=request.user, number=number)
    if voucher is None or not permissions.is_voucher_organiser(request.user, voucher):
        raise Http404
    return voucher


def _voucher_page(request, voucher, *, notice=None):
    audit_read(request=request, vouchers=[voucher], code="voucher_decision", number=voucher.number)
    return render_page(request, "grants/voucher.html", {"tab": TAB, "voucher": voucher, "notice": notice})


@require_GET
@permissions.organiser_required
def voucher_page(request, number):
    """The granted voucher: its number large (the customer gives it to a provider), "Tulosta
    päätös", and its card with "Muuta myöntöä" and the history."""
    return _voucher_page(request, _own_voucher(request, number))


def letter_language(customer) -> str:
    """The letter's language: Swedish for a Swedish-speaking customer, else Finnish."""
    return "sv" if customer.language == Language.SWEDISH else "fi"


@require_GET
@permissions.organiser_required
def letter(request, number):
    """The decision letter (palvelusetelipäätös) in the customer's language, for printing: what
    was granted, the number to give the provider, and the organiser's approved providers of the
    service with their prices and the customer's estimated own share per unit."""
    voucher = _own_voucher(request, number)
    language = letter_language(voucher.customer)
    with translation.override(language):
        body = render_to_string("grants/_letter.html", {
            "voucher": voucher, "customer": voucher.customer, "prices": letter_prices(voucher),
            "language": language}, request=request)
    audit_read(request=request, vouchers=[voucher], code="decision_letter", number=voucher.number)
    return render_page(request, "grants/letter.html", {"tab": TAB, "voucher": voucher, "letter": body,
                                                       "language": language})


@require_GET
@permissions.organiser_required
def letter_pdf(request, number):
    """The same letter as a PDF (grants.letter_pdf), to send by post or attach to the client
    system's decision; a download, audited like the print view."""
    voucher = _own_voucher(request, number)
    language = letter_language(voucher.customer)
    with translation.override(language):
        content = pdf.letter_pdf(voucher, letter_prices(voucher), language)
    audit_read(request=request, vouchers=[voucher], code="decision_letter", number=voucher.number)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="paatos-{voucher.number}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@permissions.organiser_required
def change(request, number):
    """"Muuta myöntöä": validity and amounts with a reason. A refusal keeps everything typed."""
    voucher = _own_voucher(request, number)
    if voucher.closed_on is not None:
        return _voucher_page(request, voucher, notice=_("Suljettua ostovoimaa ei voi muuttaa."))
    form = ChangeForm(request.POST or None, voucher=voucher)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.voucher_change(user=request.user, voucher=voucher, request=request, **form.service_kwargs())
        except DomainError as error:
            show_refusal(form, error)
        else:
            if row is None:
                form.add_error(None, _("Et muuttanut myönnettyä: muutosta ei tallennettu."))
            else:
                url = reverse("grants:voucher", args=[voucher.number])
                return done(request, notice=_("Myöntöä muutettu."), url=url,
                            fragment=lambda notice: _voucher_page(request, _own_voucher(request, number), notice=notice))
    audit_read(request=request, vouchers=[voucher], code="voucher_action", number=voucher.number, title="Muuta myöntöä")
    return render_page(request, "grants/change.html", {"tab": TAB, "voucher": voucher, "form": form})


@require_http_methods(["GET", "POST"])
@permissions.member_required
def close(request, number):
    """"Sulje ostovoima" (the voucher's organiser, any kind of voucher), with a reason from the
    list kept in its history: its reservation and customership end on the closing day too,
    derived from the one date written."""
    voucher = organiser_vouchers(request.user).select_related("organiser").filter(number=number).first()
    if voucher is None or not permissions.can_close_voucher(request.user, voucher):
        raise Http404
    form = CloseForm(request.POST or None)
    page = {"title": gettext_lazy("Sulje ostovoima"), "submit": _("Sulje ostovoima"),
            "intro": _("Ostovoiman sulkeminen päättää sen asiakkuuden ja palveluvarauksen sulkemispäivänä.")}
    return run_action(
        request, voucher=voucher, form=form, what="suljettu", page=page,
        perform=lambda form: services.voucher_close_with_reason(
            user=request.user, voucher=voucher, request=request, **form.service_kwargs()),
        message=lambda closed: _("Ostovoima suljettu %(day)s.") % {"day": format_day(closed.closed_on)},
    )

