"""The Organisaatio pages' "API-avaimet": an organisation's admin makes keys (the secret is shown
once, on the answer to the form, and never stored), renames them, changes their scopes and revokes
them. For anyone else the pages do not exist (404)."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from api import services
from api.forms import ApiKeyActionForm, ApiKeyForm
from api.selectors import keys_for_admin
from core.errors import DomainError
from core.htmx import done, render_page
from organisations import permissions


def _is_organiser(request) -> bool:
    return permissions.is_organiser(request.user)


def _keys_page(request, *, form=None, secret="", created=None, notice="", status=200):
    context = {"tab": "organisation", "keys": keys_for_admin(request.user),
               "form": form or ApiKeyForm(organiser=_is_organiser(request)),
               "secret": secret, "created": created, "notice": notice,
               "api_base": request.build_absolute_uri("/api/v1/")}
    return render_page(request, "api/keys.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@permissions.organisation_admin_required
def api_keys(request):
    """The organisation's keys and "Luo avain"."""
    if request.method == "GET":
        return _keys_page(request)
    form = ApiKeyForm(request.POST, organiser=_is_organiser(request))
    if form.is_valid():
        try:
            key, secret = services.api_key_create(user=request.user, request=request, **form.service_kwargs())
        except DomainError as error:
            form.add_error(error.params.get("field") if error.params.get("field") in form.fields else None, error.message)
        else:
            # The one answer that shows the secret: no redirect, so it never passes through a message.
            return _keys_page(request, secret=secret, created=key,
                              notice=_("API-avain %(name)s luotu.") % {"name": key.name})
    return _keys_page(request, form=form)


def _key_page(request, key, *, form=None, notice="", error=""):
    form = form or ApiKeyForm(initial={"nimi": key.name, "oikeudet": key.scopes}, organiser=_is_organiser(request))
    context = {"tab": "organisation", "key": key, "form": form, "notice": notice, "error": error}
    return render_page(request, "api/key_edit.html", context)


@require_http_methods(["GET", "POST"])
@permissions.organisation_admin_required
def api_key_edit(request, key_id):
    """One key: change its name and scopes, or revoke it (hidden field "toiminto")."""
    key = keys_for_admin(request.user).filter(pk=key_id).first()
    if key is None:
        raise Http404
    if request.method == "GET":
        return _key_page(request, key)
    action = ApiKeyActionForm(request.POST)
    if not action.is_valid():
        return _key_page(request, key, error=_("Tarkista tiedot."))
    form = None
    try:
        if action.cleaned_data["toiminto"] == "peru":
            services.api_key_revoke(user=request.user, key_id=key.pk, request=request)
            notice = _("API-avain peruttu; sillä ei voi enää kutsua rajapintaa.")
        else:
            form = ApiKeyForm(request.POST, organiser=_is_organiser(request))
            if not form.is_valid():
                return _key_page(request, key, form=form)
            services.api_key_update(user=request.user, key_id=key.pk, request=request, **form.service_kwargs())
            notice = _("API-avaimen tiedot tallennettu.")
    except DomainError as error:
        return _key_page(request, keys_for_admin(request.user).get(pk=key.pk), form=form, error=error.message)
    url = reverse("api:key_edit", args=[key.pk])
    return done(request, notice=notice, url=url,
                fragment=lambda notice: _key_page(request, keys_for_admin(request.user).get(pk=key.pk), notice=notice))
