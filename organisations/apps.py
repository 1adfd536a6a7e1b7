from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisaatiot"

    def ready(self):
        # The audit log names the user's organisation as the access module reads it (audit sits
        # below organisations: it is told, it does not look).
        from audit.services import audit_membership_reader
        from organisations.permissions import membership_of

        audit_membership_reader(membership_of)
