from django.apps import AppConfig


class ChoiceConfig(AppConfig):
    name = "choice"
    verbose_name = "Asiakkaan valinta"
