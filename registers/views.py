"""Organisaatio → Palvelut and Sopimukset: an organiser's admin keeps its registers (its own services
and their contents, its agreements with providers and their price lists), each page with its
history ("Muutoshistoria"). For everyone else the pages do not exist (404), as the other
Organisaatio pages; someone else's service, agreement or price list is a 404 too."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.dates import format_day
from core.errors import DomainError
from core.htmx import done, render_page
from organisations import permissions
from registers import selectors, services
from registers.forms import AgreementForm, ContentForm, PriceListForm, ServiceForm, ServiceRenameForm, ValidityForm
from registers.models import RegisterChange

# Outermost, so that the pages do not exist (404) for anyone else, whatever the method.
admin_required = permissions.organiser_admin_required
Subject = RegisterChange.Subject


def _page(request, template: str, org_tab: str, **context):
    return render_page(request, f"registers/{template}", {"tab": "organisation", "org_tab": org_tab, **context})


def _refused(form, error: DomainError) -> None:
    """A refusal on the form: beside its field, or above the form; what was typed stays."""
    field = error.params.get("field")
    form.add_error(field if field in form.fields else None, error.message)


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


# --- Palvelut ------------------------------------------------------------------------------------


@admin_required
@require_GET
def services_list(request):
    """The organiser's own services and the shared ones it has agreements for."""
    history = selectors.register_history(request.user, Subject.SERVICE, Subject.CONTENT)
    return _page(request, "services.html", "services", services=selectors.register_services(request.user),
                 history=history)


@admin_required
@require_http_methods(["GET", "POST"])
def service_add(request):
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(user=request.user, name=form.cleaned_data["nimi"],
                                              kind=form.cleaned_data["setelilaji"], request=request)
        except DomainError as error:
            _refused(form, error)
        else:
            url = reverse("registers:service", args=[service.pk])
            notice = _("Palvelu %(name)s lisätty. Lisää sille palvelusisällöt.") % {"name": service.name}
            return done(request, notice=notice, url=url, fragment=lambda notice: _service_page(request, service, notice=notice))
    return _page(request, "service_add.html", "services", form=form)


def _service_or_404(request, service_id):
    service = selectors.register_service(request.user, service_id)
    if service is None:
        raise Http404
    return service


def _service_page(request, service, *, rename_form=None, content_form=None, notice="", error=""):
    own = service.organiser_id is not None
    context = {
        "service": service,
        "own": own,
        "contents": selectors.service_contents(service),
        "rename_form": rename_form or ServiceRenameForm(initial={"nimi": service.name}),
        "content_form": content_form or ContentForm(),
        "history": selectors.service_history(request.user, service),
        "agreements": selectors.register_agreements(request.user, service_id=service.pk),
        "notice": notice,
        "error": error,
    }
    return _page(request, "service.html", "services", **context)


@admin_required
@require_http_methods(["GET", "POST"])
def service_detail(request, service_id):
    """A service: its contents and history; the organiser's own one can be renamed here (POST)."""
    service = _service_or_404(request, service_id)
    if request.method == "GET":
        return _service_page(request, service)
    form = ServiceRenameForm(request.POST)
    if not form.is_valid():
        return _service_page(request, service, rename_form=form, error=_("Tarkista tiedot."))
    try:
        service = services.service_rename(user=request.user, service=service, name=form.cleaned_data["nimi"],
                                          request=request)
    except DomainError as error:
        _refused(form, error)
        return _service_page(request, service, rename_form=form, error=error.message)
    url = reverse("registers:service", args=[service.pk])
    return done(request, notice=_("Palvelun nimi tallennettu."), url=url,
                fragment=lambda notice: _service_page(request, service, notice=notice))


@admin_required
@require_POST
def content_add(request, service_id):
    service = _service_or_404(request, service_id)
    form = ContentForm(request.POST)
    if not form.is_valid():
        return _service_page(request, service, content_form=form, error=_("Tarkista tiedot."))
    try:
        content = services.content_create(user=request.user, service=service, name=form.cleaned_data["nimi"],
                                          unit=form.cleaned_data["yksikko"], request=request)
    except DomainError as error:
        _refused(form, error)
        return _service_page(request, service, content_form=form, error=error.message)
    url = reverse("registers:service", args=[service.pk])
    notice = _("Palvelusisältö %(name)s lisätty.") % {"name": content.name}
    return done(request, notice=notice, url=url, fragment=lambda notice: _service_page(request, service, notice=notice))


@admin_required
@require_POST
def content_edit(request, service_id, content_id):
    service = _service_or_404(request, service_id)
    content = selectors.own_content(request.user, service, content_id)
    if content is None:
        raise Http404
    form = ContentForm(request.POST)
    if not form.is_valid():
        return _service_page(request, service, error=_("Tarkista palvelusisällön tiedot."))
    try:
        services.content_update(user=request.user, content=content, name=form.cleaned_data["nimi"],
                                unit=form.cleaned_data["yksikko"], request=request)
    except DomainError as error:
        return _service_page(request, service, error=error.message)
    url = reverse("registers:service", args=[service.pk])
    return done(request, notice=_("Palvelusisältö tallennettu."), url=url,
                fragment=lambda notice: _service_page(request, service, notice=notice))


# --- Sopimukset ----------------------------------------------------------------------------------


@admin_required
@require_GET
def agreements_list(request):
    """The organiser's agreements by provider and service, with their validity; filtered by either."""
    provider_id, service_id = _int(request.GET.get("palveluntuottaja")), _int(request.GET.get("palvelu"))
    history = selectors.register_history(request.user, Subject.AGREEMENT, Subject.PRICE_LIST)
    return _page(
        request, "agreements.html", "agreements",
        agreements=selectors.register_agreements(request.user, provider_id=provider_id, service_id=service_id),
        providers=selectors.agreement_providers(request.user), services=selectors.agreeable_services(request.user),
        provider_id=provider_id, service_id=service_id, history=history,
    )


@admin_required
@require_http_methods(["GET", "POST"])
def agreement_add(request):
    form = AgreementForm(request.POST or None, services=selectors.agreeable_services(request.user),
                         initial={"palvelu": _int(request.GET.get("palvelu"))})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        provider = selectors.provider_by_business_id(data["ytunnus"])
        if provider is None:
            form.add_error("ytunnus", _("Y-tunnuksella ei löydy palveluntuottajaa."))
        else:
            try:
                agreement = services.agreement_create(user=request.user, provider=provider, service=data["palvelu"],
                                                      valid_from=data["alkaa"], valid_to=data["paattyy"],
                                                      request=request)
            except DomainError as error:
                _refused(form, error)
            else:
                url = reverse("registers:agreement", args=[agreement.pk])
                notice = _("Palvelusopimus lisätty. Lisää sille hinnasto.")
                return done(request, notice=notice, url=url,
                            fragment=lambda notice: _agreement_page(request, agreement, notice=notice))
    return _page(request, "agreement_add.html", "agreements", form=form)


def _agreement_or_404(request, agreement_id):
    agreement = selectors.register_agreement(request.user, agreement_id)
    if agreement is None:
        raise Http404
    return agreement


def _agreement_page(request, agreement, *, form=None, notice=""):
    context = {
        "agreement": agreement,
        "form": form or ValidityForm(initial={"alkaa": agreement.valid_from, "paattyy": agreement.valid_to}),
        "price_lists": selectors.agreement_price_lists(agreement),
        "history": selectors.agreement_history(request.user, agreement),
        "notice": notice,
    }
    return _page(request, "agreement.html", "agreements", **context)


@admin_required
@require_http_methods(["GET", "POST"])
def agreement_detail(request, agreement_id):
    """An agreement: its validity (changed here: end or extend it), its price lists and history."""
    agreement = _agreement_or_404(request, agreement_id)
    if request.method == "GET":
        return _agreement_page(request, agreement)
    form = ValidityForm(request.POST)
    if form.is_valid():
        try:
            agreement = services.agreement_set_validity(user=request.user, agreement=agreement,
                                                        valid_from=form.cleaned_data["alkaa"],
                                                        valid_to=form.cleaned_data["paattyy"], request=request)
        except DomainError as error:
            _refused(form, error)
        else:
            url = reverse("registers:agreement", args=[agreement.pk])
            return done(request, notice=_("Sopimuksen voimassaolo tallennettu."), url=url,
                        fragment=lambda notice: _agreement_page(request, agreement, notice=notice))
    return _agreement_page(request, selectors.register_agreement(request.user, agreement_id), form=form)


# --- Hinnastot -----------------------------------------------------------------------------------


def _prices(form) -> list:
    return [services.Price(content=content, unit_price=price) for content, price in form.prices()]


@admin_required
@require_http_methods(["GET", "POST"])
def price_list_add(request, agreement_id):
    """A new price list of the agreement, its prices copied from the list that starts last."""
    agreement = _agreement_or_404(request, agreement_id)
    latest = selectors.latest_price_list(agreement)
    contents = selectors.service_contents(agreement.service)
    form = PriceListForm(request.POST or None, contents=contents, prices=selectors.price_list_prices(latest),
                         initial={"nimi": _("Hinnasto")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            price_list, ended = services.price_list_create(
                user=request.user, agreement=agreement, name=data["nimi"], valid_from=data["alkaa"],
                valid_to=data["paattyy"], prices=_prices(form), request=request)
        except DomainError as error:
            _refused(form, error)
        else:
            notice = _("Hinnasto %(name)s lisätty.") % {"name": price_list.name}
            if ended is not None:
                notice += " " + _("Edellinen hinnasto %(name)s päättyy %(day)s.") % {
                    "name": ended.name, "day": format_day(ended.valid_to)}
            url = reverse("registers:price_list", args=[price_list.pk])
            return done(request, notice=notice, url=url,
                        fragment=lambda notice: _price_list_page(request, price_list, notice=notice))
    return _page(request, "price_list_add.html", "agreements", agreement=agreement, latest=latest, form=form)


def _price_list_page(request, price_list, *, form=None, notice=""):
    price_list = selectors.register_price_list(request.user, price_list.pk)
    contents = selectors.service_contents(price_list.agreement.service)
    initial = {"nimi": price_list.name, "alkaa": price_list.valid_from, "paattyy": price_list.valid_to}
    context = {
        "price_list": price_list,
        "agreement": price_list.agreement,
        "form": form or PriceListForm(contents=contents, prices=selectors.price_list_prices(price_list), initial=initial),
        "history": selectors.price_list_history(request.user, price_list),
        "notice": notice,
    }
    return _page(request, "price_list.html", "agreements", **context)


@admin_required
@require_http_methods(["GET", "POST"])
def price_list_detail(request, price_list_id):
    """A price list: its name, validity and unit prices, changed here; its history."""
    price_list = selectors.register_price_list(request.user, price_list_id)
    if price_list is None:
        raise Http404
    if request.method == "GET":
        return _price_list_page(request, price_list)
    form = PriceListForm(request.POST, contents=selectors.service_contents(price_list.agreement.service))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.price_list_update(user=request.user, price_list=price_list, name=data["nimi"],
                                       valid_from=data["alkaa"], valid_to=data["paattyy"], prices=_prices(form),
                                       request=request)
        except DomainError as error:
            _refused(form, error)
        else:
            url = reverse("registers:price_list", args=[price_list.pk])
            return done(request, notice=_("Hinnasto tallennettu."), url=url,
                        fragment=lambda notice: _price_list_page(request, price_list, notice=notice))
    return _price_list_page(request, price_list, form=form)
