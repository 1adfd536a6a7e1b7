"""Hakeutuminen's pages: the public rulebooks, sign-up by e-mail link, the application's form and
files, the review's three outcomes, and who gets an attachment."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from applications.files import MAX_BYTES
from applications.models import Application, ApplicationAttachment, ApplicationState, SignUp
from core.dates import today
from organisations.models import Membership, Provider
from tests.applications.scenarios import (
    PDF_BYTES,
    PNG_BYTES,
    filled_application,
    offered_service,
    organiser_admin,
    pdf,
    sent_application,
    signed_up_user,
    zip_bomb_pdf,
)
from tests.factories import OrganiserFactory, organiser_user, provider_user
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return organiser_admin(OrganiserFactory(name="Esimerkin hyvinvointialue"))


@pytest.fixture
def organiser(admin):
    return admin.membership.organiser


def test_public_organiser_page__no_login__services_rulebooks_prices_markdown_escaped(client, admin, organiser):
    service, rulebook = offered_service(admin)
    from applications import rulebooks
    from core.dates import today as today_

    rulebooks.rulebook_publish(user=admin, service=service, general_text="<script>alert(1)</script> **tärkeä**",
                               service_text="x", valid_from=today_(), accept_by=None, pricing="fixed",
                               prices=[rulebooks.RulebookPriceRow(c, Decimal("40")) for c in service.contents.all()])
    response = client.get(reverse("applications:public_organiser", args=[organiser.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Kotihoito" in text and "40,00" in text and "<strong>tärkeä</strong>" in text
    assert "<script>alert(1)" not in text and "&lt;script&gt;" in text
    assert client.get(reverse("applications:public_organisers")).status_code == 200


def test_signup__invalid_y_tunnus__finnish_message_nothing_saved(client):
    for value in ("1234567-8", "123", "abcdefg-h"):
        response = client.post(reverse("applications:signup"), {
            "ytunnus": value, "yritys": "Oy", "yhteyshenkilo": "Maija", "sahkoposti": "m@x.fi"})
        assert "ei ole kelvollinen" in response.content.decode()
    assert not SignUp.objects.exists() and not mail.outbox


def test_signup__confirmed_by_the_emailed_link__user_made_and_signed_in(client):
    response = client.post(reverse("applications:signup"), {
        "ytunnus": "15728600", "yritys": "Uusi Hoiva Oy", "yhteyshenkilo": "Maija Meikäläinen",
        "sahkoposti": "maija@uusihoiva.example"})
    assert response.status_code == 200 and len(mail.outbox) == 1
    assert SignUp.objects.get().business_id == "1572860-0"
    link = re.search(r"http://testserver(/hakeutuminen/vahvista/[^\s]+/)", mail.outbox[0].body).group(1)
    response = client.post(link, {"kayttajatunnus": "uusihoiva", "salasana": "vahva-salasana-2024!",
                                  "salasana2": "vahva-salasana-2024!"})
    assert response.status_code == 302 and response["Location"] == reverse("applications:mine")
    assert client.get(reverse("applications:mine")).status_code == 200
    # The link works once.
    assert client.get(link).status_code == 403


def test_signup__company_already_a_provider__told_to_ask_its_admin(client):
    provider = provider_user().membership.provider
    response = client.post(reverse("applications:signup"), {
        "ytunnus": provider.business_id, "yritys": "x", "yhteyshenkilo": "x", "sahkoposti": "x@x.fi"})
    assert "pääkäyttäjää" in response.content.decode()


def test_application_pages__applicant_saves_uploads_and_sends(client, admin, organiser):
    service, rulebook = offered_service(admin)
    user = signed_up_user()
    client.force_login(user)
    response = client.post(reverse("applications:mine"), {"jarjestaja": organiser.pk, "palvelu": service.pk})
    application = Application.objects.get()
    assert response["Location"] == reverse("applications:application", args=[application.pk])
    response = client.post(reverse("applications:application", args=[application.pk]), {
        "yhteyshenkilo": "Maija", "sahkoposti": "m@x.fi", "puhelin": "", "soteri": "S-1",
        "toimipaikka_0_nimi": "Keskusta", "toimipaikka_0_osoite": "Katu 1", "toimipaikka_0_kunta": "Tampere",
        "toimipaikka_0_kielet": ["fi"]})
    assert response.status_code == 302
    upload = SimpleUploadedFile("../../etc/todistus.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(reverse("applications:attachment_add", args=[application.pk]), {"liite": upload})
    assert response.status_code == 302
    assert ApplicationAttachment.objects.get().name == "todistus.pdf"  # the path stripped
    response = client.post(reverse("applications:send", args=[application.pk]), {"saantokirja": rulebook.pk})
    assert "Olen lukenut ja hyväksyn sääntökirjan" in response.content.decode()
    response = client.post(reverse("applications:send", args=[application.pk]),
                           {"saantokirja": rulebook.pk, "hyvaksyn": "on"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.SENT


@pytest.mark.parametrize(("upload", "message"), [
    (lambda: zip_bomb_pdf(), "pakattu arkisto"),
    (lambda: SimpleUploadedFile("kuva.pdf", PNG_BYTES), "ei vastaa sen nimeä"),
    (lambda: SimpleUploadedFile("teksti.pdf", b"hello"), "PDF-, JPEG- tai PNG"),
])
def test_attachment_add__bad_files__finnish_message_nothing_stored(client, admin, organiser, upload, message):
    service, _ = offered_service(admin)
    user = signed_up_user()
    application = filled_application(user, organiser, service, attach=False)
    client.force_login(user)
    response = client.post(reverse("applications:attachment_add", args=[application.pk]), {"liite": upload()})
    assert response.status_code == 422 and message in response.content.decode()
    assert not ApplicationAttachment.objects.exists()


def test_attachment_add__over_10_mb__cut_off_while_arriving(client, admin, organiser):
    service, _ = offered_service(admin)
    user = signed_up_user()
    application = filled_application(user, organiser, service, attach=False)
    client.force_login(user)
    big = SimpleUploadedFile("iso.pdf", PDF_BYTES + b"0" * MAX_BYTES)
    response = client.post(reverse("applications:attachment_add", args=[application.pk]), {"liite": big})
    assert response.status_code == 413 and "enintään 10 Mt" in response.content.decode()
    assert not ApplicationAttachment.objects.exists()


def test_attachment__served_only_to_the_applicant_and_the_organisers_admins(client, admin, organiser):
    service, rulebook = offered_service(admin)
    user = signed_up_user()
    application = sent_application(user, organiser, service, rulebook)
    attachment = application.attachments.get()
    url = reverse("applications:attachment", args=[attachment.pk])
    other_organiser = OrganiserFactory()
    who = {
        "applicant": (user, 200),
        "organiser admin": (admin, 200),
        "organiser staff of the same organiser": (organiser_user(organiser), 404),
        "another organiser's admin": (organiser_admin(other_organiser), 404),
        "another provider's admin": (provider_user(), 404),
        "another provider's recorder": (provider_user(role=Membership.Role.RECORDER), 404),
        "another signed-up company": (signed_up_user("1572861-9", "Toinen Oy", "toinen"), 404),
    }
    for label, (person, status) in who.items():
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == status, label
        if status == 200:
            assert response["Content-Disposition"].startswith('attachment; filename="todistus.pdf"')
            assert response["X-Content-Type-Options"] == "nosniff"
            assert b"".join(response.streaming_content) == PDF_BYTES
    client.logout()
    assert client.get(url).status_code == 302


def test_review_pages__queue_oldest_first_then_completion_then_approval(client, admin, organiser):
    service, rulebook = offered_service(admin)
    first = sent_application(signed_up_user(), organiser, service, rulebook)
    second = sent_application(provider_user(), organiser, service, rulebook)
    client.force_login(admin)
    text = client.get(reverse("applications:review_queue")).content.decode()
    assert text.index(first.company_name) < text.index(second.company_name)
    url = reverse("applications:review", args=[first.pk])
    response = client.post(url, {"toiminto": "taydenna", "taydennys": ""})
    assert "Kirjoita, mitä hakemuksesta puuttuu" in response.content.decode()
    assert client.post(url, {"toiminto": "taydenna", "taydennys": "Liitä todistus."}).status_code == 302
    first.refresh_from_db()
    assert first.state == ApplicationState.COMPLETION
    response = client.post(reverse("applications:review", args=[second.pk]),
                           {"toiminto": "hyvaksy", "alkaa": today().strftime("%d.%m.%Y"), "paattyy": ""})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.state == ApplicationState.APPROVED
    response = client.post(reverse("applications:review", args=[second.pk]),
                           {"toiminto": "hyvaksy", "alkaa": today().strftime("%d.%m.%Y"), "paattyy": ""})
    assert "Hakemus on jo käsitelty" in response.content.decode()


def test_rulebook_pages__admin_publishes_a_version_with_a_pdf(client, admin, organiser):
    service, _ = offered_service(admin)
    client.force_login(admin)
    url = reverse("applications:rulebook_add") + f"?palvelu={service.pk}"
    assert client.get(url).status_code == 200
    body = {"palvelu": service.pk, "yleinen": "Yleistä", "palveluosa": "Palvelusta", "alkaa": "1.1.2030",
            "hyvaksyttava": "", "hinnoittelu": "fixed", "liite": pdf("ehdot.pdf"),
            **{f"hinta_{c.pk}": "41,00" for c in service.contents.all()}}
    response = client.post(url, body)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "versio 2" in page


def test_pages__a_provider_sees_no_review_and_a_recorder_no_applications(client, admin):
    client.force_login(provider_user())
    assert client.get(reverse("applications:review_queue")).status_code == 404
    client.force_login(provider_user(role=Membership.Role.RECORDER))
    assert client.get(reverse("applications:mine")).status_code == 404


def test_login__signed_up_company_lands_on_its_applications(client):
    signed_up_user()
    response = client.post(reverse("login"), {"login": "uusihoiva", "password": "vahva-salasana-2024!"})
    assert response.status_code == 302 and response["Location"] == reverse("applications:mine")
