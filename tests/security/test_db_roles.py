"""The audit log cannot be emptied or rewritten by the role the application runs as (issue 14).

The web and worker processes connect as DATABASE_URL's role. These tests connect to the test
database as exactly that role, with psycopg, and try every way around the append-only trigger:
TRUNCATE, DELETE, UPDATE, ALTER TABLE … DISABLE TRIGGER and SET session_replication_role = replica.
Each must be refused and leave the rows as they were, while the role can still append to and read
the log and read and write the other tables. (On a role that owns the tables, or a superuser, the
tricks succeed: that is what psop/db_roles.py and the owner role for migrations prevent.)
"""

import os

import dj_database_url
import psycopg
import pytest
from django.db import connection
from psycopg import errors, sql

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)

TABLE = AuditEntry._meta.db_table


def app_role_params() -> dict:
    """DATABASE_URL's role, on the test database."""
    app = dj_database_url.parse(os.environ["DATABASE_URL"])
    params = {"user": app["USER"], "host": app["HOST"], "dbname": connection.settings_dict["NAME"]}
    params.update({key: app[name] for key, name in (("password", "PASSWORD"), ("port", "PORT")) if app[name]})
    return params


@pytest.fixture
def entries():
    for what in ("Asiakkaan tiedot (1)", "Asiakkaan tiedot (2)"):
        AuditEntry.objects.create(action=AuditEntry.Action.READ, what=what, username="tuula")
    return sorted(AuditEntry.objects.values_list("id", "what"))


@pytest.fixture
def app_db(entries):
    with psycopg.connect(**app_role_params(), autocommit=True) as conn:
        yield conn


def rows(conn) -> list:
    return sorted(conn.execute(sql.SQL("SELECT id, what FROM {}").format(sql.Identifier(TABLE))).fetchall())


class _RolledBack(Exception):
    pass


def refused(conn, *statements) -> None:
    """Run the statements in one transaction, which is rolled back in any case; the database must
    refuse one of them for lack of privilege."""
    try:
        with conn.transaction():
            for statement in statements:
                conn.execute(statement)
            raise _RolledBack
    except errors.InsufficientPrivilege:
        return
    except _RolledBack:
        pass
    pytest.fail(f"the database allowed: {'; '.join(statements)}")


def test_app_role__no_superuser_no_owner_of_the_audit_log(app_db):
    user, superuser = app_db.execute(
        "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    owner = app_db.execute("SELECT tableowner FROM pg_tables WHERE tablename = %s", [TABLE]).fetchone()[0]
    owned = app_db.execute(
        "SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
        "AND pg_has_role(current_user, relowner, 'USAGE')"
    ).fetchone()[0]

    assert not superuser
    assert owner != user
    assert owned == 0


def test_app_role__truncate_of_the_audit_log__refused(app_db, entries):
    refused(app_db, f"TRUNCATE {TABLE}")
    assert rows(app_db) == entries


def test_app_role__delete_and_update_of_audit_rows__refused(app_db, entries):
    refused(app_db, f"DELETE FROM {TABLE}")
    refused(app_db, f"UPDATE {TABLE} SET what = 'muutettu'")
    assert rows(app_db) == entries


def test_app_role__disabling_the_trigger__refused(app_db, entries):
    refused(app_db, f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL", f"DELETE FROM {TABLE}")
    refused(app_db, f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_auditentry_no_update_delete", f"DELETE FROM {TABLE}")
    refused(app_db, f"ALTER TABLE {TABLE} RENAME TO audit_old")
    refused(app_db, f"DROP TABLE {TABLE}")
    assert rows(app_db) == entries


def test_app_role__replication_role_trick__refused(app_db, entries):
    """Triggers do not fire for a session in replica mode; only a superuser may switch to it."""
    refused(app_db, "SET session_replication_role = replica", f"DELETE FROM {TABLE}")
    refused(app_db, "SET LOCAL session_replication_role = replica", f"UPDATE {TABLE} SET what = 'muutettu'")
    refused(app_db, "SELECT set_config('session_replication_role', 'replica', false)", f"DELETE FROM {TABLE}")
    assert app_db.execute("SHOW session_replication_role").fetchone()[0] == "origin"
    assert rows(app_db) == entries


def test_app_role__appends_to_and_reads_the_audit_log(app_db, entries):
    columns = [field.column for field in AuditEntry._meta.concrete_fields if not field.primary_key]
    copy = sql.SQL("INSERT INTO {table} ({columns}) SELECT {columns} FROM {table} WHERE id = %s RETURNING id").format(
        table=sql.Identifier(TABLE), columns=sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    new_id = app_db.execute(copy, [entries[0][0]]).fetchone()[0]

    assert rows(app_db) == sorted([*entries, (new_id, entries[0][1])])


def test_app_role__reads_and_writes_the_other_tables(app_db):
    app_db.execute(
        "INSERT INTO django_session (session_key, session_data, expire_date) VALUES ('rolecheck', 'x', now())"
    )
    app_db.execute("UPDATE django_session SET session_data = 'y' WHERE session_key = 'rolecheck'")
    app_db.execute("DELETE FROM django_session WHERE session_key = 'rolecheck'")

    # Every other table (procrastinate's too) and every sequence: what the web and worker need.
    missing = app_db.execute(
        """
        SELECT c.relname FROM pg_class c
         WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
           AND c.relname NOT IN (%s, 'django_migrations')
           AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid AND i.inhparent = %s::regclass)
           AND NOT (has_table_privilege(c.oid, 'SELECT') AND has_table_privilege(c.oid, 'INSERT')
                AND has_table_privilege(c.oid, 'UPDATE') AND has_table_privilege(c.oid, 'DELETE'))
        UNION ALL
        SELECT c.relname FROM pg_class c
         WHERE c.relnamespace = current_schema()::regnamespace
           AND CASE WHEN c.relkind = 'S' THEN NOT has_sequence_privilege(c.oid, 'USAGE') ELSE false END
        """,
        [TABLE, TABLE],
    ).fetchall()
    assert missing == []
    assert app_db.execute("SELECT count(*) FROM procrastinate_jobs").fetchone()[0] >= 0
    refused(app_db, "INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())")


# --- the audit log's monthly partitions (issue 26) --------------------------------------------------------

def _partition_of(conn, row_id) -> str:
    return conn.execute(sql.SQL("SELECT tableoid::regclass::text FROM {} WHERE id = %s").format(sql.Identifier(TABLE)),
                        [row_id]).fetchone()[0]


def test_audit_log__partitioned_by_helsinki_month__rows_land_in_their_month(app_db, entries):
    from audit import partitions
    from core.dates import today

    names = {partition.name: partition.bounds for partition in partitions.partitions()}
    month = today().strftime("%Y_%m")

    assert app_db.execute("SELECT relkind FROM pg_class WHERE relname = %s", [TABLE]).fetchone()[0] == "p"
    assert names[f"{TABLE}_default"] == "DEFAULT"
    assert f"{TABLE}_{month}" in names and len([name for name in names if name != f"{TABLE}_default"]) >= 4
    assert _partition_of(app_db, entries[0][0]) == f"{TABLE}_{month}"


def test_app_role__a_partition_reached_directly__update_delete_truncate_refused(app_db, entries):
    partition = _partition_of(app_db, entries[0][0])

    refused(app_db, f"DELETE FROM {partition}")
    refused(app_db, f"UPDATE {partition} SET what = 'muutettu'")
    refused(app_db, f"TRUNCATE {partition}")
    refused(app_db, f"ALTER TABLE {TABLE} DETACH PARTITION {partition}")
    refused(app_db, f"CREATE TABLE {TABLE}_2040_01 PARTITION OF {TABLE} FOR VALUES FROM ('2040-01-01') TO ('2040-02-01')")
    assert rows(app_db) == entries


def test_partitions_ensure__the_job_as_the_app_role__makes_the_months_append_only_and_again_nothing(app_db):
    import datetime as dt

    from audit import partitions
    from audit.tasks import ensure_audit_partitions

    made = partitions.partitions_ensure(day=dt.date(2031, 11, 20), months_ahead=2)
    again = partitions.partitions_ensure(day=dt.date(2031, 11, 20), months_ahead=2)
    ensure_audit_partitions(timestamp=0)  # the nightly job: this month and three ahead, all there already

    assert made == again == [f"{TABLE}_2031_11", f"{TABLE}_2031_12", f"{TABLE}_2032_01"]
    privileges = app_db.execute(
        "SELECT has_table_privilege(%s, 'INSERT'), has_table_privilege(%s, 'SELECT'), "
        "has_table_privilege(%s, 'UPDATE'), has_table_privilege(%s, 'DELETE')", [made[1]] * 4).fetchone()
    assert privileges == (True, True, False, False)
    refused(app_db, f"DELETE FROM {made[1]}")


def test_partitions_detach__as_the_owner__the_old_month_leaves_the_log_the_others_stay(app_db, entries):
    import datetime as dt

    from audit import partitions
    from psop.db_roles import as_owner

    partitions.partitions_ensure(day=dt.date(2020, 3, 1), months_ahead=0)
    old = AuditEntry.objects.create(action=AuditEntry.Action.READ, what="Vanha", username="tuula")
    with psycopg.connect(**app_role_params(), autocommit=True) as conn:  # the row as if written in March 2020
        conn.execute(sql.SQL("INSERT INTO {} (at, username, organisation, action, what, path, code, params, auth_method) "
                             "VALUES ('2020-03-15 12:00+02', 'tuula', '', 'read', 'Maaliskuu 2020', '', '', '{{}}', '')")
                     .format(sql.Identifier(TABLE)))
    try:
        with as_owner():
            detached = partitions.partitions_detach(before=dt.date(2020, 4, 1))
        assert detached == [f"{TABLE}_2020_03"]
        assert not AuditEntry.objects.filter(what="Maaliskuu 2020").exists()
        assert rows(app_db) == sorted([*entries, (old.pk, "Vanha")])
    finally:
        with as_owner(), connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}_2020_03")
