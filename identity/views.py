"""Identification pages: the login page (identity providers' buttons above the password form),
signing out (also at the identity provider, where it offers that), an invitation's link, the
refusal page, and the Organisaatio pages where an admin invites people, unbinds identities and
decides whether password logins are allowed."""

import logging
from urllib.parse import urlencode

from allauth.account import views as account_views
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.providers.base import AuthProcess
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.mail import send_mail
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from requests import RequestException

from core.assurance import OIDC, assurance_of
from core.errors import DomainError, ErrorCode
from core.forms import TextField
from core.htmx import done, render_page
from identity import customers, selectors, services
from organisations import permissions
from organisations.forms import UserAddForm
from organisations.selectors import admin_membership, organisation_member
from organisations.services import org_user_create

logger = logging.getLogger("psop.identity")


def identity_providers(request):
    """The configured identity providers, in settings' order (one login button each)."""
    return get_social_adapter().list_providers(request)


def render_refusal(request, error: DomainError):
    """The page of a refused sign-in or invitation: why, whom to ask, and the way back."""
    context = {"message": error.message, "support": error.params.get("support", "")}
    return render(request, "identity/refused.html", context, status=error.code.status)


# --- signing in and out ---------------------------------------------------------------------------

class LoginView(account_views.LoginView):
    """/kirjaudu/: a button per identity provider, then the password form."""

    template_name = "account/login.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["identity_providers"] = identity_providers(self.request)
        return context


login = LoginView.as_view()


def _end_session_url(request, provider_id: str) -> str | None:
    """The identity provider's RP-initiated logout address for this client, if it offers one."""
    try:
        provider = get_social_adapter().get_provider(request, provider_id)
        config = provider.get_oauth2_adapter(request).openid_config
    except Exception as error:  # noqa: BLE001  a provider away must not keep the user signed in here
        logger.warning("identity provider %s: no end_session_endpoint: %s: %s", provider_id, type(error).__name__, error)
        return None
    endpoint = config.get("end_session_endpoint")
    if not endpoint:
        return None
    query = {"client_id": provider.app.client_id, "post_logout_redirect_uri": request.build_absolute_uri(reverse("login"))}
    return f"{endpoint}?{urlencode(query)}"


class LogoutView(account_views.LogoutView):
    """Signing out ends PSOP's session, and the identity provider's where it offers RP-initiated
    logout (its ``end_session_endpoint``). Only by POST (a link must not sign anyone out)."""

    http_method_names = ["post", "options"]

    def post(self, *args, **kwargs):
        assurance = assurance_of(self.request)
        response = super().post(*args, **kwargs)
        if assurance is not None and assurance.method == OIDC and assurance.provider:
            url = _end_session_url(self.request, assurance.provider)
            if url:
                return redirect(url)
        return response


logout = LogoutView.as_view()


def admin_login(request):
    """The Django admin signs in through PSOP's login (with the second factor), not its own form.
    A signed-in user who is not staff is not let in (the login page would only send them back)."""
    if request.user.is_authenticated:
        raise PermissionDenied
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")


# --- an invitation's link -------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """/kutsu/<token>/: who invited whom, and a button per identity provider. The button binds the
    identity the person brings back from the provider (identity.services.identity_sign_in)."""
    found = selectors.open_invitation(token)
    if found is None:
        return render_refusal(request, DomainError(ErrorCode.INVITATION_INVALID, support=settings.SUPPORT_CONTACT))
    providers = identity_providers(request)
    if request.method == "POST":
        chosen = next((p for p in providers if p.app.provider_id == request.POST.get("tunnistuspalvelu")), None)
        if chosen is None:
            raise Http404
        services.invitation_remember(request, found)
        try:
            return chosen.redirect(request, AuthProcess.LOGIN, next_url=reverse("home"))
        except (RequestException, ValueError, KeyError) as error:
            logger.warning("identity provider %s: %s: %s", chosen.app.provider_id, type(error).__name__, error)
            messages.error(request, _("Tunnistuspalvelu ei vastannut. Yritä hetken kuluttua uudelleen."))
            return redirect(request.path)
    membership = getattr(found.user, "membership", None)
    context = {"invitation": found, "membership": membership, "identity_providers": providers,
               "support": selectors.support_contact_for(found.user)}
    return render(request, "identity/invitation.html", context)


# --- Organisaatio: the admin's pages --------------------------------------------------------------

class InviteForm(UserAddForm):
    """A new user of the organisation, who signs in through an identity provider (no password)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["salasana"]


class IdentificationForm(forms.Form):
    vain_vahva = forms.BooleanField(
        label=gettext_lazy("Vain vahva tunnistautuminen"), required=False,
        help_text=gettext_lazy("Käyttäjät kirjautuvat vain tunnistuspalvelun kautta (Suomi.fi tai organisaation "
                               "tunnus). Salasanalla kirjautuminen estetään."),
    )
    tuki = TextField(
        label=gettext_lazy("Tuen yhteystiedot"), max_length=300, required=False,
        help_text=gettext_lazy("Näytetään henkilölle, jonka kirjautuminen estetään."),
    )


def _invitation_link(request, token: str) -> str:
    return request.build_absolute_uri(reverse("identity:invitation", args=[token]))


def _send_invitation(request, user, link: str) -> bool:
    if not user.email:
        return False
    send_mail(
        _("Kutsu PSOPiin"),
        _("Sinut on kutsuttu PSOP-palveluun. Avaa linkki ja kirjaudu tunnistuspalvelulla %(days)s päivän "
          "kuluessa. Linkki toimii kerran.\n\n%(link)s") % {"days": settings.INVITATION_DAYS, "link": link},
        None, [user.email],
    )
    return True


@require_http_methods(["GET", "POST"])
@permissions.organisation_admin_required
def invite(request):
    """Organisaatio → Kutsu käyttäjä: a new user (no password) and their one-time link."""
    membership = admin_membership(request.user)
    form = InviteForm(request.POST or None, membership=membership)
    context = {"tab": "organisation", "form": form, "days": settings.INVITATION_DAYS}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = org_user_create(
                user=request.user, username=data["kayttajatunnus"], first_name=data["etunimi"],
                last_name=data["sukunimi"], email=data["sahkoposti"], role=data["rooli"], password=None,
                request=request,
            )
            _invitation, token = services.invitation_create(user=request.user, member_user=new, request=request)
        except DomainError as error:
            form.add_error(error.params.get("field"), error.message)
        else:
            link = _invitation_link(request, token)
            return render_page(request, "identity/invitation_created.html", {
                **context, "member_user": new, "link": link, "emailed": _send_invitation(request, new, link),
            })
    return render_page(request, "identity/invite.html", context)


class MemberIdentityForm(forms.Form):
    toiminto = forms.ChoiceField(choices=[("kutsu", "kutsu"), ("peru", "peru"), ("poista", "poista")])
    tunnistus = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


def _member_page(request, member, *, notice="", link="", emailed=False, error="", status=200):
    context = {
        "tab": "organisation", "member": member, "identities": list(selectors.identities_of(member.user)),
        "invitations": list(selectors.invitations_of(member.user)[:10]), "notice": notice, "link": link,
        "emailed": emailed, "error": error, "days": settings.INVITATION_DAYS,
    }
    return render_page(request, "identity/member.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permissions.organisation_admin_required
def member(request, user_id):
    """Organisaatio → a user → Tunnistautuminen: the identities bound to them (unbind), their
    invitations, and a new link (re-invite)."""
    found = organisation_member(request.user, user_id)
    if found is None:
        raise Http404
    if request.method == "GET":
        return _member_page(request, found)
    form = MemberIdentityForm(request.POST)
    if not form.is_valid():
        return _member_page(request, found, error=_("Virheellinen pyyntö."), status=400)
    action = form.cleaned_data["toiminto"]
    try:
        if action == "kutsu":
            _invitation, token = services.invitation_create(user=request.user, member_user=found.user, request=request)
            link = _invitation_link(request, token)
            return _member_page(request, found, notice=_("Uusi kutsulinkki luotu."), link=link,
                                emailed=_send_invitation(request, found.user, link))
        if action == "peru":
            services.invitation_withdraw(user=request.user, member_user=found.user, request=request)
            notice = _("Kutsu peruttu.")
        else:
            services.identity_unbind(user=request.user, member_user=found.user,
                                     identity_id=form.cleaned_data["tunnistus"] or 0, request=request)
            notice = _("Tunnistautumistavan liitos poistettu.")
    except DomainError as error:
        return _member_page(request, found, error=error.message, status=error.code.status)
    url = reverse("identity:member", args=[found.user_id])
    return done(request, notice=notice, url=url, fragment=lambda notice: _member_page(request, found, notice=notice))


@require_http_methods(["GET", "POST"])
@permissions.organisation_admin_required
def identification(request):
    """Organisaatio → Tunnistautuminen: "Vain vahva tunnistautuminen" and the support contact."""
    organisation = admin_membership(request.user).organisation
    initial = {"vain_vahva": organisation.strong_auth_only, "tuki": organisation.support_contact}
    form = IdentificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.organisation_identification_set(
            user=request.user, strong_auth_only=form.cleaned_data["vain_vahva"],
            support_contact=form.cleaned_data["tuki"], request=request,
        )
        url = reverse("identity:identification")
        return done(request, notice=_("Tunnistautumisen asetukset tallennettu."), url=url,
                    fragment=lambda notice: render_page(request, "identity/identification.html", {
                        "tab": "organisation", "form": IdentificationForm(initial={
                            "vain_vahva": form.cleaned_data["vain_vahva"], "tuki": form.cleaned_data["tuki"]}),
                        "notice": notice, "providers": identity_providers(request)}))
    return render_page(request, "identity/identification.html", {
        "tab": "organisation", "form": form, "providers": identity_providers(request),
    })


@require_POST
def customer_logout(request):
    """The customer signs out: the session, and with it the identification, is gone."""
    customers.customer_sign_out(request)
    return redirect(settings.CUSTOMER_LOGIN_REDIRECT_URL)
