"""A working day's staff mix for locust (`make loadtest` runs it through scripts/loadtest.py).

Three kinds of users, in the proportions of a county's working day: a provider's staff
(``tuottaja``: finds vouchers by number, opens a reservation's "+", records events, takes in
capitation customers, reads its lists), an organiser's staff (``jarjestaja``: its lists, the name
search, the review queue) and client systems reading the API with their keys. Each simulated user
asks at most once a second (``constant_throughput(1)``), so the number of users is the offered
rate in requests a second.

Everything the users need comes from the plan file that scripts/loadtest.py writes
(``LOADTEST_PLAN``): signed-in sessions (logged in once, before the load: a login's password hash
is not what is measured), API keys, voucher numbers, reservations, and the recordable reservations
and fresh capitation vouchers the POSTs use up, one per request.
"""

import itertools
import json
import os
import random

from locust import HttpUser, constant_throughput, task

PLAN = json.loads(open(os.environ["LOADTEST_PLAN"], encoding="utf-8").read())
_sessions = {role: itertools.cycle(cookies) for role, cookies in PLAN["sessions"].items()}
_keys = itertools.cycle(PLAN["api_keys"])
_recordable = iter(PLAN["recordable"])
_hosts = itertools.cycle(PLAN.get("hosts") or [None])  # the cluster's nodes, each user on one
_fresh = iter(PLAN["fresh_capitation"])
HX = {"HX-Request": "true", "HX-Current-URL": "http://127.0.0.1/"}


def _pick_host(user) -> None:
    host = next(_hosts)
    if host:
        user.host = user.client.base_url = host


class Staff(HttpUser):
    abstract = True
    wait_time = constant_throughput(1)
    role = ""

    def on_start(self):
        _pick_host(self)
        self.client.cookies.update(next(_sessions[self.role]))
        self.csrf = {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}


class ProviderStaff(Staff):
    weight = 6
    role = "tuottaja"

    @task(20)
    def lookup(self):
        number = random.choice(PLAN["numbers"])
        self.client.get(f"/asiakas/haku/?numero={number}", headers={**HX, "HX-Target": "lookup-result"},
                        name="lookup by number (htmx)")

    @task(12)
    def plus(self):
        pk = random.choice(PLAN["reservations"])
        self.client.get(f"/palveluvaraukset/{pk}/", headers={**HX, "HX-Target": f"reservation-{pk}"},
                        name='reservation "+" (htmx)')

    @task(8)
    def reservations(self):
        self.client.get("/palveluvaraukset/", name="Palveluvaraukset (provider)")

    @task(4)
    def vouchers(self):
        self.client.get("/ostovoimat/", name="Ostovoimat (provider)")

    @task(2)
    def balances(self):
        self.client.get("/saldo-ostovoimat/", name="Saldo-ostovoimat")

    @task(10)
    def record_event(self):
        reservation = next(_recordable, None)
        if reservation is None:
            return
        self.client.post(
            f"/palveluvaraukset/{reservation['id']}/tapahtuma/", name="record an event (POST)",
            data={"paivamaara": PLAN["day"], "sisalto": reservation["content"], "maara": "0,25", "lisatieto": "loadtest"},
            headers={**HX, "HX-Target": "panel", **self.csrf},
        )

    @task(2)
    def customership(self):
        number = next(_fresh, None)
        if number is None:
            return
        self.client.post(
            f"/ostovoimat/{number}/asiakkuus/", name="create a customership (POST)",
            data={"toimipaikka": PLAN["office"], "alkaa": PLAN["day"], "sopimusehdot": "on", "sopimussuhde": "on"},
            headers={**HX, "HX-Target": "lookup-result", **self.csrf},
        )


class OrganiserStaff(Staff):
    weight = 2
    role = "jarjestaja"

    @task(6)
    def reservations(self):
        self.client.get("/palveluvaraukset/", name="Palveluvaraukset (organiser)")

    @task(5)
    def search(self):
        self.client.get(f"/palveluvaraukset/?haku={PLAN['name']}", name="search by name (organiser)")

    @task(3)
    def vouchers(self):
        self.client.get("/ostovoimat/", name="Ostovoimat (organiser)")

    @task(3)
    def review(self):
        self.client.get("/tapahtumat/tarkastettavat/", name="Tarkastettavat (organiser)")


class ClientSystem(HttpUser):
    weight = 2
    wait_time = constant_throughput(1)

    def on_start(self):
        _pick_host(self)
        self.headers = {"Authorization": f"Bearer {next(_keys)}"}

    @task(8)
    def voucher(self):
        self.client.get(f"/api/v1/vouchers/{random.choice(PLAN['numbers'])}", headers=self.headers,
                        name="API: GET /vouchers/{number}")

    @task(2)
    def reservations(self):
        self.client.get("/api/v1/reservations", headers=self.headers, name="API: GET /reservations")
