"""The customer's side (issue 25): the public comparison of providers, without signing in, and the
customer's own vouchers after strong identification (identity.customers)."""

from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from audit.models import AuditEntry
from audit.services import audit_log
from choice.forms import ComparisonForm, Order
from choice.own import own_vouchers
from choice.selectors import comparable_services, municipalities_of, offers, service_contents
from core.dates import today
from core.htmx import render_page
from identity import customers
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
    return render_page(request, "choice/compare.html", context, target="comparison", partial="comparison")


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
