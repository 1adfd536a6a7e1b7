"""Two database roles: the owner changes the schema, the application only reads and writes rows.

The web and worker processes connect as the application role (DATABASE_URL). It may SELECT, INSERT,
UPDATE and DELETE the rows of the application's tables but owns none of them, so it cannot TRUNCATE,
ALTER (DISABLE TRIGGER) or DROP a table, and, being no superuser, it cannot SET
session_replication_role = replica to skip the triggers. The audit log it may only read and append
to (the trigger of audit/migrations/0002_append_only.py refuses UPDATE and DELETE even to the owner);
the migration history it may only read.

`migrate` and `flush` connect as the owner (DATABASE_OWNER_URL; psop/management/commands/), and
migrate ends by granting the application role its privileges: on what exists now and, by default
privileges, on what the owner creates later. With no DATABASE_OWNER_URL there is one role (whoever
DATABASE_URL names) and nothing is granted.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import connections, transaction

# The application may read and append to these, and nothing else.
APPEND_ONLY_TABLES = ("audit_auditentry",)
# The application may only read these.
READ_ONLY_TABLES = ("django_migrations",)


def app_role() -> str | None:
    """The application role that migrate grants privileges to; None when there is only one role."""
    roles = settings.DATABASE_ROLES
    if "owner" not in roles or roles["owner"]["USER"] == roles["app"]["USER"]:
        return None
    return roles["app"]["USER"]


def use_role(role: str, alias: str = "default") -> None:
    """Connect ``alias`` as ``role`` ("app" or "owner") from its next query on."""
    credentials = settings.DATABASE_ROLES[role]
    connection = connections[alias]
    if all(connection.settings_dict.get(key) == value for key, value in credentials.items()):
        return
    if connection.in_atomic_block:
        raise RuntimeError(f"cannot change the database role to {role!r} inside a transaction")
    connection.close()
    connection.settings_dict.update(credentials)


@contextmanager
def as_owner(alias: str = "default"):
    """Run the block connected as the owner role, then go back to the role used before."""
    if app_role() is None:
        yield
        return
    connection = connections[alias]
    before = {key: connection.settings_dict.get(key) for key in settings.DATABASE_ROLES["owner"]}
    use_role("owner", alias)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(before)


def grant_app_privileges(connection, role: str) -> None:
    """Give ``role`` row privileges on the owner's tables, sequences and functions, now and for those
    created later, except the append-only and read-only tables. Run as the owner; idempotent; in
    one transaction, so that the audit log is not writable for a moment between GRANT and REVOKE."""
    quote = connection.ops.quote_name
    grantee = quote(role)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = quote(cursor.fetchone()[0])
        statements = [
            f"GRANT USAGE ON SCHEMA {schema} TO {grantee}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {grantee}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {grantee}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {grantee}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {grantee}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT EXECUTE ON ROUTINES TO {grantee}",
        ]
        # The owner's own functions (procrastinate's, the audit trigger's); an extension's belong to
        # the superuser, and PUBLIC may execute them anyway.
        cursor.execute(
            "SELECT oid::regprocedure::text FROM pg_proc WHERE pronamespace = current_schema()::regnamespace "
            "AND proowner = current_user::regrole AND prokind IN ('f', 'p') ORDER BY 1"
        )
        routines = [name for (name,) in cursor.fetchall()]
        if routines:
            statements.append(f"GRANT EXECUTE ON ROUTINE {', '.join(routines)} TO {grantee}")
        existing = set(connection.introspection.table_names(cursor))
        # An append-only table's partitions too (the audit log's months): reached directly, a
        # partition checks its own privileges, not its parent's.
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = ANY(%s) AND p.relnamespace = current_schema()::regnamespace "
            "ORDER BY 1", [list(APPEND_ONLY_TABLES)])
        partitions = [name for (name,) in cursor.fetchall()]
        for table in [table for table in APPEND_ONLY_TABLES if table in existing] + partitions:
            statements += [f"REVOKE ALL ON {quote(table)} FROM {grantee}",
                           f"GRANT SELECT, INSERT ON {quote(table)} TO {grantee}"]
        for table in READ_ONLY_TABLES:
            if table in existing:
                statements += [f"REVOKE ALL ON {quote(table)} FROM {grantee}", f"GRANT SELECT ON {quote(table)} TO {grantee}"]
        for statement in statements:
            cursor.execute(statement)


def role_problems(connection, role: str) -> list[str]:
    """What would let ``role`` get around the append-only audit log (empty when nothing would)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            return [f"the application role {role} does not exist"]
        problems = [f"the application role {role} is a superuser"] if row[0] else []
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
            "AND pg_has_role(%s, c.relowner, 'USAGE') AND c.relname = ANY(%s)",
            [role, list(APPEND_ONLY_TABLES)],
        )
        problems += [f"the application role {role} owns {name}, or is a member of its owner" for (name,) in cursor.fetchall()]
    return problems
