"""Issue 13, "Done when": axe reports 0 violations, moderate ones included, on every page and every
form with errors, for every role, in Finnish, Swedish and English, at desktop width.

On the training data (load_demo) each of the four demo roles logs in once per language (the
language is the ``django_language`` cookie, psop/middleware.py) and opens every page its role can
open, then submits the main forms empty or with bad input and runs axe on the page with the errors.
All violations of a role are gathered into one assertion message: page, role, language, rule ids.
"""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from core.dates import today
from payments import services as payment_services
from payments.models import Payment, PaymentRun
from reservations.models import Reservation
from vouchers.models import Voucher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-salasana"
DESKTOP = {"width": 1280, "height": 800}
LANGUAGES = ["fi", "sv", "en"]

# Rules axe may report on a page without failing this test, as (rule id, path prefix). Empty: every
# violation fails. An entry here must say why it is allowed and who decided.
ALLOWED: set[tuple[str, str]] = set()

HELP_PAGES = ["/ohje/", "/ohje/sanasto/", "/ohje/asiakas/", "/ohje/palveluvaraukset/", "/ohje/ostovoimat/",
              "/ohje/saldo-ostovoimat/"]


class Sweep:
    """One browser context per language for a role; records what axe finds."""

    def __init__(self, browser, live_server, axe, username):
        self.browser, self.live_server, self.axe, self.username = browser, live_server, axe, username
        self.failures: list[str] = []
        self.checks = 0

    def open(self, language):
        self.language = language
        self.context = self.browser.new_context(base_url=self.live_server.url, viewport=DESKTOP)
        self.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": self.live_server.url}])
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        return self.page

    def close(self):
        self.context.close()

    def log_in(self):
        page = self.page
        page.goto("/kirjaudu/")
        self.check("/kirjaudu/")
        page.locator("input[name=login]").fill(self.username)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/asiakas/")

    def check(self, label):
        self.checks += 1
        lang = self.page.evaluate("() => document.documentElement.lang")
        if lang != self.language:
            self.failures.append(f"{label} [{self.username}, {self.language}]: <html lang={lang!r}>")
        results = self.axe.run(self.page)
        path = label.split(" ")[0]
        ids = sorted(
            f"{v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if not any(v["id"] == rule and path.startswith(prefix) for rule, prefix in ALLOWED)
        )
        if ids:
            self.failures.append(f"{label} [{self.username}, {self.language}]: " + "; ".join(ids))

    def visit(self, path, status=200):
        response = self.page.goto(path)
        if response.status != status:
            self.failures.append(f"{path} [{self.username}, {self.language}]: HTTP {response.status}, expected {status}")
            return
        self.check(path)

    def submit_with_errors(self, path, form, label, fill=None):
        """Open ``path``, fill the form (or leave it empty), submit it past the browser's own checks
        and run axe on the page that shows the errors."""
        try:
            self._submit(path, form, label, fill)
        except Exception as error:  # noqa: BLE001 — one broken form must not hide the others' findings
            self.failures.append(f"{label} [{self.username}, {self.language}]: could not submit: {str(error)[:200]}")

    def _submit(self, path, form, label, fill):
        page = self.page
        page.goto(path)
        if fill:
            fill(page)
        with page.expect_response(lambda r: r.request.resource_type in ("document", "xhr", "fetch") and r.request.method in ("GET", "POST") and "/kirjaudu" not in r.url):
            page.locator(form).first.evaluate("f => { f.noValidate = true; f.requestSubmit(); }")
        try:
            page.locator("main .error-summary, main [aria-invalid=true], main .errorlist").first.wait_for(timeout=5_000)
        except Exception:  # noqa: BLE001 — reported as a failure of the sweep, not a crash
            self.failures.append(f"{label} [{self.username}, {self.language}]: no error shown after submitting")
        self.check(f"{path} ({label} with errors)")


def training_data(run_jobs):
    """load_demo, and last month's payment run computed, as the organiser's worker would."""
    call_command("load_demo")
    month = (today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    organiser = get_user_model().objects.get(username="jarjestaja")
    # Playwright's event loop runs in this thread; procrastinate's sync defer needs a thread without one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(payment_services.payment_run_start, user=organiser, month=month).result()
    run_jobs()
    return PaymentRun.objects.get(month=month, organiser__name="Esimerkin hyvinvointialue")


def pages_of(username, run) -> list[str]:
    reservation = Reservation.objects.get(voucher__number="1005")
    customer_id = Voucher.objects.get(number="1005").customer_id
    provider = username in ("tuottaja", "kirjaaja")
    admin = username in ("tuottaja", "jarjestaja-paakayttaja")
    pages = [
        "/asiakas/", "/palveluvaraukset/", "/ostovoimat/", "/saldo-ostovoimat/",
        "/asiakas/haku/?numero=1001", "/asiakas/haku/?numero=9876", "/asiakas/haku/?numero=2001",
        f"/palveluvaraukset/{reservation.pk}/", f"/palveluvaraukset/{reservation.pk}/tapahtuma/",
        "/salasana/vaihda/", "/ostovoimat/tuonti/", *HELP_PAGES,
    ]
    if username != "kirjaaja":
        pages += ["/ostovoimat/1001/palveluvaraus/", "/ostovoimat/2001/asiakkuus/"]
    if not provider:
        pages += [f"/asiakkaat/{customer_id}/", "/tapahtumat/tarkastettavat/", "/maksatus/", f"/maksatus/{run.pk}/"]
        # Myöntäminen (issue 22): the search, a new customer, a voucher's decision page, letter, change and close.
        pages += ["/myontaminen/", "/myontaminen/uusi-asiakas/", "/ostovoimat/1001/myonto/", "/ostovoimat/1001/paatos/",
                  "/ostovoimat/1001/muutos/", "/ostovoimat/1001/sulkeminen/"]
    if provider:
        pages += ["/ilmoitukset/"]
    if username == "jarjestaja-paakayttaja":
        pages += ["/loki/"]
    if admin:
        pages += ["/organisaatio/kayttajat/", "/organisaatio/kayttajat/uusi/", "/organisaatio/api-avaimet/"]
    # The customer's side (issue 25): the public comparison, with a value and with a bad one (its
    # error), and the customer's own page before identifying.
    organiser = Voucher.objects.get(number="1001").organiser_id
    service = Voucher.objects.get(number="1001").service_id
    compare = f"/vertaile/?jarjestaja={organiser}&palvelu={service}"
    pages += ["/vertaile/", f"{compare}&arvo=30,00&jarjestys=omavastuu", f"{compare}&arvo=abc", "/omat-palvelusetelit/"]
    if username == "tuottaja":
        pages += ["/organisaatio/esittely/", "/palveluvaraukset/valinnat/"]
    if username == "tuottaja":
        pages += ["/organisaatio/osat/", "/organisaatio/toimipaikat/", "/maksut/"]
        assert Payment.objects.filter(run=run, provider__name="Hoiva Esimerkki Oy").exists()
        pages += [f"/maksut/{run.pk}/"]
    return pages


def forms_of(username, reservation_id) -> list[tuple]:
    """(path, form selector, label, fill) of each form submitted with errors."""

    def bad_number(page):
        page.locator("#lookup-form input[name=numero]").fill("12ab")

    def bad_date(page):
        # Typed as in a browser without a date picker: the field takes 31.12.2026 too.
        page.locator("main form input[name=alkaen]").evaluate("input => { input.type = 'text'; input.value = '31.2.2020'; }")

    def bad_file(page):
        page.locator("main form input[type=file]").set_input_files(
            files=[{"name": "tapahtumat.csv", "mimeType": "text/csv", "buffer": b"\x00\x01 ei tapahtumia;;;\n"}]
        )

    forms = [
        ("/asiakas/", "#lookup-form", "lookup", bad_number),
        (f"/palveluvaraukset/{reservation_id}/tapahtuma/", "main form[method=post]", "Kirjaa tapahtuma", None),
        ("/salasana/vaihda/", "main form[method=post]", "password change", None),
        ("/ostovoimat/tuonti/", "main form[enctype='multipart/form-data']", "Tuo tapahtumia", bad_file),
    ]
    if username != "kirjaaja":
        forms += [
            ("/ostovoimat/1001/palveluvaraus/", "form.reservation-form", "Tee palveluvaraus", None),
            ("/ostovoimat/2001/asiakkuus/", "#lookup-result form[method=post]", "Luo asiakkuus", None),
        ]
    if username in ("jarjestaja", "jarjestaja-paakayttaja"):
        forms += [
            ("/myontaminen/", "main form.lookup-form", "Myönnä ostovoima", None),
            ("/myontaminen/uusi-asiakas/", "#new-customer-form", "Uusi asiakas", None),
            ("/ostovoimat/1001/muutos/", "main form[method=post]", "Muuta myöntöä", None),
        ]
    if username == "jarjestaja-paakayttaja":
        forms += [("/loki/", "main form.search-form", "Lokitiedot", bad_date)]
    if username in ("tuottaja", "jarjestaja-paakayttaja"):
        forms += [("/organisaatio/kayttajat/uusi/", "main form[method=post]", "user add", None)]
    return forms


@pytest.mark.parametrize("username", ["tuottaja", "kirjaaja", "jarjestaja", "jarjestaja-paakayttaja"])
def test_every_page_and_form_with_errors__no_axe_violations_in_fi_sv_en(browser, live_server, axe, run_jobs, username):
    run = training_data(run_jobs)
    reservation_id = Reservation.objects.get(voucher__number="1005").pk
    sweep = Sweep(browser, live_server, axe, username)
    for language in LANGUAGES:
        sweep.open(language)
        try:
            if username == "tuottaja":  # the 404 page logged out and logged in, once per language
                sweep.visit("/ei-tallaista-sivua/", status=404)
            sweep.log_in()
            if username == "tuottaja":
                sweep.visit("/ei-tallaista-sivua/", status=404)
            for path in pages_of(username, run):
                sweep.visit(path)
            for path, form, label, fill in forms_of(username, reservation_id):
                sweep.submit_with_errors(path, form, label, fill)
        finally:
            sweep.close()
    print(f"{username}: {sweep.checks} page checks in {len(LANGUAGES)} languages")
    assert not sweep.failures, f"{len(sweep.failures)} of {sweep.checks} checks failed:\n" + "\n".join(sweep.failures)
