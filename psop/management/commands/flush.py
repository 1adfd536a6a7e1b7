"""Django's flush (TRUNCATE of every table), connected as the tables' owner role: the application
role may not truncate (psop/db_roles.py). The tests' transactional cleanup uses it."""

from django.core.management.commands.flush import Command as DjangoFlush

from psop import db_roles


class Command(DjangoFlush):
    def handle(self, **options):
        with db_roles.as_owner(options["database"]):
            super().handle(**options)
