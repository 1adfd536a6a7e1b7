"""Bad input to every URL of the product (hypothesis): no 500, no partial write.

Every URL comes from the resolver (tests/security/urlmap.py), the entitled user sends it: query
strings of arbitrary keys and values to every URL; to every URL that accepts POST, bodies in which
each field (from the page's own form and the matrix's valid body) is missing, valid, or replaced by
arbitrary text ('\\x00', very long, unicode, SQL-ish), numbers or dates in odd formats; and to every
URL with parameters, arbitrary parameter values. Each example runs in a savepoint rolled back after
it, so the scenario is built once per URL. A write is allowed only with a success answer (a
redirect), and every row written must pass full_clean().
"""

import re
from urllib.parse import quote

import pytest
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from customers.models import Customership
from events.models import Event
from reservations.models import Reservation
from tests.factories import OfficeFactory, ProviderFactory, price_everything, provider_user
from tests.security.urlmap import ROUTES, answer_text, build_victim, product_urls, state

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,  # the same examples on every run: a red build is reproducible
    database=None,  # no example database in the repository; failures print their example
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # No shrinking: a failing request is reported as it was sent, and a red run stays short.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
# GET-only pages are many and some are slow to render; fewer examples keep the file under a minute.
FUZZ_GET = settings(FUZZ, max_examples=6)

URLS = {url.name: url for url in product_urls()}
NAMES = sorted(URLS, key=str)
COMMON_KEYS = ["haku", "sivu", "jalkeen", "ennen", "numero", "piilota", "palveluntuottaja", "palvelusisalto", "tapahtumavaraus",
               "asiakas", "kayttaja", "alkaen", "asti", "next"]

NASTY = [
    "\x00", "a\x00b", "'; DROP TABLE vouchers_voucher; --", "' OR '1'='1", '" OR ""="', "%00", "%", "_",
    "<script>alert(1)</script>", "{{ 7*7 }}", "${7*7}", "\u202e", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "١٢٣", "１２３", "ÅÄÖåäö",
    "", " ", "\n", "\t", "x" * 20_000, "9" * 300, "-1", "0", "NaN", "Infinity", "-Infinity", "1e309", "None", "null",
]
ODD_DATES = [
    "31.02.2024", "29.2.2023", "29.2.2024", "0000-00-00", "9999-12-31", "31.12.9999", "1.1.1", "01.01.0001",
    "0001-01-01", "2024-13-01", "32.1.2024", "01/02/2024", "2024/02/01", "huomenna", "00.00.0000", "1.1.99",
    "31.12.99", "2024-02-30T00:00", "1.1.10000", "-1.1.2024",
]
texts = st.one_of(st.sampled_from(NASTY), st.text(max_size=60))
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.sampled_from(["1,5", "1.5", "0,001", "1 000", "1e3", "0x10", "1,234,5", "+1", "٣", "½"]),
)
dates = st.one_of(
    st.sampled_from(ODD_DATES),
    st.dates().map(lambda d: f"{d.day}.{d.month}.{d.year}"),
    st.dates().map(lambda d: d.isoformat()),
)
# The known-nasty values first: hypothesis tries them early and shrinks towards them.
values = st.one_of(st.sampled_from(NASTY + ODD_DATES), texts, numbers, dates)
MISSING = object()
# A write answered by the page itself, not a redirect: a new API key's secret is shown once, on the
# answer to the form, and never passes through a message or a session.
# Pages that show a secret once (an API key, an invitation's link) answer the write with the page itself.
SHOWN_ONCE = (r"/organisaatio/api-avaimet/", r"/organisaatio/kayttajat/kutsu/", r"/organisaatio/kayttajat/\d+/tunnistautuminen/")


def _form_fields(html: str) -> set[str]:
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', html))
    return names - {"csrfmiddlewaretoken"}


def _body(data, fields: dict[str, str]) -> dict:
    """Each field missing, valid, fuzzed, or sent twice."""
    body = {}
    for name, valid in sorted(fields.items()):
        choice = data.draw(st.sampled_from(["missing", "valid", "fuzz", "fuzz", "twice"]), label=name)
        if choice == "valid":
            body[name] = valid
        elif choice == "fuzz":
            body[name] = data.draw(values, label=name)
        elif choice == "twice":
            body[name] = [valid, data.draw(values, label=name)]
    for _ in range(data.draw(st.integers(0, 2), label="extra keys")):
        body[data.draw(st.text(min_size=1, max_size=10), label="key")] = data.draw(values, label="value")
    return body


def _user(victim, route):
    return None if route.scope == "public" else victim.entitled(route.entitled)


def _login(client, user):
    if user is None:
        client.logout()
    else:
        client.force_login(user)


def _rows_are_valid():
    for model in (Reservation, Customership, Event):
        for row in model.objects.all():
            row.full_clean()


def _try(client, method, path, payload, *, headers=None):
    """The request in a savepoint that is rolled back: (status, wrote)."""
    with transaction.atomic():
        before = state()
        send = client.get if method == "GET" else client.post
        response = send(path, payload, headers=headers or {})
        after = state()
        if after != before:
            _rows_are_valid()
        transaction.set_rollback(True)
    assert response.status_code < 500, f"{method} {path} {payload!r}: {response.status_code}"
    if after != before:
        assert method == "POST", f"GET {path} {payload!r} wrote to the database"
        if any(re.fullmatch(pattern, path) for pattern in SHOWN_ONCE) and response.status_code == 200:
            return response
        assert response.status_code == 302, (
            f"POST {path} {payload!r} wrote to the database but answered {response.status_code}:\n"
            + answer_text(response)[:2000]
        )
    return response


def _path(name, kwargs) -> str:
    """The URL with these parameter values; one its converters refuse is built by hand
    (and must then answer 404 like any unknown address)."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        route = URLS[name].route
        for param, value in kwargs.items():
            route = re.sub(rf"<(?:\w+:)?{param}>", quote(str(value), safe=""), route)
        return "/" + route


@pytest.fixture
def victim():
    return build_victim()


@pytest.fixture
def target(client, victim, name):
    """The URL as its entitled user sends it, the fields its forms have, and whether it takes POST."""
    assert name in ROUTES, f"add {name} to the access matrix (tests/security/urlmap.py ROUTES)"
    route = ROUTES[name]
    path = reverse(name, kwargs=route.kwargs(victim))
    user = _user(victim, route)
    _login(client, user)
    page = client.get(path, route.queries(victim)[0])
    fields = {key: "" for key in _form_fields(answer_text(page))}  # answer_text: a download streams
    fields.update(route.post(victim) if route.post is not None else {})
    with transaction.atomic():
        accepts_post = client.post(path, {}).status_code != 405
        transaction.set_rollback(True)
    _login(client, user)
    return {"route": route, "path": path, "user": user, "fields": fields, "accepts_post": accepts_post}


@pytest.mark.parametrize("name", NAMES)
@FUZZ
@given(data=st.data())
def test_fuzz__every_form__arbitrary_bodies__no_500_and_no_partial_write(client, victim, name, target, data):
    if not target["accepts_post"]:
        pytest.skip("answers 405 to POST: no form")
    _login(client, target["user"])
    _try(client, "POST", target["path"], _body(data, target["fields"]))


@pytest.mark.parametrize("name", NAMES)
@FUZZ_GET
@given(data=st.data())
def test_fuzz__every_url__arbitrary_query_strings_and_parameters__no_500_and_no_write(client, victim, name, target, data):
    keys = sorted(set(COMMON_KEYS) | set(target["fields"]))
    query = {key: data.draw(values, label=key) for key in keys if data.draw(st.booleans(), label=f"send {key}")}
    _login(client, target["user"])
    _try(client, "GET", target["path"], query)

    url = URLS[name]
    if not url.params:
        return
    kwargs = {}
    for param, converter in url.params.items():
        if converter == "int":
            kwargs[param] = data.draw(st.integers(min_value=0, max_value=10**40), label=param)
        else:
            text = st.one_of(st.sampled_from([v for v in NASTY if v.strip()]), st.text(min_size=1, max_size=40))
            kwargs[param] = data.draw(text.filter(lambda value: "/" not in value), label=param)
    path = _path(name, kwargs)
    _login(client, target["user"])
    _try(client, "GET", path, {})
    if target["accepts_post"]:
        _login(client, target["user"])
        _try(client, "POST", path, target["fields"])


# --- inputs the fuzzing found, kept as plain tests ---------------------------------------------------


@pytest.mark.parametrize("name", ["reservations:list", "events:vouchers", "events:balance_vouchers"])
def test_bad_input__nul_byte_in_the_search__no_500(client, victim, name):
    client.force_login(victim.provider_b_admin)
    _try(client, "GET", reverse(name), {"haku": "Salainen\x00"})


@pytest.mark.parametrize("name", ["reservations:create", "customers:create", "grants:close"])
def test_bad_input__nul_byte_in_the_voucher_number_of_the_url__no_500(client, victim, name):
    route = ROUTES[name]
    client.force_login(victim.entitled(route.entitled))
    response = _try(client, "GET", _path(name, {"number": "1\x00"}), {})
    assert response.status_code == 404


def test_bad_input__audit_log_search_until_the_last_day_of_year_9999__no_500(client, victim):
    client.force_login(victim.organiser_y_admin)
    _try(client, "GET", reverse("vouchers:audit_log"), {"asti": "31.12.9999"})


def test_bad_input__lock_in_until_year_9999__other_providers_still_get_answers(client, victim):
    """A lock-in may be typed to end on 31.12.9999; the "earliest switch" is the day after it."""
    client.force_login(victim.provider_b_admin)
    body = {**ROUTES["customers:create"].post(victim), "aikarajaus": "31.12.9999"}
    create = reverse("customers:create", args=[victim.fresh_capitation.number])
    response = client.post(create, body)
    if response.status_code != 302:
        return  # the form refuses such a date: fine
    other = ProviderFactory()
    price_everything(provider=other, voucher=victim.fresh_capitation)
    office = OfficeFactory(provider=other)
    client.force_login(provider_user(other))
    _try(client, "GET", reverse("vouchers:lookup"), {"numero": victim.fresh_capitation.number})
    _try(client, "POST", create, {**body, "toimipaikka": str(office.pk), "aikarajaus": ""})
