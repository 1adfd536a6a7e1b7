"""Issue 21: an identity is bound to a PSOP user only through a one-time invitation. "An invitation
used twice, expired, or for a user of another organisation → refused." Through identity.services,
the Organisaatio pages and the link page, and end to end with the local IdP (psop.idp)."""

import datetime as dt
import json
import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.assurance import SESSION_KEY
from core.errors import DomainError, ErrorCode
from identity import selectors, services
from identity.models import Invitation, token_digest
from organisations.models import Membership
from tests.factories import ProviderFactory, provider_user
from tests.identity.conftest import (
    LOA2,
    PROVIDER_ID,
    UUNOS_HETU,
    at_idp,
    closed_port,
    oidc_app,
    sign_in_at_idp,
    signed_in_user_id,
    use_providers,
)

pytestmark = pytest.mark.django_db

INVALID = DomainError(ErrorCode.INVITATION_INVALID).message
NOT_BOUND = DomainError(ErrorCode.IDENTITY_NOT_BOUND).message
BOUND_ELSEWHERE = DomainError(ErrorCode.IDENTITY_BOUND_ELSEWHERE).message


def _admin(provider=None):
    return provider_user(provider or ProviderFactory(), role=Membership.Role.PROVIDER_ADMIN)


def _invite(admin, member):
    """A new invitation of ``member`` by ``admin``: the invitation and its link's path."""
    invitation, token = services.invitation_create(user=admin, member_user=member)
    return invitation, reverse("identity:invitation", args=[token])


def _open_link(client, link: str) -> str:
    """The invitee opens the link and presses the provider's button: the IdP's authorize URL."""
    response = client.post(link, {"tunnistuspalvelu": PROVIDER_ID})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def _past(invitation, *, days_ago: int = 1) -> None:
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=now - dt.timedelta(days=days_ago + 7), expires_at=now - dt.timedelta(days=days_ago))


def _identities(user) -> list[tuple[str, str]]:
    return list(SocialAccount.objects.filter(user=user).values_list("provider", "uid"))


# --- services ---------------------------------------------------------------------------------------

def test_invitation_create__a_one_time_link_open_for_invitation_days(settings):
    settings.INVITATION_DAYS = 7
    admin = _admin()
    member = provider_user(admin.membership.provider, role=Membership.Role.RECORDER)

    invitation, token = services.invitation_create(user=admin, member_user=member)

    assert invitation.user == member and invitation.invited_by == admin
    assert invitation.token_digest == token_digest(token) != token
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=7)
    assert selectors.open_invitation(token) == invitation
    assert AuditEntry.objects.filter(user=admin, what__contains=f"{member.username}: kutsu tunnistautumiseen").exists()


def test_invitation_create__a_second_invitation_withdraws_the_first(client):
    admin = _admin()
    member = provider_user(admin.membership.provider)
    first, first_link = _invite(admin, member)

    second, second_link = _invite(admin, member)

    first.refresh_from_db()
    assert first.withdrawn_at is not None and first.used_at is None
    assert second.is_open()
    assert client.get(first_link).status_code == 403
    assert client.get(second_link).status_code == 200


def test_two_open_invitations_of_one_user__the_database_refuses():
    admin = _admin()
    member = provider_user(admin.membership.provider)
    first, _ = _invite(admin, member)

    with pytest.raises(IntegrityError, match="invitation_one_open_per_user"), transaction.atomic():
        Invitation.objects.create(user=member, invited_by=admin, token_digest=token_digest("toinen"),
                                  created_at=first.created_at, expires_at=first.expires_at)


def test_an_open_invitation_beside_used_and_withdrawn_ones__allowed_by_the_database():
    admin = _admin()
    member = provider_user(admin.membership.provider)
    now = timezone.now()
    Invitation.objects.create(user=member, token_digest=token_digest("a"), expires_at=now + dt.timedelta(days=1),
                              withdrawn_at=now)
    Invitation.objects.create(user=member, token_digest=token_digest("b"), expires_at=now + dt.timedelta(days=1),
                              used_at=now, bound_provider=PROVIDER_ID, bound_subject="x")

    _invite(admin, member)

    assert Invitation.objects.filter(user=member).count() == 3


def test_invitation_create__for_a_user_of_another_organisation__refused():
    admin = _admin()
    stranger = provider_user(ProviderFactory())

    with pytest.raises(DomainError) as refused:
        services.invitation_create(user=admin, member_user=stranger)

    assert refused.value.code == ErrorCode.INVITATION_NOT_MEMBER
    assert not Invitation.objects.exists()


def test_invitation_create__by_a_user_who_is_no_admin__refused():
    recorder = provider_user(role=Membership.Role.RECORDER)
    colleague = provider_user(recorder.membership.provider, role=Membership.Role.RECORDER)

    with pytest.raises(DomainError) as refused:
        services.invitation_create(user=recorder, member_user=colleague)

    assert refused.value.code == ErrorCode.NOT_ALLOWED
    assert not Invitation.objects.exists()


def test_invitation_create__for_an_inactive_member__refused():
    admin = _admin()
    member = provider_user(admin.membership.provider, is_active=False)

    with pytest.raises(DomainError) as refused:
        services.invitation_create(user=admin, member_user=member)

    assert refused.value.code == ErrorCode.USER_INACTIVE
    assert not Invitation.objects.exists()


def test_invitation_withdraw_and_identity_unbind__by_an_admin_of_another_organisation__refused():
    admin = _admin()
    member = provider_user(admin.membership.provider)
    invitation, _ = _invite(admin, member)
    identity = SocialAccount.objects.create(provider=PROVIDER_ID, uid="kalle-kirjaaja", user=member)
    stranger = _admin()

    with pytest.raises(DomainError) as withdraw:
        services.invitation_withdraw(user=stranger, member_user=member)
    with pytest.raises(DomainError) as unbind:
        services.identity_unbind(user=stranger, member_user=member, identity_id=identity.pk)

    assert withdraw.value.code == unbind.value.code == ErrorCode.NOT_MEMBER
    invitation.refresh_from_db()
    assert invitation.is_open()
    assert SocialAccount.objects.filter(pk=identity.pk).exists()


def test_identity_unbind__of_another_members_identity__not_found():
    admin = _admin()
    member = provider_user(admin.membership.provider)
    other = provider_user(admin.membership.provider)
    identity = SocialAccount.objects.create(provider=PROVIDER_ID, uid="kalle-kirjaaja", user=other)

    with pytest.raises(DomainError) as refused:
        services.identity_unbind(user=admin, member_user=member, identity_id=identity.pk)

    assert refused.value.code == ErrorCode.NOT_FOUND
    assert SocialAccount.objects.filter(pk=identity.pk).exists()


# --- the Organisaatio pages -----------------------------------------------------------------------

def test_invite_page__creates_a_user_without_password_and_shows_the_link(client):
    admin = _admin()
    client.force_login(admin)

    response = client.post(reverse("identity:invite"), {
        "kayttajatunnus": "uuno.uusi", "etunimi": "Uuno", "sukunimi": "Uusi", "sahkoposti": "",
        "rooli": Membership.Role.RECORDER,
    })

    assert response.status_code == 200, response.content[:500]
    invited = Membership.objects.get(provider=admin.membership.provider, user__username="uuno.uusi").user
    assert not invited.has_usable_password()
    [link] = re.findall(r'value="(http://testserver/kutsu/[^"/]+/)"', response.content.decode())
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert selectors.open_invitation(token).user == invited


def test_member_page__of_another_organisations_user__404_and_nothing_changes(client):
    member = provider_user(ProviderFactory())
    invitation, _ = _invite(_admin(member.membership.provider), member)
    identity = SocialAccount.objects.create(provider=PROVIDER_ID, uid="kalle-kirjaaja", user=member)
    client.force_login(_admin())
    url = reverse("identity:member", args=[member.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"toiminto": "kutsu"}).status_code == 404
    assert client.post(url, {"toiminto": "peru"}).status_code == 404
    assert client.post(url, {"toiminto": "poista", "tunnistus": identity.pk}).status_code == 404

    assert list(Invitation.objects.filter(user=member)) == [invitation]
    invitation.refresh_from_db()
    assert invitation.is_open()
    assert SocialAccount.objects.filter(pk=identity.pk).exists()


def test_member_page__of_a_user_who_is_no_admin__refused(client):
    recorder = provider_user(role=Membership.Role.RECORDER)
    colleague = provider_user(recorder.membership.provider)
    client.force_login(recorder)

    response = client.post(reverse("identity:member", args=[colleague.pk]), {"toiminto": "kutsu"})

    assert response.status_code in (403, 404)
    assert not Invitation.objects.exists()




def test_member_page__a_new_link_shown_once(client):
    admin = _admin()
    member = provider_user(admin.membership.provider)
    first, first_link = _invite(admin, member)
    client.force_login(admin)

    response = client.post(reverse("identity:member", args=[member.pk]), {"toiminto": "kutsu"})

    assert response.status_code == 200
    [link] = re.findall(r'value="http://testserver(/kutsu/[^"/]+/)"', response.content.decode())
    assert "Uusi kutsulinkki luotu." in response.content.decode()
    assert Client().get(link).status_code == 200
    assert Client().get(first_link).status_code == 403


def test_member_page__withdraws_the_open_invitation(client):
    admin = _admin()
    member = provider_user(admin.membership.provider)
    invitation, link = _invite(admin, member)
    client.force_login(admin)

    response = client.post(reverse("identity:member", args=[member.pk]), {"toiminto": "peru"})

    assert response.status_code in (200, 302)
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None
    assert Client().get(link).status_code == 403


def test_member_page__unbinds_an_identity(client):
    admin = _admin()
    member = provider_user(admin.membership.provider)
    identity = SocialAccount.objects.create(provider=PROVIDER_ID, uid="kalle-kirjaaja", user=member)
    client.force_login(admin)

    response = client.post(reverse("identity:member", args=[member.pk]), {"toiminto": "poista", "tunnistus": identity.pk})

    assert response.status_code in (200, 302)
    assert not SocialAccount.objects.filter(pk=identity.pk).exists()


def test_member_page__an_invalid_action__400(client):
    admin = _admin()
    member = provider_user(admin.membership.provider)
    client.force_login(admin)

    response = client.post(reverse("identity:member", args=[member.pk]), {"toiminto": "tuntematon"})

    assert response.status_code == 400
    assert "Virheellinen pyyntö." in response.content.decode()


# --- the link page --------------------------------------------------------------------------------

def test_invitation_page__names_the_organisation_and_shows_a_button_per_provider(settings, client):
    use_providers(settings, oidc_app(f"http://127.0.0.1:{closed_port()}"))
    admin = _admin()
    member = provider_user(admin.membership.provider, first_name="Uuno", last_name="Uusi")
    _, link = _invite(admin, member)

    response = client.get(link)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Tervetuloa, Uuno Uusi." in body
    assert str(admin.membership.provider) in body
    assert f'name="tunnistuspalvelu" value="{PROVIDER_ID}"' in body
    assert "Kirjaudu organisaation tunnuksella" in body


@pytest.mark.parametrize("state", ["used", "expired", "withdrawn", "unknown"])
def test_invitation_page__a_used_expired_withdrawn_or_unknown_link__refused(client, state):
    admin = _admin()
    member = provider_user(admin.membership.provider)
    invitation, link = _invite(admin, member)
    if state == "used":
        Invitation.objects.filter(pk=invitation.pk).update(used_at=timezone.now(), bound_provider=PROVIDER_ID,
                                                           bound_subject="uuno-uusi")
    elif state == "expired":
        _past(invitation)
    elif state == "withdrawn":
        services.invitation_withdraw(user=admin, member_user=member)
    else:
        link = reverse("identity:invitation", args=["x" * 43])

    get, post = client.get(link), client.post(link, {"tunnistuspalvelu": PROVIDER_ID})

    for response in (get, post):
        assert response.status_code == 403
        assert INVALID in response.content.decode()
    assert services.SESSION_INVITATION not in client.session


def test_invitation_page__an_unknown_provider__404_and_nothing_remembered(settings, client):
    use_providers(settings, oidc_app(f"http://127.0.0.1:{closed_port()}"))
    admin = _admin()
    _, link = _invite(admin, provider_user(admin.membership.provider))

    assert client.post(link, {"tunnistuspalvelu": "tuntematon"}).status_code == 404
    assert services.SESSION_INVITATION not in client.session


def test_invitation_page__provider_down__back_to_the_link_with_the_finnish_message(settings, client):
    use_providers(settings, oidc_app(f"http://127.0.0.1:{closed_port()}"))
    admin = _admin()
    invitation, link = _invite(admin, provider_user(admin.membership.provider))

    response = client.post(link, {"tunnistuspalvelu": PROVIDER_ID})

    assert response.status_code == 302 and response["Location"] == link
    assert "Tunnistuspalvelu ei vastannut." in client.get(link).content.decode()
    invitation.refresh_from_db()
    assert invitation.is_open()


# --- end to end with the local IdP ----------------------------------------------------------------

def test_invitation_end_to_end__uuno_binds_his_identity_and_signs_in(with_idp):
    admin_client = Client()
    admin = _admin()
    admin_client.force_login(admin)
    created = admin_client.post(reverse("identity:invite"), {
        "kayttajatunnus": "uuno.uusi", "etunimi": "Uuno", "sukunimi": "Uusi", "sahkoposti": "",
        "rooli": Membership.Role.PROVIDER_ADMIN,
    })
    [link] = re.findall(r'value="http://testserver(/kutsu/[^"/]+/)"', created.content.decode())
    invited = Membership.objects.get(user__username="uuno.uusi").user
    browser = Client()

    response = browser.get(at_idp(_open_link(browser, link), "uuno-uusi"))

    assert response.status_code == 302, response.content[:500]
    assert signed_in_user_id(browser) == str(invited.pk)
    assert browser.session[SESSION_KEY]["method"] == "oidc"
    assert _identities(invited) == [(PROVIDER_ID, "uuno-uusi")]
    invitation = Invitation.objects.get(user=invited)
    assert invitation.used_at is not None
    assert (invitation.bound_provider, invitation.bound_subject) == (PROVIDER_ID, "uuno-uusi")
    assert AuditEntry.objects.filter(user=invited, what__contains="tunnistautumistapa testidp liitetty kutsulla").exists()
    stored = json.dumps(SocialAccount.objects.get(user=invited).extra_data)
    assert UUNOS_HETU not in stored and "urn:oid:1.2.246.21" not in stored
    # The link worked once.
    assert Client().get(link).status_code == 403
    # What the user does now is audit-logged with how they signed in.
    browser.post(reverse("identity:identification"), {"tuki": "tuki@testihoiva.example.fi"})
    row = AuditEntry.objects.filter(user=invited, what__contains="Tunnistautuminen").latest("pk")
    assert row.auth_method.startswith(f"OpenID Connect ({PROVIDER_ID}; acr {LOA2}")
    # And the identity signs him in again, without an invitation.
    again = Client()
    assert again.get(sign_in_at_idp(again, "uuno-uusi")).status_code == 302
    assert signed_in_user_id(again) == str(invited.pk)


def test_invitation_used_twice__opened_in_two_browsers__the_second_refused(with_idp, caplog):
    admin = _admin()
    member = provider_user(admin.membership.provider)
    invitation, link = _invite(admin, member)
    first, second = Client(), Client()
    first_callback = at_idp(_open_link(first, link), "uuno-uusi")
    second_callback = at_idp(_open_link(second, link), "niina-naapuri")
    assert first.get(first_callback).status_code == 302

    response = second.get(second_callback)

    assert response.status_code == 403
    assert INVALID in response.content.decode()
    assert signed_in_user_id(second) is None
    assert _identities(member) == [(PROVIDER_ID, "uuno-uusi")]
    assert not SocialAccount.objects.filter(uid="niina-naapuri").exists()
    assert "identity testidp/niina-naapuri refused: invitation_invalid" in caplog.messages
    invitation.refresh_from_db()
    assert invitation.bound_subject == "uuno-uusi"


@pytest.mark.parametrize("ended", ["expired", "withdrawn"])
def test_invitation_ended_while_the_person_was_at_the_idp__refused_nothing_bound(with_idp, ended, caplog):
    admin = _admin()
    member = provider_user(admin.membership.provider)
    invitation, link = _invite(admin, member)
    browser = Client()
    callback = at_idp(_open_link(browser, link), "uuno-uusi")
    if ended == "expired":
        _past(invitation)
    else:
        services.invitation_withdraw(user=admin, member_user=member)

    response = browser.get(callback)

    assert response.status_code == 403
    assert INVALID in response.content.decode()
    assert signed_in_user_id(browser) is None
    assert not SocialAccount.objects.exists()
    invitation.refresh_from_db()
    assert invitation.used_at is None
    assert "identity testidp/uuno-uusi refused: invitation_invalid" in caplog.messages


def test_invitation_with_an_identity_bound_to_another_user__refused_nothing_bound(with_idp, caplog):
    admin = _admin()
    tiina = provider_user(admin.membership.provider)
    SocialAccount.objects.create(provider=PROVIDER_ID, uid="tiina-tuottaja", user=tiina)
    member = provider_user(admin.membership.provider)
    invitation, link = _invite(admin, member)
    browser = Client()

    response = browser.get(at_idp(_open_link(browser, link), "tiina-tuottaja"))

    assert response.status_code == 403
    assert BOUND_ELSEWHERE in response.content.decode()
    assert signed_in_user_id(browser) is None
    assert _identities(member) == []
    assert _identities(tiina) == [(PROVIDER_ID, "tiina-tuottaja")]
    invitation.refresh_from_db()
    assert invitation.used_at is None and invitation.is_open()
    assert "identity testidp/tiina-tuottaja refused: identity_bound_elsewhere" in caplog.messages


def test_invitation_of_a_user_of_another_organisation_cannot_be_made_so_no_link_binds_there(with_idp, client):
    """An admin's invitation for another organisation's user is refused at creation: there is no
    link, and the other user's identity is bound by nothing."""
    stranger = provider_user(ProviderFactory())
    client.force_login(_admin())

    response = client.post(reverse("identity:member", args=[stranger.pk]), {"toiminto": "kutsu"})

    assert response.status_code == 404
    assert not Invitation.objects.filter(user=stranger).exists()


def test_unbind__the_identity_no_longer_signs_in(with_idp):
    admin = _admin()
    member = provider_user(admin.membership.provider)
    identity = SocialAccount.objects.create(provider=PROVIDER_ID, uid="kalle-kirjaaja", user=member)
    before = Client()
    assert before.get(sign_in_at_idp(before, "kalle-kirjaaja")).status_code == 302

    services.identity_unbind(user=admin, member_user=member, identity_id=identity.pk)

    assert not SocialAccount.objects.filter(pk=identity.pk).exists()
    assert AuditEntry.objects.filter(user=admin, what__contains="tunnistautumistapa testidp poistettu").exists()
    browser = Client()
    refused = browser.get(sign_in_at_idp(browser, "kalle-kirjaaja"))
    assert refused.status_code == 403
    assert NOT_BOUND in refused.content.decode()
    assert signed_in_user_id(browser) is None
