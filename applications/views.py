"""Hakeutuminen's public pages and the applicant's: an organiser's rulebooks for anyone, a new
company's sign-up and its e-mail link, and the applications of a provider's admin or a signed-up
company (draft, attachments, sending with the rulebook accepted, completing when asked).
Someone else's application or attachment is a 404."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import load_handler
from django.core.mail import send_mail
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import rulebooks, selectors, services, signups
from applications.files import MAX_BYTES, BoundedUploadHandler
from applications.forms import ApplicationForm, AttachmentForm, ConfirmForm, NewApplicationForm, SendForm, SignUpForm
from applications.models import Pricing
from core.errors import DomainError, ErrorCode
from core.htmx import done, render_page
from vouchers.models import ServiceContent


def _refused(form, error: DomainError) -> None:
    field = error.params.get("field")
    form.add_error(field if field in form.fields else None, error.message)


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def file_response(stored, *, name: str, content_type: str) -> FileResponse:
    """A stored file as a download: never shown in the browser, never sniffed as another type."""
    response = FileResponse(stored.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def bounded_uploads(view):
    """The view reads an upload through BoundedUploadHandler (an oversized one is cut off while it
    arrives); CSRF is checked after the handlers are set, as Django's documentation shows."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.upload_handlers = [BoundedUploadHandler(request)] + [
            load_handler(path, request) for path in settings.FILE_UPLOAD_HANDLERS]
        return csrf_protect(view)(request, *args, **kwargs)

    return wrapper


def _too_large(request) -> bool:
    return getattr(request, "upload_too_large", False)


def too_large_message() -> str:
    return str(ErrorCode.ATTACHMENT_TOO_LARGE.message) % {"mb": MAX_BYTES // (1024 * 1024)}


# --- public: rulebooks ---------------------------------------------------------------------------------


@require_GET
def public_organisers(request):
    """Sääntökirjat: the organisers that take applications (no login)."""
    return render(request, "applications/public_organisers.html", {"organisers": selectors.public_organisers()})


@require_GET
def public_organiser(request, organiser_id):
    """An organiser's services, their rulebooks in force (and any published for later), fixed prices."""
    organiser = selectors.public_organiser(organiser_id)
    if organiser is None:
        raise Http404
    return render(request, "applications/public_organiser.html", {
        "organiser": organiser, "rulebooks": selectors.public_rulebooks(organiser.pk)})


@require_GET
def public_rulebook_attachment(request, attachment_id):
    attachment = selectors.public_attachment(attachment_id)
    if attachment is None:
        raise Http404
    return file_response(attachment.file, name=attachment.name, content_type=attachment.content_type)


# --- public: a new company signs up ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request):
    """Rekisteröidy: Y-tunnus, name, contact person, e-mail; the link to confirm it goes by e-mail."""
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            found, token = signups.signup_create(business_id=data["ytunnus"], company_name=data["yritys"],
                                                 contact_name=data["yhteyshenkilo"], email=data["sahkoposti"])
        except DomainError as error:
            _refused(form, error)
        else:
            link = request.build_absolute_uri(reverse("applications:signup_confirm", args=[token]))
            send_mail(_("Vahvista sähköpostiosoitteesi – PSOP-hakeutuminen"),
                      _("Yritys %(company)s (%(business_id)s) rekisteröityi hakemaan palveluntuottajaksi PSOPissa. "
                        "Vahvista sähköpostiosoitteesi ja luo tunnus avaamalla linkki %(days)s päivän kuluessa. "
                        "Linkki toimii kerran.\n\n%(link)s") % {
                          "company": found.company_name, "business_id": found.business_id,
                          "days": settings.INVITATION_DAYS, "link": link},
                      None, [found.email])
            return render(request, "applications/signup_sent.html", {"email": found.email})
    return render(request, "applications/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def signup_confirm(request, token):
    """The e-mail's link: the address is confirmed when the company's user is made here."""
    found = signups.signup_open(token)
    if found is None:
        return render(request, "identity/refused.html", {
            "message": ErrorCode.SIGNUP_LINK_INVALID.message, "support": settings.SUPPORT_CONTACT}, status=403)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = signups.signup_confirm(token=token, username=form.cleaned_data["kayttajatunnus"],
                                          password=form.cleaned_data["salasana"], request=request)
        except DomainError as error:
            if error.code == ErrorCode.SIGNUP_LINK_INVALID:
                return render(request, "identity/refused.html", {"message": error.message, "support": ""}, status=403)
            _refused(form, error)
        else:
            auth_login(request, user, backend="accounts.backends.ModelBackend")
            messages.success(request, _("Sähköpostiosoite vahvistettu ja tunnus luotu. Voit nyt tehdä hakemuksen."))
            return redirect("applications:mine")
    return render(request, "applications/signup_confirm.html", {"signup": found, "form": form})


# --- the applicant ------------------------------------------------------------------------------------


def applicant_required(view):
    """A provider's admin or a signed-up company's user; for anyone else signed in the pages do not exist."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if selectors.applicant_of(request.user) is None:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _mine_page(request, *, form=None, status=200):
    applicant = selectors.applicant_of(request.user)
    organisers = selectors.public_organisers()
    return render_page(request, "applications/mine.html", {
        "tab": "applications", "applicant": applicant, "applications": selectors.applications_of(request.user),
        "form": form or NewApplicationForm(organisers=organisers, services=selectors.all_offered_services()),
        "rulebooks": selectors.provider_rulebooks(request.user),
    }, status=status)


@applicant_required
@require_http_methods(["GET", "POST"])
def mine(request):
    """Hakemukset: the applicant's applications, a new one, and (a provider) its rulebooks to accept."""
    if request.method == "GET":
        return _mine_page(request)
    form = NewApplicationForm(request.POST, organisers=selectors.public_organisers(),
                              services=selectors.all_offered_services())
    if form.is_valid():
        try:
            application = services.application_create(user=request.user, organiser_id=form.cleaned_data["jarjestaja"].pk,
                                                      service=form.cleaned_data["palvelu"], request=request)
        except DomainError as error:
            _refused(form, error)
        else:
            return redirect("applications:application", application.pk)
    return _mine_page(request, form=form)


def _application_or_404(request, application_id):
    application = selectors.application_of(request.user, application_id)
    if application is None:
        raise Http404
    return application


def _application_page(request, application, *, form=None, attachment_form=None, send_form=None, notice="",
                      error="", status=200):
    rulebook = rulebooks.latest_rulebook(application.organiser_id, application.service_id)
    priced = rulebook is not None and rulebook.pricing == Pricing.PROVIDER
    contents = ServiceContent.objects.filter(service_id=application.service_id).order_by("name")
    prices = {row.content_id: row.unit_price for row in application.prices.all()}
    context = {
        "tab": "applications", "application": application, "rulebook": rulebook, "priced": priced,
        "form": form or ApplicationForm(contents=contents, prices=prices, offices=application.offices.all(),
                                        priced=priced, initial={
                                            "yhteyshenkilo": application.contact_name, "sahkoposti": application.email,
                                            "puhelin": application.phone, "soteri": application.soteri_id}),
        "attachment_form": attachment_form or AttachmentForm(),
        "send_form": send_form or SendForm(initial={"saantokirja": rulebook.pk if rulebook else None}),
        "notice": notice, "error": error,
    }
    return render_page(request, "applications/application.html", context, status=status)


def _refresh(request, application_id, **kwargs):
    return _application_page(request, selectors.application_of(request.user, application_id), **kwargs)


@applicant_required
@require_http_methods(["GET", "POST"])
def application(request, application_id):
    """The application: its details saved here (POST), its attachments and sending below."""
    found = _application_or_404(request, application_id)
    if request.method == "GET":
        return _application_page(request, found)
    rulebook = rulebooks.latest_rulebook(found.organiser_id, found.service_id)
    priced = rulebook is not None and rulebook.pricing == Pricing.PROVIDER
    contents = ServiceContent.objects.filter(service_id=found.service_id).order_by("name")
    form = ApplicationForm(request.POST, contents=contents, offices=found.offices.all(), priced=priced)
    if not form.is_valid():
        return _application_page(request, found, form=form, status=422)
    data = form.cleaned_data
    try:
        services.application_update(
            user=request.user, application=found, contact_name=data["yhteyshenkilo"], email=data["sahkoposti"],
            phone=data["puhelin"], soteri_id=data["soteri"],
            offices=[services.OfficeData(*row) for row in form.offices()], prices=form.prices(), request=request)
    except DomainError as error:
        _refused(form, error)
        return _application_page(request, found, form=form, status=error.code.status)
    url = reverse("applications:application", args=[found.pk])
    return done(request, notice=_("Hakemus tallennettu."), url=url,
                fragment=lambda notice: _refresh(request, found.pk, notice=notice))


@bounded_uploads
@applicant_required
@require_POST
def attachment_add(request, application_id):
    found = _application_or_404(request, application_id)
    files = request.FILES  # read the body now, through BoundedUploadHandler
    if _too_large(request):
        return _application_page(request, found, error=too_large_message(), status=413)
    form = AttachmentForm(request.POST, files)
    if not form.is_valid():
        return _application_page(request, found, attachment_form=form, status=422)
    try:
        attachment = services.attachment_add(user=request.user, application=found, upload=form.cleaned_data["liite"],
                                             request=request)
    except DomainError as error:
        _refused(form, error)
        return _application_page(request, found, attachment_form=form, status=error.code.status)
    url = reverse("applications:application", args=[found.pk])
    return done(request, notice=_("Liite %(name)s lisätty.") % {"name": attachment.name}, url=url,
                fragment=lambda notice: _refresh(request, found.pk, notice=notice))


@applicant_required
@require_POST
def attachment_remove(request, application_id, attachment_id):
    found = _application_or_404(request, application_id)
    attachment = next((row for row in found.attachments.all() if row.pk == attachment_id), None)
    if attachment is None:
        raise Http404
    try:
        services.attachment_remove(user=request.user, attachment=attachment, request=request)
    except DomainError as error:
        return _application_page(request, found, error=error.message, status=error.code.status)
    url = reverse("applications:application", args=[found.pk])
    return done(request, notice=_("Liite poistettu."), url=url,
                fragment=lambda notice: _refresh(request, found.pk, notice=notice))


@applicant_required
@require_POST
def application_send(request, application_id):
    """"Lähetä hakemus" with "Olen lukenut ja hyväksyn sääntökirjan"."""
    found = _application_or_404(request, application_id)
    form = SendForm(request.POST)
    if not form.is_valid():
        return _application_page(request, found, send_form=form, status=422)
    try:
        services.application_send(user=request.user, application=found, rulebook_id=form.cleaned_data["saantokirja"],
                                  accepted=form.cleaned_data["hyvaksyn"], request=request)
    except DomainError as error:
        _refused(form, error)
        return _application_page(request, found, send_form=form, status=error.code.status)
    url = reverse("applications:application", args=[found.pk])
    return done(request, notice=_("Hakemus lähetetty palvelunjärjestäjän käsiteltäväksi."), url=url,
                fragment=lambda notice: _refresh(request, found.pk, notice=notice))


@login_required
@require_GET
def attachment(request, attachment_id):
    """An application's file: to its applicant and its organiser's admins only, as a download."""
    found = selectors.attachment_for(request.user, attachment_id)
    if found is None:
        raise Http404
    return file_response(found.file, name=found.name, content_type=found.content_type)


@applicant_required
@require_POST
def rulebook_accept(request, rulebook_id):
    """A provider's admin accepts the newest version of a rulebook of its agreements."""
    rulebook = selectors.provider_rulebook(request.user, rulebook_id)
    if rulebook is None:
        raise Http404
    try:
        rulebooks.rulebook_accept(user=request.user, rulebook=rulebook, request=request)
    except DomainError as error:
        return _mine_page(request, status=error.code.status)
    return done(request, notice=_("Sääntökirjan versio %(version)s hyväksytty.") % {"version": rulebook.version},
                url=reverse("applications:mine"), fragment=lambda notice: _mine_page(request))
