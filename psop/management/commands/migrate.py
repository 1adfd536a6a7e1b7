"""Django's migrate, connected as the tables' owner role (DATABASE_OWNER_URL), which then grants the
application role (DATABASE_URL) its privileges (psop/db_roles.py)."""

from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from psop import db_roles


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " Runs as the database owner role and grants the application role its privileges."

    def handle(self, *args, **options):
        alias = options["database"]
        role = db_roles.app_role()
        with db_roles.as_owner(alias):
            super().handle(*args, **options)
            if role is None or options["plan"] or options["check_unapplied"]:
                return
            connection = connections[alias]
            db_roles.grant_app_privileges(connection, role)
            problems = db_roles.role_problems(connection, role)
        if problems:
            raise CommandError("; ".join(problems) + ": the audit log is not protected (README, Deploying)")
