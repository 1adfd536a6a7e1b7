"""What `make bench` requests: every page a user can open, each by a user entitled to it.

``pages(objects, total)`` is the list; ``Objects`` holds the ids, numbers and tokens the pages are
requested with. scripts/bench.py reads them from the database (and makes what the data lacks: an
API key, a computed payment run); tests/test_bench_coverage.py fills them with placeholders and
compares the list's URL names with the access matrix's, so that a new page cannot go unmeasured.
Nothing here touches the database or sets Django up.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

# The bench's API keys (scripts/bench.py makes them, idempotently, and stores these secrets' hashes):
# the provider's key reads and lists its payments, the organiser's reads, lists payments and grants.
API_SECRETS = {
    "tuottaja": "psop_bench0p_make-bench-provider-key-not-a-secret-000000",
    "jarjestaja-paakayttaja": "psop_bench0o_make-bench-organiser-key-not-a-secret-00000",
}
DECISION_ID = "make-bench-1"  # the client system's decision id of the voucher "by decision" reads


class Page:
    """One timed request. ``user`` signs in over the login form, or with ``api`` is whose
    organisation's API key the request carries (no session). ``url_name`` names the URL where a
    path cannot: the API's GET and POST of one address are two operations of one pattern."""

    def __init__(self, label, user, path, *, method="GET", headers=None, body=None, ok=(200,), note="", api=False,
                 url_name=None):
        self.label, self.user, self.path, self.method = label, user, path, method
        self.headers = dict(headers or {})
        if api:
            self.headers["Authorization"] = f"Bearer {API_SECRETS[user]}"
        self.api = api
        self.body = body  # None, or a function of the round number giving (path, body)
        self.ok = ok
        self.note = note
        self.url_name = url_name
        self.times: list[float] = []
        self.app_ms: list[float] = []
        self.queries: set[int] = set()
        self.statuses: dict[int, int] = {}

    def request_for(self, round_number: int):
        if self.body is None:
            return self.path, None
        return self.body(round_number)

    @property
    def who(self) -> str:
        return f"API key ({self.user})" if self.api else self.user


def _hx(target: str) -> dict:
    return {"HX-Request": "true", "HX-Target": target, "HX-Current-URL": "http://127.0.0.1/"}


@dataclass(frozen=True)
class Objects:
    """The rows the pages show, by id or number. "The provider" is `tuottaja`'s, "the organiser"
    `jarjestaja`'s; each object is one its user may open."""

    last_name: str  # a common last name, for the searches
    shown_reservation: int  # a reservation of the provider (voucher 1005's in the training data)
    lookup_number: str  # a voucher the provider looks up ("1001")
    recordable: list[tuple[int, int]]  # (reservation, its voucher content): one event POSTed to each
    fresh_capitation: list[str]  # capitation vouchers without a customership: one customership each
    office: int | None  # the provider's office for those customerships
    unreserved_number: str  # a service voucher the provider may reserve (the reservation form)
    own_number: str  # a voucher of the organiser (its decision pages)
    own_customer: int  # that voucher's customer
    customer_hetu: str  # ... and henkilötunnus (the Myöntäminen search)
    customer_token: str  # ... signed for `jarjestaja` (grants.views.customer_token): the decision form
    grant_service: int  # a service the organiser grants, of kind service voucher
    grant_content: int  # ... and one of its contents
    member: int  # another user of the provider (`kirjaaja`)
    service: int  # a service in the organiser's registers, its agreement with the provider and price list
    agreement: int
    price_list: int
    event: int  # an event of the provider on a recordable reservation (the edit form)
    credit_event: int  # an event of the organiser (the credit form)
    customership: int  # the provider's customership on the organiser's voucher (end, transfer)
    run: int  # the organiser's computed payment run that pays the provider
    api_key: int  # the provider's API key (its page)
    application: int  # the provider's application to the organiser, sent (its page; the organiser admin's review)
    application_attachment: int  # ... and a file of it
    rulebook: int  # the organiser's rulebook for ``service`` (newest version)
    organiser: int = 1  # the organiser of `jarjestaja` (the public comparison of its providers of ``grant_service``)

    @classmethod
    def placeholder(cls, total: int) -> "Objects":
        """Made-up ids and numbers that resolve to the pages' URLs: what the coverage test compares."""
        return cls(
            last_name="Virtanen", shown_reservation=1, lookup_number="1001", recordable=[(1, 1)] * total,
            fresh_capitation=["2001"] * total, office=1, unreserved_number="1002", own_number="1003", own_customer=1,
            customer_hetu="010190-123A", customer_token="token", grant_service=1, grant_content=1, member=1, service=1,
            agreement=1, price_list=1, event=1, credit_event=1, customership=1, run=1, api_key=1, application=1,
            application_attachment=1, rulebook=1,
        )


def pages(o: Objects, total: int, *, today: dt.date) -> list[Page]:
    """The pages in the table's order, each POST's body made for the ``total`` rounds it is sent in."""
    day = today.strftime("%Y-%m-%d")
    fi_day = today.strftime("%d.%m.%Y")
    name = urlencode({"haku": o.last_name})
    result = [
        # Issue 10's table: the provider's daily pages.
        Page("Asiakas", "tuottaja", "/asiakas/"),
        Page("lookup 1001 (the voucher card)", "tuottaja", f"/asiakas/haku/?numero={o.lookup_number}"),
        Page('reservation "+" fragment', "tuottaja", f"/palveluvaraukset/{o.shown_reservation}/",
             headers=_hx(f"reservation-{o.shown_reservation}")),
        Page("Palveluvaraukset (provider)", "tuottaja", "/palveluvaraukset/"),
        Page("Palveluvaraukset (organiser)", "jarjestaja", "/palveluvaraukset/"),
        Page("Palveluvaraukset search by name", "tuottaja", f"/palveluvaraukset/?{name}"),
        # What an organiser's staff do every day: find a customer by name among the organiser's
        # reservations, and the events waiting for their review.
        Page("search by name (organiser)", "jarjestaja", f"/palveluvaraukset/?{name}"),
        Page("Tarkastettavat (organiser)", "jarjestaja", "/tapahtumat/tarkastettavat/"),
        Page("Ostovoimat (provider)", "tuottaja", "/ostovoimat/"),
        Page("Ostovoimat (organiser)", "jarjestaja", "/ostovoimat/"),
        Page("Saldo-ostovoimat", "tuottaja", "/saldo-ostovoimat/"),
    ]
    record = o.recordable
    if len(record) >= total:
        result.append(Page(
            "record an event (POST)", "tuottaja", "/palveluvaraukset/…/tapahtuma/", method="POST", headers=_hx("panel"),
            body=lambda n: (f"/palveluvaraukset/{record[n][0]}/tapahtuma/", {
                "paivamaara": day, "sisalto": record[n][1], "maara": "0,25", "lisatieto": "make bench"}),
        ))
    else:
        first = record[0][0] if record else o.shown_reservation
        result.append(Page("record an event (GET form)", "tuottaja", f"/palveluvaraukset/{first}/tapahtuma/",
                           note=f"only {len(record)} recordable reservations: the form, not a POST"))
    fresh = o.fresh_capitation
    if len(fresh) >= total and o.office is not None:
        result.append(Page(
            "create a customership (POST)", "tuottaja", "/ostovoimat/…/asiakkuus/", method="POST",
            headers=_hx("lookup-result"),
            body=lambda n: (f"/ostovoimat/{fresh[n]}/asiakkuus/", {
                "toimipaikka": o.office, "alkaa": day, "sopimusehdot": "on", "sopimussuhde": "on"}),
        ))
    else:
        number = fresh[0] if fresh else "2001"
        result.append(Page("create a customership (GET form)", "tuottaja", f"/ostovoimat/{number}/asiakkuus/",
                           headers=_hx("lookup-result"),
                           note=f"only {len(fresh)} fresh capitation vouchers: the form, not a POST"))
    result += [
        Page("Lokitiedot", "jarjestaja-paakayttaja", "/loki/"),
        Page("Maksatus (payment runs)", "jarjestaja", "/maksatus/"),
        Page("admin: vouchers changelist", "admin", "/admin/vouchers/voucher/"),
        Page("admin: events changelist", "admin", "/admin/events/event/"),
        # Issue 21 and 22's pages: identification, granting, the registers.
        Page("Organisaatio: Tunnistautuminen", "jarjestaja-paakayttaja", "/organisaatio/tunnistautuminen/"),
        Page("Organisaatio: Kutsu käyttäjä (form)", "jarjestaja-paakayttaja", "/organisaatio/kayttajat/kutsu/"),
        Page("Myöntäminen", "jarjestaja", "/myontaminen/"),
        Page("Muuta myöntöä (form)", "jarjestaja", f"/ostovoimat/{o.own_number}/muutos/"),
        Page("decision letter", "jarjestaja", f"/ostovoimat/{o.own_number}/paatos/"),
        Page("decision letter (PDF)", "jarjestaja", f"/ostovoimat/{o.own_number}/paatos.pdf"),
        Page("Organisaatio: Palvelut", "jarjestaja-paakayttaja", "/organisaatio/palvelut/"),
        Page("Organisaatio: Sopimukset", "jarjestaja-paakayttaja", "/organisaatio/sopimukset/"),
        # Granting (issue 22: a grant in at most 25 queries and 8× the floor). The search POSTs the
        # henkilötunnus and is sent on to the decision form; "Myönnä ostovoima" makes a new voucher
        # for the same customer each round and goes to its page.
        Page("Myöntäminen: search by henkilötunnus (POST)", "jarjestaja", "/myontaminen/", method="POST",
             body=lambda n: ("/myontaminen/", {"henkilotunnus": o.customer_hetu}), ok=(302,)),
        Page("Myöntäminen: the decision form", "jarjestaja", f"/myontaminen/myonna/?asiakas={o.customer_token}"),
        Page("Myönnä ostovoima (POST)", "jarjestaja", "/myontaminen/myonna/", method="POST", ok=(302,),
             body=lambda n: ("/myontaminen/myonna/", {
                 "asiakas": o.customer_token, "palvelu": o.grant_service,
                 "voimassa_alkaen": fi_day, "voimassa_asti": (today + dt.timedelta(days=364)).strftime("%d.%m.%Y"),
                 "paatoksen_numero": f"BENCH-{n}", "paatoksen_paivamaara": fi_day,
                 f"maara_{o.grant_content}": "10", f"jakso_{o.grant_content}": "month",
                 f"arvo_{o.grant_content}": "38,00"})),
        Page("Myöntäminen: Lisää asiakas (form)", "jarjestaja", "/myontaminen/uusi-asiakas/"),
        Page("granted voucher's page", "jarjestaja", f"/ostovoimat/{o.own_number}/myonto/"),
        Page("Sulje ostovoima (form)", "jarjestaja", f"/ostovoimat/{o.own_number}/sulkeminen/"),
        # The organiser's customer and the provider's forms on a voucher, a reservation, an event
        # and a customership.
        Page("customer's page (organiser)", "jarjestaja", f"/asiakkaat/{o.own_customer}/"),
        Page("Tee palveluvaraus (form)", "tuottaja", f"/ostovoimat/{o.unreserved_number}/palveluvaraus/"),
        Page("Muokkaa tapahtumaa (form)", "tuottaja", f"/tapahtumat/{o.event}/muokkaa/"),
        Page("Hyvitä tapahtuma (form)", "jarjestaja", f"/tapahtumat/{o.credit_event}/hyvita/"),
        Page("Siirrä asiakkuus (form)", "jarjestaja", f"/asiakkuudet/{o.customership}/siirto/"),
        Page("Päätä asiakkuus (form)", "tuottaja", f"/asiakkuudet/{o.customership}/paattaminen/"),
        Page("Tuo tapahtumia (form)", "tuottaja", "/ostovoimat/tuonti/"),
        Page("Tuo tapahtumia: CSV template", "tuottaja", "/ostovoimat/tuonti/malli.csv"),
        Page("Tuo tapahtumia: XLSX template", "tuottaja", "/ostovoimat/tuonti/malli.xlsx"),
        # Payments: the organiser's run and its exports; the provider's "Maksut".
        Page("Maksatus: a run", "jarjestaja", f"/maksatus/{o.run}/"),
        Page("Maksatus: CSV", "jarjestaja", f"/maksatus/{o.run}/maksatus.csv"),
        Page("Maksatus: XLSX", "jarjestaja", f"/maksatus/{o.run}/maksatus.xlsx"),
        Page("Maksut (provider)", "tuottaja", "/maksut/"),
        Page("Maksut: a payment", "tuottaja", f"/maksut/{o.run}/"),
        Page("Maksut: CSV", "tuottaja", f"/maksut/{o.run}/maksut.csv"),
        Page("Maksut: XLSX", "tuottaja", f"/maksut/{o.run}/maksut.xlsx"),
        Page("Ilmoitukset", "tuottaja", "/ilmoitukset/"),
        # Organisaatio (the provider's admin; the organiser admin's registers).
        Page("Organisaatio: Käyttäjät", "tuottaja", "/organisaatio/kayttajat/"),
        Page("Organisaatio: Lisää käyttäjä (form)", "tuottaja", "/organisaatio/kayttajat/uusi/"),
        Page("Organisaatio: a user", "tuottaja", f"/organisaatio/kayttajat/{o.member}/"),
        Page("Organisaatio: a user's identification", "tuottaja",
             f"/organisaatio/kayttajat/{o.member}/tunnistautuminen/"),
        Page("Organisaatio: Osat", "tuottaja", "/organisaatio/osat/"),
        Page("Organisaatio: Toimipaikat", "tuottaja", "/organisaatio/toimipaikat/"),
        Page("Organisaatio: Esittely", "tuottaja", "/organisaatio/esittely/"),
        Page("Organisaatio: API-avaimet", "tuottaja", "/organisaatio/api-avaimet/"),
        Page("Organisaatio: an API key", "tuottaja", f"/organisaatio/api-avaimet/{o.api_key}/"),
        Page("Organisaatio: a service", "jarjestaja-paakayttaja", f"/organisaatio/palvelut/{o.service}/"),
        Page("Organisaatio: Lisää oma palvelu (form)", "jarjestaja-paakayttaja", "/organisaatio/palvelut/uusi/"),
        Page("Organisaatio: an agreement", "jarjestaja-paakayttaja", f"/organisaatio/sopimukset/{o.agreement}/"),
        Page("Organisaatio: Lisää sopimus (form)", "jarjestaja-paakayttaja", "/organisaatio/sopimukset/uusi/"),
        Page("Organisaatio: a price list", "jarjestaja-paakayttaja", f"/organisaatio/hinnastot/{o.price_list}/"),
        Page("Organisaatio: Lisää hinnasto (form)", "jarjestaja-paakayttaja",
             f"/organisaatio/sopimukset/{o.agreement}/hinnastot/uusi/"),
        # Hakeutuminen (issue 24): the provider's applications, the organiser admin's rulebooks and review.
        Page("Hakemukset (provider)", "tuottaja", "/hakemukset/"),
        Page("Hakemukset: an application", "tuottaja", f"/hakemukset/{o.application}/"),
        Page("Hakemukset: an attachment (PDF)", "tuottaja", f"/hakemukset/liitteet/{o.application_attachment}/"),
        Page("Organisaatio: Sääntökirjat", "jarjestaja-paakayttaja", "/organisaatio/saantokirjat/"),
        Page("Organisaatio: Julkaise sääntökirja (form)", "jarjestaja-paakayttaja",
             f"/organisaatio/saantokirjat/uusi/?{urlencode({'palvelu': o.service})}"),
        Page("Organisaatio: a rulebook", "jarjestaja-paakayttaja", f"/organisaatio/saantokirjat/{o.rulebook}/"),
        Page("Organisaatio: Hakemukset (review queue)", "jarjestaja-paakayttaja", "/organisaatio/hakemukset/"),
        Page("Organisaatio: an application to review", "jarjestaja-paakayttaja",
             f"/organisaatio/hakemukset/{o.application}/"),
        # The public comparison (issue 25): the organiser's providers of a service, with a voucher value.
        Page("Vertaile palveluntuottajia", "tuottaja", "/vertaile/?" + urlencode(
            {"jarjestaja": o.organiser, "palvelu": o.grant_service, "arvo": "38,00", "jarjestys": "omavastuu"})),
        Page("Asiakkaan valinnat (provider)", "tuottaja", "/palveluvaraukset/valinnat/"),
        # Every signed-in user's own pages: the password, the help, the session dialog's poll.
        Page("Vaihda salasana (form)", "tuottaja", "/salasana/vaihda/"),
        Page("password changed", "tuottaja", "/salasana/vaihda/valmis/"),
        Page("Ohje", "tuottaja", "/ohje/"),
        Page("Ohje: Sanasto", "tuottaja", "/ohje/sanasto/"),
        Page("Ohje: Asiakas", "tuottaja", "/ohje/asiakas/"),
        Page("session dialog's poll (JSON)", "tuottaja", "/istunto/"),
        # The REST API's reads, with the organisations' keys.
        Page("API: reservations", "tuottaja", "/api/v1/reservations", api=True, url_name="api-v1:reservation_list"),
        Page("API: events", "tuottaja", "/api/v1/events", api=True, url_name="api-v1:event_list"),
        Page("API: a voucher", "tuottaja", f"/api/v1/vouchers/{o.lookup_number}", api=True,
             url_name="api-v1:voucher_get"),
        Page("API: payments (provider)", "tuottaja", "/api/v1/payments", api=True, url_name="api-v1:payment_list"),
        Page("API: payments (organiser)", "jarjestaja-paakayttaja", "/api/v1/payments", api=True,
             url_name="api-v1:payment_list"),
        Page("API: a run's lines", "jarjestaja-paakayttaja", f"/api/v1/payments/{o.run}/lines", api=True,
             url_name="api-v1:payment_lines"),
        Page("API: a voucher by decision", "jarjestaja-paakayttaja",
             f"/api/v1/vouchers/by-decision?{urlencode({'decision_id': DECISION_ID})}", api=True,
             url_name="api-v1:voucher_by_decision"),
    ]
    return result
