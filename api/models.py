"""The REST API's own rows: organisations' API keys, the answers kept for Idempotency-Key retries,
and the per-minute request counters of the rate limit."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organisations.models import Organiser, Provider


class Scope(models.TextChoices):
    """What a key may call; a key acts with its organisation's permissions, narrowed to these."""

    READ = "read", _("Luku (ostovoimat, palveluvaraukset, tapahtumat)")
    RESERVE = "reserve", _("Palveluvaraukset ja asiakkuudet")
    EVENTS = "events", _("Tapahtumien kirjaus")
    PAYMENTS = "payments", _("Maksatukset")
    GRANTS = "grants", _("Ostovoimien myöntäminen, muuttaminen ja sulkeminen (palvelunjärjestäjä)")


# Scopes only an organiser's key may hold: a provider's key is refused them when made or rescoped
# (api.services), by the database (``apikey_organiser_only_scopes``), and the operations that need
# one do not exist for a provider's key (api.auth.needs: 404).
ORGANISER_ONLY = frozenset({Scope.GRANTS})


def scopes_for(*, organiser: bool) -> list[tuple[str, str]]:
    """The scopes an organisation of this kind may give its keys, as (value, label) choices."""
    return [(value, label) for value, label in Scope.choices if organiser or value not in ORGANISER_ONLY]


class ApiKey(models.Model):
    """An organisation's key to the API. Only a hash of the secret is stored; the secret is shown
    once, when the key is made. The key acts through its own technical user (``user``: no password,
    not active, no membership row), so that what it writes names it and every audit row carries
    the key's name."""

    provider = models.ForeignKey(
        Provider, models.CASCADE, null=True, blank=True, related_name="api_keys", verbose_name=_("palveluntuottaja")
    )
    organiser = models.ForeignKey(
        Organiser, models.CASCADE, null=True, blank=True, related_name="api_keys", verbose_name=_("palvelunjärjestäjä")
    )
    name = models.CharField(_("nimi"), max_length=100)
    prefix = models.CharField(_("tunniste"), max_length=16, unique=True)
    secret_hash = models.CharField(_("tiiviste"), max_length=64, unique=True)
    scopes = ArrayField(models.CharField(max_length=16, choices=Scope.choices), verbose_name=_("oikeudet"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="api_key", verbose_name=_("tekninen käyttäjä")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("luoja"))
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("käytetty viimeksi"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("peruttu"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-avain")
        verbose_name_plural = _("API-avaimet")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider__isnull=False, organiser__isnull=True)
                | Q(provider__isnull=True, organiser__isnull=False),
                name="apikey_one_organisation",
            ),
            models.CheckConstraint(
                condition=Q(provider__isnull=True) | ~Q(scopes__overlap=sorted(str(scope) for scope in ORGANISER_ONLY)),
                name="apikey_organiser_only_scopes",
            ),
        ]

    @property
    def scope_labels(self) -> list[str]:
        """The scopes in words, as the key's page lists them ("Tapahtumien kirjaus", not "events")."""
        return [str(Scope(scope).label) for scope in self.scopes]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    @property
    def organisation(self):
        return self.provider or self.organiser

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class IdempotentRequest(models.Model):
    """The first answer to a POST sent with an Idempotency-Key: a retry with the same key and body
    gets this answer again and changes nothing. The unique constraint settles two retries racing."""

    api_key = models.ForeignKey(ApiKey, models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key", "key"], name="idempotentrequest_once_per_key")]


class RateCounter(models.Model):
    """Requests of one key in one minute (an UPSERT per request; old minutes are deleted as new ones begin)."""

    api_key = models.ForeignKey(ApiKey, models.CASCADE, related_name="+")
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key", "minute"], name="ratecounter_once_per_minute")]
