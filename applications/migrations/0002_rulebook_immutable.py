"""A published rulebook version is never changed (issue 24): the database refuses an UPDATE of a
rulebook, of its prices and of its attachments, whoever sends it (a bug, the admin, SQL)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION psop_rulebook_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Julkaistua sääntökirjaa ei voi muuttaa; julkaise uusi versio.'
        USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'rulebook_immutable';
END;
$$ LANGUAGE plpgsql;
"""
TABLES = ["applications_rulebook", "applications_rulebookprice", "applications_rulebookattachment"]


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS psop_rulebook_immutable();"),
        *[
            migrations.RunSQL(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION psop_rulebook_immutable();",
                f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};",
            )
            for table in TABLES
        ],
    ]
