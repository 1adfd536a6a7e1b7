"""The organiser admin's pages of hakeutuminen: Organisaatio → Sääntökirjat (publish a version, see
who accepted it) and Hakemukset (the review queue, an application with its files, and the three
outcomes). For everyone else the pages do not exist (404), as the other Organisaatio pages."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from applications import rulebooks, selectors, services
from applications.forms import FilterForm, ReviewForm, RulebookForm, RulebookServiceForm
from applications.models import ApplicationState
from applications.views import bounded_uploads, too_large_message
from core.dates import today
from core.errors import DomainError
from core.htmx import done, render_page
from organisations import permissions
from registers.selectors import visible_services_q
from vouchers.models import Service, ServiceContent

admin_required = permissions.organiser_admin_required


def _page(request, template: str, org_tab: str, *, status=200, **context):
    return render_page(request, f"applications/{template}", {"tab": "organisation", "org_tab": org_tab, **context},
                       status=status)


def _services(user):
    """The services the organiser may publish a rulebook for: the shared ones and its own."""
    return Service.objects.filter(visible_services_q(permissions.organiser_id_of(user))).order_by("name", "id")


# --- Sääntökirjat --------------------------------------------------------------------------------------


@admin_required
@require_GET
def rulebook_list(request):
    return _page(request, "rulebooks.html", "rulebooks", rulebooks=selectors.organiser_rulebooks(request.user),
                 organiser_id=permissions.organiser_id_of(request.user))


def _rulebook_form(request, service, data=None, files=None):
    contents = ServiceContent.objects.filter(service=service).order_by("name", "id")
    latest = rulebooks.latest_rulebook(permissions.organiser_id_of(request.user), service.pk)
    initial = {"alkaa": today()}
    prices = {}
    if latest is not None:
        initial.update(yleinen=latest.general_text, palveluosa=latest.service_text, hinnoittelu=latest.pricing)
        prices = {row.content_id: row.unit_price for row in latest.prices.all()}
    return RulebookForm(data, files, contents=contents, prices=prices, initial=initial), latest


@bounded_uploads
@admin_required
@require_http_methods(["GET", "POST"])
def rulebook_add(request):
    """Julkaise sääntökirja: pick the service (GET ?palvelu=), then the new version's text (the
    latest version's as a start), dates, prices and a PDF."""
    services_qs = _services(request.user)
    picker = RulebookServiceForm(request.GET or request.POST or None, services=services_qs)
    if not picker.is_valid():
        return _page(request, "rulebook_add.html", "rulebooks", picker=picker, form=None)
    service = picker.cleaned_data["palvelu"]
    if request.method == "GET":
        form, latest = _rulebook_form(request, service)
        return _page(request, "rulebook_add.html", "rulebooks", picker=picker, form=form, service=service, latest=latest)
    form, latest = _rulebook_form(request, service, request.POST, request.FILES)
    error = too_large_message() if getattr(request, "upload_too_large", False) else ""
    if not error and form.is_valid():
        data = form.cleaned_data
        try:
            rulebook = rulebooks.rulebook_publish(
                user=request.user, service=service, general_text=data["yleinen"], service_text=data["palveluosa"],
                valid_from=data["alkaa"], accept_by=data["hyvaksyttava"], pricing=data["hinnoittelu"],
                prices=[rulebooks.RulebookPriceRow(content, price) for content, price in
                        zip(form.contents, form.prices().values())],
                attachments=[data["liite"]] if data.get("liite") else [], request=request)
        except DomainError as refusal:
            field = refusal.params.get("field")
            form.add_error(field if field in form.fields else None, refusal.message)
        else:
            url = reverse("applications:rulebook", args=[rulebook.pk])
            notice = _("Sääntökirjan versio %(version)s julkaistu.") % {"version": rulebook.version}
            return done(request, notice=notice, url=url, fragment=lambda notice: _rulebook_page(request, rulebook.pk, notice))
    return _page(request, "rulebook_add.html", "rulebooks", picker=picker, form=form, service=service, latest=latest,
                 error=error, status=422)


def _rulebook_page(request, rulebook_id, notice=""):
    rulebook = selectors.organiser_rulebook(request.user, rulebook_id)
    if rulebook is None:
        raise Http404
    return _page(request, "rulebook.html", "rulebooks", rulebook=rulebook,
                 acceptances=selectors.rulebook_acceptances(rulebook), notice=notice)


@admin_required
@require_GET
def rulebook_detail(request, rulebook_id):
    """A published version: its text, prices and files, and which providers have accepted it."""
    return _rulebook_page(request, rulebook_id)


# --- Hakemukset ---------------------------------------------------------------------------------------


@admin_required
@require_GET
def review_queue(request):
    """The applications waiting (sent, or waiting for completion), oldest first; filtered by state and service."""
    form = FilterForm(request.GET)
    form.fields["tila"].choices = [("", "")] + [c for c in ApplicationState.choices if c[0] != ApplicationState.DRAFT]
    state = service_id = None
    if form.is_valid():
        state, service_id = form.cleaned_data["tila"] or None, form.cleaned_data["palvelu"]
    return _page(request, "review_queue.html", "applications",
                 applications=selectors.review_queue(request.user, state=state, service_id=service_id)[:200],
                 states=form.fields["tila"].choices[1:], state=state, service_id=service_id,
                 services=selectors.offered_services(permissions.organiser_id_of(request.user)))


def _review_page(request, application_id, *, form=None, notice="", status=200):
    application = selectors.application_for_review(request.user, application_id)
    if application is None:
        raise Http404
    return _page(request, "review.html", "applications", application=application,
                 form=form or ReviewForm(initial={"alkaa": today()}), notice=notice, status=status)


@admin_required
@require_http_methods(["GET", "POST"])
def review(request, application_id):
    """An application with its offices, prices and files; approve, reject with a reason, or ask for completion."""
    found = selectors.application_for_review(request.user, application_id)
    if found is None:
        raise Http404
    if request.method == "GET":
        return _review_page(request, application_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _review_page(request, application_id, form=form, status=422)
    data = form.cleaned_data
    try:
        if data["toiminto"] == "hyvaksy":
            services.application_approve(user=request.user, application=found, valid_from=data["alkaa"],
                                         valid_to=data["paattyy"], request=request)
            notice = _("Hakemus hyväksytty: palvelusopimus ja hinnasto on tehty.")
        elif data["toiminto"] == "hylkaa":
            services.application_reject(user=request.user, application=found, reason=data["perustelu"], request=request)
            notice = _("Hakemus hylätty.")
        else:
            services.application_request_completion(user=request.user, application=found, text=data["taydennys"],
                                                    request=request)
            notice = _("Täydennyspyyntö lähetetty hakijalle.")
    except DomainError as error:
        field = error.params.get("field")
        form.add_error(field if field in form.fields else None, error.message)
        return _review_page(request, application_id, form=form, status=error.code.status)
    url = reverse("applications:review", args=[found.pk])
    return done(request, notice=notice, url=url, fragment=lambda notice: _review_page(request, found.pk, notice=notice))

