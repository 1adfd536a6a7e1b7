"""Database outage: the app is served by gunicorn on its own embedded PostgreSQL, the
database is stopped mid-traffic and started again.

During the outage pages answer 503 with a clear Finnish page; afterwards the same
server process serves again (no restart) and everything saved before is still there.
"""

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from psop import devdb

BASE_DIR = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.outage


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """A tiny cookie-keeping HTTP client that reports status codes instead of raising."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + "/"})
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def served_app(tmp_path_factory):
    pgdata = BASE_DIR / ".pgdata-outage"
    if pgdata.exists():
        devdb.stop(pgdata)
        shutil.rmtree(pgdata)
    url = devdb.database_url(pgdata)
    env = {**os.environ, "DATABASE_URL": url, "DATABASE_OWNER_URL": devdb.owner_url(pgdata), "DEBUG": "0",
           "PSOP_MODE": "development", "CONN_MAX_AGE": "60",
           "MEDIA_ROOT": str(tmp_path_factory.mktemp("media"))}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True, cwd=BASE_DIR)
    subprocess.run([*manage, "load_demo"], env=env, check=True, cwd=BASE_DIR, stdout=subprocess.DEVNULL)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "psop.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--threads", "2", "--timeout", "60", "--log-level", "warning"],
        env=env, cwd=BASE_DIR,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/kirjaudu/", timeout=2)
            break
        except OSError:
            time.sleep(0.1)
    yield base, pgdata, url
    server.terminate()
    server.wait(10)
    devdb.stop(pgdata)
    shutil.rmtree(pgdata, ignore_errors=True)


def reservation_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM reservations_reservation").fetchone()[0]


def test_database_outage__503_in_finnish__then_serves_again_without_restart(served_app):
    base, pgdata, url = served_app
    browser = Browser(base)
    status, page = browser.request("/kirjaudu/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _ = browser.request("/kirjaudu/", {"csrfmiddlewaretoken": token, "login": "tuottaja",
                                               "password": "demo-salasana", "next": "/palveluvaraukset/"})
    assert status == 302
    status, page = browser.request("/palveluvaraukset/")
    shown = set(re.findall(r"\b10\d{3}\b", page))
    assert status == 200 and shown
    before = reservation_count(url)
    assert before > 0

    devdb.stop(pgdata)
    statuses = []
    for path in ("/palveluvaraukset/", "/asiakas/", "/asiakas/haku/?numero=1001", "/kirjaudu/"):
        status, page = browser.request(path)
        statuses.append(status)
        assert "Palvelu ei ole hetkeen käytettävissä" in page, path
    assert statuses == [503, 503, 503, 503]

    devdb.database_url(pgdata)
    status, page = browser.request("/palveluvaraukset/")
    assert status == 200 and set(re.findall(r"\b10\d{3}\b", page)) == shown
    assert reservation_count(url) == before
