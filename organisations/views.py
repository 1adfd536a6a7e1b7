"""Organisaatio: an organisation's admin manages its own users, and a provider's admin its units and
offices. For anyone else (recorders, staff, other organisations' admins) the pages do not exist: 404."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError
from core.htmx import done, render_page
from organisations import permissions, services
from organisations.forms import MemberActionForm, OfficeForm, ProfileForm, UnitForm, UserAddForm
from organisations.selectors import (
    admin_membership,
    is_locked_out,
    locked_usernames,
    organisation_member,
    organisation_members,
    organisation_offices,
    organisation_provider,
    organisation_units,
)


def _done(request, notice: str, url: str, page):
    """After a change: the page again as a fragment (htmx), else a redirect with the notice."""
    return done(request, notice=notice, url=url, fragment=lambda notice: page(notice=notice))


def _users_page(request, *, notice=""):
    members = list(organisation_members(request.user))
    locked = locked_usernames(m.user.username for m in members)
    rows = [(member, member.user.username in locked) for member in members]
    context = {"tab": "organisation", "rows": rows, "notice": notice}
    return render_page(request, "organisations/users.html", context)


@require_GET
@permissions.organisation_admin_required
def org_users(request):
    """The organisation's members: name, username, role, active, locked out."""
    return _users_page(request)


@require_http_methods(["GET", "POST"])
@permissions.organisation_admin_required
def org_user_add(request):
    membership = admin_membership(request.user)
    form = UserAddForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = services.org_user_create(
                user=request.user, username=data["kayttajatunnus"], first_name=data["etunimi"],
                last_name=data["sukunimi"], email=data["sahkoposti"], role=data["rooli"],
                password=data["salasana"], request=request,
            )
        except DomainError as error:
            form.add_error(error.params.get("field"), error.message)
        else:
            notice = _("Käyttäjä %(username)s lisätty.") % {"username": new.username}
            return _done(request, notice, reverse("organisations:users"), lambda notice: _users_page(request, notice=notice))
    return render_page(request, "organisations/user_add.html", {"tab": "organisation", "form": form})


def _member_page(request, member, *, form=None, notice="", error=""):
    membership = admin_membership(request.user)
    context = {
        "tab": "organisation",
        "member": member,
        "locked": is_locked_out(member.user.username),
        "form": form or MemberActionForm(membership=membership, initial={"rooli": permissions.role_of(member)}),
        "notice": notice,
        "error": error,
    }
    return render_page(request, "organisations/user_edit.html", context)


@require_http_methods(["GET", "POST"])
@permissions.organisation_admin_required
def org_user_edit(request, user_id):
    """A member: change role, deactivate or reactivate, unlock (hidden field "toiminto")."""
    member = organisation_member(request.user, user_id)
    if member is None:
        raise Http404
    if request.method == "GET":
        return _member_page(request, member)
    form = MemberActionForm(request.POST, membership=admin_membership(request.user))
    if not form.is_valid():
        return _member_page(request, member, form=form, error=_("Tarkista tiedot."))
    action = form.cleaned_data["toiminto"]
    try:
        if action == "rooli":
            services.org_member_set_role(user=request.user, member_user=member.user,
                                         role=form.cleaned_data["rooli"], request=request)
            notice = _("Rooli vaihdettu.")
        elif action == "avaa_lukitus":
            services.org_member_unlock(user=request.user, member_user=member.user, request=request)
            notice = _("Lukitus avattu; käyttäjä voi kirjautua taas.")
        else:
            active = action == "palauta"
            services.org_member_set_active(user=request.user, member_user=member.user, active=active, request=request)
            notice = _("Käyttäjä otettu käyttöön.") if active else _("Käyttäjä poistettu käytöstä.")
    except DomainError as error:
        return _member_page(request, organisation_member(request.user, user_id), error=error.message)
    url = reverse("organisations:user_edit", args=[user_id])
    return _done(request, notice, url,
                 lambda notice: _member_page(request, organisation_member(request.user, user_id), notice=notice))


def _units_page(request, *, form=None, notice="", error=""):
    context = {"tab": "organisation", "units": organisation_units(request.user),
               "form": form or UnitForm(initial={"toiminto": "lisaa"}), "notice": notice, "error": error}
    return render_page(request, "organisations/units.html", context)


@require_http_methods(["GET", "POST"])
@permissions.provider_admin_required
def org_units(request):
    """The provider's units: add one, rename one. The default unit stays the default."""
    if request.method == "GET":
        return _units_page(request)
    form = UnitForm(request.POST)
    if not form.is_valid():
        return _units_page(request, form=form, error=_("Tarkista tiedot."))
    data = form.cleaned_data
    try:
        if data["toiminto"] == "nimea":
            unit = organisation_units(request.user).filter(pk=data["osa"]).first()
            if unit is None:
                raise Http404
            services.org_unit_rename(user=request.user, unit=unit, name=data["nimi"], request=request)
            notice = _("Osa nimetty uudelleen.")
        else:
            services.org_unit_create(user=request.user, name=data["nimi"], request=request)
            notice = _("Osa lisätty.")
    except DomainError as error:
        return _units_page(request, form=form if data["toiminto"] == "lisaa" else None, error=error.message)
    return _done(request, notice, reverse("organisations:units"), lambda notice: _units_page(request, notice=notice))


def _offices_page(request, *, form=None, notice="", error=""):
    context = {"tab": "organisation", "offices": organisation_offices(request.user),
               "form": form or OfficeForm(initial={"toiminto": "lisaa"}), "notice": notice, "error": error}
    return render_page(request, "organisations/offices.html", context)


@require_http_methods(["GET", "POST"])
@permissions.provider_admin_required
def org_offices(request):
    """The provider's offices: add one, edit one's name and address."""
    if request.method == "GET":
        return _offices_page(request)
    form = OfficeForm(request.POST)
    if not form.is_valid():
        return _offices_page(request, form=form, error=_("Tarkista tiedot."))
    data = form.cleaned_data
    fields = {"name": data["nimi"], "street_address": data["katuosoite"], "municipality": data["kunta"],
              "postal_code": data["postinumero"]}
    try:
        if data["toiminto"] == "muokkaa":
            office = organisation_offices(request.user).filter(pk=data["toimipaikka"]).first()
            if office is None:
                raise Http404
            services.org_office_update(user=request.user, office=office, request=request, **fields)
            notice = _("Toimipaikan tiedot tallennettu.")
        else:
            services.org_office_create(user=request.user, request=request, **fields)
            notice = _("Toimipaikka lisätty.")
    except DomainError as error:
        return _offices_page(request, form=form if data["toiminto"] == "lisaa" else None, error=error.message)
    return _done(request, notice, reverse("organisations:offices"), lambda notice: _offices_page(request, notice=notice))


def _profile_page(request, *, form=None, notice="", error=""):
    provider = organisation_provider(request.user)
    form = form or ProfileForm(initial={"kuvaus": provider.description, "kielet": provider.languages})
    context = {"tab": "organisation", "provider": provider, "form": form, "notice": notice, "error": error}
    return render_page(request, "organisations/profile.html", context)


@require_http_methods(["GET", "POST"])
@permissions.provider_admin_required
def org_profile(request):
    """Esittely: what customers read of the provider on the public comparison."""
    if request.method == "GET":
        return _profile_page(request)
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, form=form, error=_("Tarkista tiedot."))
    try:
        services.org_provider_profile_set(user=request.user, description=form.cleaned_data["kuvaus"],
                                          languages=form.cleaned_data["kielet"], request=request)
    except DomainError as error:
        return _profile_page(request, form=form, error=error.message)
    return _done(request, _("Esittely tallennettu."), reverse("organisations:profile"),
                 lambda notice: _profile_page(request, notice=notice))
