"""Scenes of hakeutuminen: an organiser that offers a service (a published rulebook), applicants of
both kinds, files good and bad, and an application at each step."""

import datetime as dt
import io
import zlib
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from applications import rulebooks, services, signups
from applications.models import Pricing
from core.dates import today
from organisations.models import Membership
from tests.factories import OrganiserFactory, ProviderFactory, ServiceContentFactory, ServiceFactory, organiser_user, provider_user

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x00" * 30
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40 + b"\xff\xd9"


def pdf(name="todistus.pdf", data=PDF_BYTES):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def zip_bomb_pdf(name="liite.pdf"):
    """A zip archive named .pdf: a megabyte of zeros, deflated (a bomb's shape, smaller)."""
    raw = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nollia.bin", b"\x00" * 1_000_000)
    return SimpleUploadedFile(name, raw.getvalue(), content_type="application/pdf")


def deflate_bomb_pdf(name="pommi.pdf", inflated=300 * 1024 * 1024):
    """A real PDF header and trailer around a stream that inflates past the limit."""
    compressor = zlib.compressobj(9)
    chunk = b"\x00" * (1024 * 1024)
    body = b"".join(compressor.compress(chunk) for _ in range(inflated // len(chunk))) + compressor.flush()
    data = b"%PDF-1.4\n1 0 obj<</Filter/FlateDecode>>stream\n" + body + b"\nendstream endobj\n%%EOF\n"
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def organiser_admin(organiser=None, **kwargs):
    return organiser_user(organiser or OrganiserFactory(), role=Membership.Role.ORGANISER_ADMIN, **kwargs)


def offered_service(admin, *, pricing=Pricing.FIXED, accept_by=None, service=None, price=Decimal("40.00")):
    """A service with two contents and the organiser's rulebook for it (version 1, or the next)."""
    if service is None:
        service = ServiceFactory(name="Kotihoito")
        ServiceContentFactory(service=service, name="Kotihoidon käynti")
        ServiceContentFactory(service=service, name="Kotihoidon tunti", unit="hour")
    prices = [rulebooks.RulebookPriceRow(content, price) for content in service.contents.order_by("name")]
    rulebook = rulebooks.rulebook_publish(
        user=admin, service=service, general_text="# Yleistä\n\nNoudata lakia.", service_text="* Käynnit kirjataan.",
        valid_from=today(), accept_by=accept_by, pricing=pricing, prices=prices)
    return service, rulebook


def signed_up_user(business_id="1572860-0", name="Uusi Hoiva Oy", username="uusihoiva"):
    signup, token = signups.signup_create(business_id=business_id, company_name=name, contact_name="Maija Meikäläinen",
                                          email="maija@uusihoiva.example")
    return signups.signup_confirm(token=token, username=username, password="vahva-salasana-2024!")


def filled_application(user, organiser, service, *, prices=None, attach=True):
    """A draft with its details, one office and (optionally) a PDF, ready to send."""
    application = services.application_create(user=user, organiser_id=organiser.pk, service=service)
    services.application_update(
        user=user, application=application, contact_name="Maija Meikäläinen", email="maija@uusihoiva.example",
        phone="040 123", soteri_id="SOTERI-123",
        offices=[services.OfficeData("Keskusta", "Kauppakatu 1", "Tampere", ("fi", "sv"))], prices=prices or {})
    if attach:
        services.attachment_add(user=user, application=application, upload=pdf())
    return application


def sent_application(user, organiser, service, rulebook, **kwargs):
    application = filled_application(user, organiser, service, **kwargs)
    return services.application_send(user=user, application=application, rulebook_id=rulebook.pk, accepted=True)


def agreement_from(admin, provider, service, start=None):
    from registers.services import agreement_create

    return agreement_create(user=admin, provider=provider, service=service, valid_from=start or today() - dt.timedelta(days=30),
                            valid_to=None)


__all__ = ["ProviderFactory", "provider_user", "JPEG_BYTES", "PNG_BYTES"]
