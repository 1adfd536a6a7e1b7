"""Settings come from the environment, fail loudly on bad values, and production mode
passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "PSOP_MODE": "production",
    "SECRET_KEY": "k" * 20 + "-production-secret-for-the-check-only-" + "z" * 20,
    "ALLOWED_HOSTS": "psop.example.fi",
}


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "PSOP_MODE", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=environment, cwd=BASE_DIR, capture_output=True, text=True, timeout=120,
    )


def test_check_deploy__production_mode__no_issues():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "env, message",
    [
        ({"PSOP_MODE": "production"}, "SECRET_KEY must be set"),
        ({**PRODUCTION, "SECRET_KEY": "short"}, "at least 50 characters"),
        ({**PRODUCTION, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must be set"),
        ({**PRODUCTION, "DEBUG": "1"}, "DEBUG must be off"),
        ({"DEBUG": "maybe"}, "DEBUG must be one of"),
        ({"PSOP_MODE": "staging"}, "PSOP_MODE must be"),
        ({"CONN_MAX_AGE": "forever"}, "CONN_MAX_AGE must be a whole number"),
        ({"DATABASE_URL": "mysql://u@h/db"}, "PostgreSQL only"),
        ({"DATABASE_RANDOM_PAGE_COST": "cheap"}, "DATABASE_RANDOM_PAGE_COST must be a number"),
    ],
)
def test_settings__bad_environment__refuses_to_start_naming_the_variable(env, message):
    result = manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.django_db
def test_the_embedded_server_runs_with_the_projects_settings():
    """psop.devdb configures the embedded PostgreSQL beyond the defaults (shared buffers, WAL size,
    checkpoints, WAL compression; docs/scaling.md): the server the tests run on has them."""
    from django.db import connection

    from psop import devdb

    host = connection.settings_dict.get("HOST") or ""
    if not host.startswith(str(devdb.data_dir())):
        pytest.skip("not the embedded server")
    with connection.cursor() as cursor:
        for name, value in devdb.server_settings().items():
            cursor.execute("SELECT pg_size_bytes(current_setting(%s)) = pg_size_bytes(%s)"
                           if value[-2:] in ("MB", "GB") else "SELECT current_setting(%s) = %s", [name, value])
            assert cursor.fetchone()[0], name


@pytest.mark.django_db
def test_the_pages_connections_price_a_random_read_near_a_sequential_one():
    """The rows the pages read are in memory: random_page_cost 1.1 (a startup option, like
    parallel_setup_cost), so that a few thousand index probes are not priced above a scan of a
    whole big table (issue 27, docs/scaling.md)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('random_page_cost'), current_setting('parallel_setup_cost')")
        assert cursor.fetchone() == ("1.1", "10000")
