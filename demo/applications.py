"""Hakeutuminen in the training data (issue 24): the organiser's rulebooks and a provider's sent
application, made through applications' services as its users would (load_demo; scripts/bench.py
when a database loaded before them lacks them).

The organiser admin publishes version 1 of a rulebook for every service the organiser has
agreements for, every content priced so that each agreed price is within it: the highest price of
the organiser's price lists, fixed where the table below says so, else the most a provider may ask.
The provider admin accepts the rulebook of one service it sells, and applies for a service of the
organiser it has no agreement for (Siivous: voucher 1002's "no agreement" in the training guide),
with its offices, its prices under the maximum and a PDF attached, sent with the rulebook accepted:
the organiser admin finds it in Organisaatio → Hakemukset. Idempotent: what exists is kept (a
rulebook per service, the application per service), and a stored attachment whose file is missing
(MEDIA_ROOT emptied, another checkout) is written again under its name."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.utils.text import slugify
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from applications import rulebooks, services
from applications.models import Application, Pricing, Rulebook, RulebookAcceptance
from organisations import permissions
from vouchers.models import PriceListItem, Service, ServiceAgreement, ServiceContent

# The service the provider applies for, and the rulebook it accepts of a service it sells already.
APPLIED_SERVICE = "Siivous"
ACCEPTED_SERVICE = "Kotihoito"
# A rulebook's version 1 applies from this many days back (after the agreements began).
RULEBOOK_AGE_DAYS = 60
# The applicant asks this share of the rulebook's maximum price.
ASKED_SHARE = Decimal("0.95")

GENERAL_TEXT = """# Yleiset ehdot

Palvelunjärjestäjä: **{organiser}**

Tämä sääntökirja koskee palveluntuottajia, jotka tuottavat palvelunjärjestäjän palveluseteli- ja
ostopalveluja PSOP-järjestelmän kautta. Sääntökirja on osa palveluntuottajan ja
palvelunjärjestäjän välistä sopimusta.

## Palveluntuottajan edellytykset

* Palveluntuottaja on merkitty ennakkoperintärekisteriin, ja sen toiminta on rekisteröity
  Soteri-rekisteriin (sosiaali- ja terveydenhuollon palveluntuottajien rekisteri).
* Palveluntuottajalla on voimassa oleva vastuuvakuutus, ja se hoitaa lakisääteiset velvoitteensa
  (verot, eläke- ja tapaturmavakuutusmaksut). Tilaajavastuulain mukaiset selvitykset toimitetaan
  pyydettäessä.
* Henkilöstöllä on tehtävään vaadittava koulutus ja kielitaito; terveydenhuollon ammattihenkilöt
  on merkitty Valviran JulkiTerhikkiin.

## Asiakkaan asema

Asiakas valitsee palveluntuottajan itse. Palveluntuottaja tekee asiakkaan kanssa kirjallisen
sopimuksen ennen palvelun alkamista ja kertoo asiakkaalle palvelun hinnan, palvelusetelin arvon ja
asiakkaan omavastuuosuuden.

## Laskutus ja maksatus

Toteutuneet käynnit ja suoritteet kirjataan PSOPiin tapahtumina viimeistään seuraavan
kuukauden viidentenä päivänä. Palvelunjärjestäjä maksaa hyväksytyt tapahtumat kuukausittain.
Asiakkaalta saa periä vain omavastuuosuuden; palvelusetelin arvoa ylittävää osuutta ei saa periä
muuna maksuna.

## Omavalvonta ja tietosuoja

Palveluntuottajalla on julkinen omavalvontasuunnitelma. Asiakastiedot ovat
palvelunjärjestäjän rekisteriä; niitä käsitellään vain palvelun tuottamiseksi.

## Sääntökirjan muuttaminen

Palvelunjärjestäjä voi muuttaa sääntökirjaa julkaisemalla uuden version. Palveluntuottaja hyväksyy
uuden version PSOPissa sen ilmoittamaan päivään mennessä; muuten sopimus päättyy sinä päivänä.
"""

# Per service: how it is priced in the rulebook, and its own section (Markdown).
SERVICE_TEXTS = {
    "Kotihoito": (Pricing.PROVIDER, """# Kotihoito

Palvelusetelillä ostetaan säännöllistä kotihoitoa asiakkaan hoito- ja palvelusuunnitelman mukaan.

* Käynnin kesto on vähintään 30 minuuttia; tuntiveloitus alkavalta puolelta tunnilta.
* Ensimmäinen käynti tehdään viiden arkipäivän kuluessa palvelun tilaamisesta.
* Palveluntuottaja on tavoitettavissa arkisin klo 8–16 ja ilmoittaa peruuntuvasta käynnistä
  asiakkaalle viimeistään edellisenä päivänä.
* Lääkehoito toteutetaan palveluntuottajan lääkehoitosuunnitelman mukaan.
"""),
    "Siivous": (Pricing.PROVIDER, """# Siivous

Palvelusetelillä ostetaan kodin ylläpitosiivousta asiakkaalle, joka ei itse suoriudu siivouksesta.

* Siivouskerta kestää 2–3 tuntia asunnon koon mukaan ja sisältää imuroinnin, lattioiden
  pesun, pölyjen pyyhinnän sekä keittiön ja kylpyhuoneen pintojen puhdistuksen.
* Palveluntuottaja tuo siivousvälineet ja -aineet; hajusteettomat aineet pyydettäessä.
* Siivous tehdään sovittuna arkipäivänä joka toinen viikko.
"""),
    "Terveysaseman palvelut": (Pricing.PROVIDER, """# Terveysaseman palvelut

Kapitaatiokorvauksella palveluntuottaja vastaa listautuneen asiakkaan perustason
terveyspalveluista.

* Kiireetön hoito alkaa 14 vuorokauden kuluessa hoidon tarpeen arvioinnista.
* Terveysasema on avoinna arkisin vähintään klo 8–16; puhelinpalvelu vastaa samana päivänä.
* Asiakkaan valinta sitoo vuoden; tuottaja ei voi päättää asiakkuutta sinä aikana.
"""),
    "Omaishoidon vapaa": (Pricing.FIXED, """# Omaishoidon vapaa

Saldo-ostovoimalla ostetaan omaishoitajan lakisääteisten vapaapäivien ajaksi sijaishoitoa
asiakkaan kotiin.

* Hinta on euro euroa kohti: saldoa käytetään palvelun todellisen hinnan verran.
* Sijaishoitaja perehtyy asiakkaan hoitoon omaishoitajan kanssa ennen ensimmäistä vapaata.
"""),
    "Tehostettu palveluasuminen": (Pricing.PROVIDER, """# Tehostettu palveluasuminen

Ostopalveluna hankitaan ympärivuorokautista palveluasumista asiakkaille, joiden hoidon tarve on
suuri.

* Henkilöstömitoitus on vähintään 0,6 hoitotyöntekijää asiakasta kohti.
* Hinta sisältää asumisen, hoivan, ateriat ja tukipalvelut; vuokra laskutetaan erikseen.
* Asiakkaalla on oma huone ja kylpyhuone.
"""),
}
DEFAULT_SERVICE_TEXT = (Pricing.PROVIDER, """# {service}

Palvelu tuotetaan asiakkaan palvelu- ja hoitosuunnitelman mukaan. Palveluntuottaja kirjaa
toteutuneen palvelun PSOPiin ja ilmoittaa muutoksista asiakkaalle ja palvelunjärjestäjälle.
""")


def certificate_pdf(company: str, business_id: str, year: int) -> bytes:
    """A one-page PDF (ReportLab): the applicant's liability insurance certificate, invented."""
    out = BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=True)
    page.setTitle("Vastuuvakuutustodistus")
    lines = [
        ("Helvetica-Bold", 16, "Vastuuvakuutustodistus"),
        ("Helvetica", 11, f"Vakuutuksenottaja: {company} ({business_id})"),
        ("Helvetica", 11, "Vakuutus: toiminnan vastuuvakuutus, sosiaali- ja terveyspalvelut"),
        ("Helvetica", 11, f"Voimassa: 1.1.{year} – 31.12.{year}"),
        ("Helvetica", 11, "Vakuutusmäärä: 1 000 000 € vahinkoa kohti"),
        ("Helvetica", 9, "Koulutusaineiston esimerkki: ei oikea vakuutustodistus."),
    ]
    y = 780
    for font, size, text in lines:
        page.setFont(font, size)
        page.drawString(72, y, text)
        y -= size * 2
    page.showPage()
    page.save()
    return out.getvalue()


def _organiser_services(organiser_id: int):
    """The services the organiser has agreements for."""
    ids = ServiceAgreement.objects.filter(organiser_id=organiser_id).values("service_id")
    return Service.objects.filter(pk__in=ids).order_by("name", "pk")


def _ceiling(organiser_id: int, content: ServiceContent) -> Decimal:
    """The highest price of the content in the organiser's price lists: every agreed price is within it."""
    return PriceListItem.objects.filter(
        content=content, price_list__agreement__organiser_id=organiser_id,
    ).aggregate(top=Max("unit_price"))["top"] or Decimal("0.00")


def rulebooks_publish(*, admin, today: dt.date) -> dict[str, Rulebook]:
    """Version 1 of a rulebook for each service the admin's organiser has agreements for, where
    the organiser has none yet; the newest version of each, by service name."""
    organiser_id = permissions.organiser_id_of(admin)
    organiser = permissions.membership_of(admin).organiser
    found = {}
    for service in _organiser_services(organiser_id):
        latest = rulebooks.latest_rulebook(organiser_id, service.pk)
        if latest is None:
            pricing, text = SERVICE_TEXTS.get(service.name, DEFAULT_SERVICE_TEXT)
            prices = [rulebooks.RulebookPriceRow(content, _ceiling(organiser_id, content))
                      for content in ServiceContent.objects.filter(service=service).order_by("name", "pk")]
            latest = rulebooks.rulebook_publish(
                user=admin, service=service, general_text=GENERAL_TEXT.format(organiser=organiser.name),
                service_text=text.format(service=service.name), valid_from=today - dt.timedelta(days=RULEBOOK_AGE_DAYS),
                accept_by=None, pricing=pricing, prices=prices)
        found[service.name] = latest
    return found


def _restore_files(application: Application, data: bytes) -> None:
    for attachment in application.attachments.all():
        storage = attachment.file.storage
        if not storage.exists(attachment.file.name):
            storage.save(attachment.file.name, ContentFile(data))


def application_sent(*, applicant, rulebook: Rulebook, today: dt.date) -> Application:
    """The applicant's (a provider admin's) application for the rulebook's service, filled in from
    its provider's offices, a PDF attached, and sent with the rulebook accepted; the existing one
    if the provider has applied for it already."""
    provider = permissions.membership_of(applicant).provider
    pdf = certificate_pdf(provider.name, provider.business_id, today.year)
    existing = Application.objects.filter(provider=provider, organiser_id=rulebook.organiser_id,
                                          service_id=rulebook.service_id).order_by("pk").first()
    if existing is not None:
        _restore_files(existing, pdf)
        return existing
    application = services.application_create(user=applicant, organiser_id=rulebook.organiser_id,
                                              service=rulebook.service)
    prices = {}
    if rulebook.pricing == Pricing.PROVIDER:
        prices = {row.content_id: (row.unit_price * ASKED_SHARE).quantize(Decimal("0.01"))
                  for row in rulebook.prices.all()}
    offices = [services.OfficeData(office.name, office.street_address, office.municipality, ("fi", "sv"))
               for office in provider.offices.order_by("name")]
    services.application_update(
        user=applicant, application=application, contact_name=applicant.get_full_name() or applicant.username,
        email=applicant.email or f"{applicant.username}@{slugify(provider.name)}.example", phone="040 123 4567",
        soteri_id=f"SOTERI-{provider.business_id}", offices=offices, prices=prices)
    services.attachment_add(user=applicant, application=application, upload=SimpleUploadedFile(
        f"Vastuuvakuutustodistus {today.year}.pdf", pdf, content_type="application/pdf"))
    return services.application_send(user=applicant, application=application, rulebook_id=rulebook.pk, accepted=True)


def _may_accept(applicant, rulebook: Rulebook, today: dt.date) -> bool:
    """Not accepted yet, and the applicant's provider sells the service (its agreement in force)."""
    provider_id = permissions.provider_id_of(applicant)
    agreements = rulebooks.agreements_of_service(rulebook.organiser_id, rulebook.service_id, today)
    return (agreements.filter(provider_id=provider_id).exists()
            and not RulebookAcceptance.objects.filter(rulebook=rulebook, provider_id=provider_id).exists())


def load(*, admin, applicant, today: dt.date) -> Application:
    """The organiser admin's rulebooks, the applicant's acceptance of one of them and its sent
    application (see the module's docstring); returns the application."""
    published = rulebooks_publish(admin=admin, today=today)
    accepted = published.get(ACCEPTED_SERVICE)
    if accepted is not None and _may_accept(applicant, accepted, today):
        rulebooks.rulebook_accept(user=applicant, rulebook=accepted)
    return application_sent(applicant=applicant, rulebook=published[APPLIED_SERVICE], today=today)
