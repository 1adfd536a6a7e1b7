from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = "Tunnistautuminen"

    def ready(self):
        from identity import receivers  # noqa: F401  (the level of assurance kept at sign-in)
