"""The audit log partitioned by month (issue 26): declarative range partitioning on ``at``.

Every row of today's table is copied into monthly partitions (Helsinki months) from the oldest row's
month to three months ahead, with a DEFAULT partition for anything outside them, so that no INSERT
ever fails for want of a partition; the table is then swapped in under the same name, with the same
column identity (continuing its numbers), indexes and append-only trigger. PostgreSQL requires the
partition key in the primary key: (id, at) in the database; Django keeps ``id`` as the model's key
(the identity column still gives each row its own).

New months come from ``audit_auditentry_add_partition(month)``, a SECURITY DEFINER function owned by
the owner role, which the worker's daily job calls as the application role (audit.tasks): the
application role may not create tables, only ask for this one kind. The partition it makes gets
the parent's privileges narrowed as the parent's are (SELECT, INSERT for the application role:
psop/db_roles.py revokes the rest at every migrate, this function at once). Retention detaches old
months (``manage.py audit_partitions detach``, as the owner): a detached month is a plain table to
archive and drop, the rows of the months kept are untouched.

On a large table the copy holds the table's lock for its duration (measured on the national-scale
data: docs/scaling.md, "Audit log partitions"); writes of the audit log wait meanwhile."""

from django.db import migrations

FORWARD = r"""
LOCK TABLE audit_auditentry IN ACCESS EXCLUSIVE MODE;
ALTER TABLE audit_auditentry RENAME TO audit_auditentry_unpartitioned;

CREATE TABLE audit_auditentry (LIKE audit_auditentry_unpartitioned INCLUDING DEFAULTS INCLUDING IDENTITY)
    PARTITION BY RANGE (at);

CREATE FUNCTION audit_auditentry_add_partition(month date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    first_day date := date_trunc('month', month)::date;
    name text := 'audit_auditentry_' || to_char(first_day, 'YYYY_MM');
    grantee text;
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN name;
    END IF;
    EXECUTE format(
        'CREATE TABLE %I PARTITION OF audit_auditentry FOR VALUES FROM (%L) TO (%L)', name,
        first_day::timestamp AT TIME ZONE 'Europe/Helsinki',
        (first_day + interval '1 month')::timestamp AT TIME ZONE 'Europe/Helsinki');
    -- Default privileges gave the application role UPDATE and DELETE on the new table: narrow it
    -- to what the parent grants (the trigger refuses both anyway).
    FOR grantee IN
        SELECT DISTINCT g.grantee FROM information_schema.role_table_grants g
         WHERE g.table_schema = current_schema() AND g.table_name = name AND g.grantee <> current_user
    LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM %I', name, grantee);
    END LOOP;
    RETURN name;
END;
$$;
REVOKE ALL ON FUNCTION audit_auditentry_add_partition(date) FROM PUBLIC;

CREATE TABLE audit_auditentry_default PARTITION OF audit_auditentry DEFAULT;
SELECT audit_auditentry_add_partition(month::date)
  FROM generate_series(
         date_trunc('month', coalesce((SELECT min(at) FROM audit_auditentry_unpartitioned), now()) AT TIME ZONE 'Europe/Helsinki'),
         date_trunc('month', now() AT TIME ZONE 'Europe/Helsinki') + interval '3 months',
         interval '1 month') AS month;

INSERT INTO audit_auditentry OVERRIDING SYSTEM VALUE SELECT * FROM audit_auditentry_unpartitioned;
SELECT setval(pg_get_serial_sequence('audit_auditentry', 'id'),
              coalesce((SELECT max(id) FROM audit_auditentry_unpartitioned), 0) + 1, false);

DROP TABLE audit_auditentry_unpartitioned;

ALTER TABLE audit_auditentry ADD CONSTRAINT audit_auditentry_pkey PRIMARY KEY (id, at);
CREATE INDEX audit_auditentry_at_09f867ec ON audit_auditentry (at);
CREATE INDEX audit_auditentry_customer_id_582286f6 ON audit_auditentry (customer_id);
CREATE INDEX audit_auditentry_user_id_b5ee03cd ON audit_auditentry (user_id);
CREATE INDEX audit_customer_ids_gin ON audit_auditentry USING gin (customer_ids);
CREATE INDEX audit_organiser_subject_at_idx ON audit_auditentry (organiser_id, at DESC, id DESC)
    WHERE customer_id IS NOT NULL OR customer_ids IS NOT NULL;

CREATE TRIGGER audit_auditentry_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_append_only();
ANALYZE audit_auditentry;
"""


class Migration(migrations.Migration):
    # One transaction: a failure leaves today's table as it was.
    atomic = True
    dependencies = [("audit", "0005_auditentry_auth_method")]
    operations = [migrations.RunSQL(FORWARD, migrations.RunSQL.noop, elidable=False)]
