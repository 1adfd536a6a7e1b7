"""The customer's side (issue 25): the public comparison of providers, without signing in, and the
customer's own vouchers after strong identification (identity.customers)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditEntry
from audit.services import audit_log, audit_read
from choice import services
from choice.forms import ComparisonForm, DeclineForm, Order
from choice.own import own_voucher, own_vouchers
from choice.selectors import (
    comparable_services,
    latest_choices,
    municipalities_of,
    offers,
    pending_choices_for,
    service_contents,
)
from core.dates import today
from core.errors import DomainError
from core.htmx import done, render_page
from identity import customers
from organisations import permissions
from vouchers.comparison import compared_providers
from vouchers.models import VoucherKind


def _id(value) -> int | None:
    """A select's raw value as an id (the form validates it); None if it is none."""
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else None


@require_GET
def compare(request):
    """Vertaile palveluntuottajia: an organiser and a service → its providers with an agreement and a
    price list valid today, their price and the customer's own share per unit, offices, languages,
    description and since when. Every choice is in the address; no personal data, no audit."""
    data = request.GET if request.GET else None
    organiser_id = _id(request.GET.get("jarjestaja"))
    services = comparable_services(organiser_id)
    contents = service_contents(_id(request.GET.get("palvelu")))
    form = ComparisonForm(data, services=services, contents=contents)
    context = {"form": form, "offers": None, "service": None, "content": None, "show_services": organiser_id is not None}
    if data is not None and form.is_valid() and form.cleaned_data["palvelu"] is not None:
        service = form.cleaned_data["palvelu"]
        content = form.cleaned_data["sisalto"] or contents.first()
        providers = compared_providers(organiser_id=form.cleaned_data["jarjestaja"].pk, service_id=service.pk)
        has_share = service.kind == VoucherKind.SERVICE_VOUCHER
        value = form.cleaned_data["arvo"] if has_share else None
        order = form.cleaned_data["jarjestys"] or (Order.OWN_SHARE if value is not None else Order.PRICE)
        context.update(
            content_count=contents.count(), service=service, content=content, has_share=has_share, value=value, order=order,
            municipalities=municipalities_of(providers, content.pk if content else None),
            offers=offers(providers, content_id=content.pk, kind=service.kind, unit_value=value,
                          municipality=form.cleaned_data["kunta"], language=form.cleaned_data["kieli"],
                          order=order) if content else [],
            sort_links=[(key, label, _with(request.GET, jarjestys=key)) for key, label in Order.CHOICES
                        if has_share and value is not None or key != Order.OWN_SHARE],
        )
    context["choosing"] = _choosing(request, context)
    return render_page(request, "choice/compare.html", context, target="comparison", partial="comparison")


def _choosing(request, context):
    """The identified customer's own voucher named by ``seteli`` ("Vertaile tällä setelillä"), when
    it is of the compared organiser and service: each provider then has "Valitse tämä
    palveluntuottaja". None for everyone else."""
    number = request.GET.get("seteli", "")
    customer_id = customers.customer_in_session(request)
    service = context.get("service")
    if not number or service is None or customer_id is customers.NOT_IDENTIFIED or customer_id is None:
        return None
    return own_voucher(customer_id, number, organiser_id=context["form"].cleaned_data["jarjestaja"].pk,
                       service_id=service.pk)


def _with(params, **changes) -> str:
    query = {key: value for key, value in params.items() if value}
    query.update(changes)
    return f"?{urlencode(query)}"


CUSTOMER_SELF = "asiakas itse"


@require_GET
def own(request):
    """Omat palvelusetelini: the identified customer's vouchers across organisers; before that, the
    buttons to identify. A person with no vouchers (or not in the register: the same words) is told
    so. Each read is audited as the customer's own, one row per organiser."""
    customer_id = customers.customer_in_session(request)
    context = {"identified": customer_id is not customers.NOT_IDENTIFIED, "vouchers": []}
    if not context["identified"]:
        context["providers"] = customers.customer_identity_providers(request)
        return render_page(request, "choice/own.html", context)
    if customer_id is not None:
        context["vouchers"] = own_vouchers(customer_id)
        by_organiser: dict[int, list[str]] = {}
        for row in context["vouchers"]:
            by_organiser.setdefault(row.voucher.organiser_id, []).append(row.voucher.number)
        for organiser_id, numbers in by_organiser.items():
            audit_log(user=None, action=AuditEntry.Action.READ, code="own_vouchers", params={"numbers": ", ".join(numbers)},
                      customer_id=customer_id, organiser_id=organiser_id, request=request, organisation=CUSTOMER_SELF)
    context["today"] = today()
    return render_page(request, "choice/own.html", context)


# --- choosing (item 3) --------------------------------------------------------------------------------


@require_POST
def choose(request, number):
    """Valitse tämä palveluntuottaja: the identified customer picks a provider for their own voucher."""
    customer_id = customers.customer_in_session(request)
    if customer_id is customers.NOT_IDENTIFIED or customer_id is None:
        return redirect("choice:own")
    provider_id = _id(request.POST.get("palveluntuottaja"))
    try:
        services.choice_make(customer_id=customer_id, voucher_number=number, provider_id=provider_id or 0,
                             request=request)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("choice:own")
    messages.success(request, _("Valintasi on lähetetty palveluntuottajalle. Näet täällä, kun se on vahvistettu."))
    return redirect("choice:own")


def _provider_choices_page(request, *, notice="", error=""):
    choices = list(pending_choices_for(request.user))
    audit_read(request=request, code="tab_list", vouchers=[choice.voucher for choice in choices],
               title="Asiakkaan valinnat")
    context = {"tab": "reservations", "choices": choices, "notice": notice, "error": error}
    return render_page(request, "choice/provider_choices.html", context)


@require_GET
@permissions.provider_required
def provider_choices(request):
    """Asiakkaan valinnat (Palveluvaraukset): the customers who chose this provider, to confirm with
    "Tee palveluvaraus" (or "Luo asiakkuus") or to decline with a reason."""
    if not permissions.can_make_reservations(request.user):
        raise Http404
    return _provider_choices_page(request)


@require_POST
@permissions.provider_required
def decline(request, choice_id):
    choice = pending_choices_for(request.user).filter(pk=choice_id).first()
    if choice is None:
        raise Http404
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _provider_choices_page(request, error=" ".join(form.errors["perustelu"]))
    try:
        services.choice_decline(user=request.user, choice=choice, reason=form.cleaned_data["perustelu"],
                                request=request)
    except DomainError as error:
        return _provider_choices_page(request, error=error.message)
    return done(request, notice=_("Asiakkaalle on kerrottu, ettette voi ottaa häntä vastaan."),
                url=reverse("choice:provider_choices"),
                fragment=lambda notice: _provider_choices_page(request, notice=notice))
