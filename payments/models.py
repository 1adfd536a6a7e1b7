"""Monthly payments (maksatus) from an organiser to its providers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.models import Customership
from events.models import Event
from organisations.models import Organiser, Provider


class PaymentRun(models.Model):
    class Phase(models.TextChoices):
        """What the background job is doing, in words the run's page shows."""

        QUEUED = "queued", _("Odottaa taustatyötä")
        CAPITATION = "capitation", _("Lasketaan kapitaatiomaksuja")
        EVENTS = "events", _("Kootaan tapahtumia")
        TOTALS = "totals", _("Lasketaan summia palveluntuottajittain")
        SETTLING = "settling", _("Tilitetään tapahtumia")
        DONE = "done", _("Valmis")
        FAILED = "failed", _("Keskeytyi")

    class Status(models.TextChoices):
        RUNNING = "running", _("Käynnissä")
        READY = "ready", _("Valmis tarkastettavaksi")
        APPROVED = "approved", _("Hyväksytty")
        FAILED = "failed", _("Epäonnistui")

        @classmethod
        def transitions(cls) -> dict[str, set[str]]:
            """Computed by a background job in one transaction (running → ready, or → failed with
            nothing written); a failed run is started again (failed → running); the organiser
            approves a computed one (ready → approved)."""
            return {
                cls.RUNNING: {cls.READY, cls.FAILED},
                cls.FAILED: {cls.RUNNING},
                cls.READY: {cls.APPROVED},
                cls.APPROVED: set(),
            }

        @classmethod
        def can_move(cls, source: str, target: str) -> bool:
            return target in cls.transitions()[cls(source)]

    organiser = models.ForeignKey(Organiser, models.PROTECT, related_name="payment_runs", verbose_name=_("palvelunjärjestäjä"))
    month = models.DateField(_("kuukausi"), help_text=_("Kuukauden ensimmäinen päivä"))
    status = models.CharField(_("tila"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    progress = models.PositiveSmallIntegerField(_("edistyminen (%)"), default=0)
    phase = models.CharField(_("vaihe"), max_length=16, choices=Phase.choices, default=Phase.QUEUED)
    error = models.TextField(_("virhe"), blank=True)
    queued_at = models.DateTimeField(_("jonoon"), null=True, blank=True)
    started_at = models.DateTimeField(_("laskenta alkoi"), null=True, blank=True)
    finished_at = models.DateTimeField(_("laskenta päättyi"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("käynnistäjä"))
    created_at = models.DateTimeField(_("käynnistetty"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("hyväksyjä")
    )
    approved_at = models.DateTimeField(_("hyväksytty"), null=True, blank=True)

    class Meta:
        verbose_name = _("maksatusajo")
        verbose_name_plural = _("maksatusajot")
        ordering = ["-month", "organiser"]
        constraints = [
            models.UniqueConstraint(fields=["organiser", "month"], name="paymentrun_one_per_organiser_month"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="paymentrun_progress_percent"),
            models.CheckConstraint(condition=Q(month__day=1), name="paymentrun_month_first_day"),
        ]

    def __str__(self):
        return f"{self.organiser} {self.month:%m/%Y}"


class Payment(models.Model):
    run = models.ForeignKey(PaymentRun, models.CASCADE, related_name="payments", verbose_name=_("maksatusajo"))
    provider = models.ForeignKey(Provider, models.PROTECT, related_name="payments", verbose_name=_("palveluntuottaja"))
    amount = models.DecimalField(_("summa (€)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("maksu")
        verbose_name_plural = _("maksut")
        ordering = ["run", "provider"]
        constraints = [models.UniqueConstraint(fields=["run", "provider"], name="payment_one_per_provider")]

    def __str__(self):
        return f"{self.provider}: {self.amount} €"


class PaymentLine(models.Model):
    """One event or one customership's days in a month, paid in a payment."""

    # Indexed by the unique (payment, customership, for_month) below, which starts with it.
    payment = models.ForeignKey(Payment, models.CASCADE, related_name="lines", verbose_name=_("maksu"), db_index=False)
    event = models.OneToOneField(
        Event, models.PROTECT, null=True, blank=True, related_name="payment_line", verbose_name=_("tapahtuma")
    )
    customership = models.ForeignKey(
        Customership, models.PROTECT, null=True, blank=True, related_name="payment_lines", verbose_name=_("asiakkuus")
    )
    days = models.PositiveSmallIntegerField(_("päiviä"), null=True, blank=True)
    amount = models.DecimalField(_("summa (€)"), max_digits=12, decimal_places=2)
    for_month = models.DateField(
        _("kohdekuukausi"), null=True, blank=True,
        help_text=_("Kuukausi, jota rivi koskee; aiempi kuin maksatuksen kuukausi, kun rivi on myöhästynyt korjaus."),
    )

    class Meta:
        verbose_name = _("maksurivi")
        verbose_name_plural = _("maksurivit")
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=False, customership__isnull=True)
                | Q(event__isnull=True, customership__isnull=False, days__isnull=False),
                name="paymentline_event_or_customership",
            ),
            models.UniqueConstraint(
                fields=["payment", "customership", "for_month"], name="paymentline_customership_month_once_per_payment"
            ),
            models.CheckConstraint(
                condition=Q(for_month__isnull=True) | Q(for_month__day=1), name="paymentline_for_month_first_day"
            ),
        ]


class CapitationPriceKey(models.Model):
    """Not a table: the name of a run's common table expression (``payments.computation``) holding
    the distinct (provider, organiser, service, monthly content, first valid day) of the month's
    customerships, so that the ORM writes the price lookup (``payments.selectors.monthly_fee``)
    once per key instead of once per customership (7,521 customerships, 333 keys in a county)."""

    pk = models.CompositePrimaryKey("provider", "organiser", "service", "content", "first_day")
    provider = models.ForeignKey(Provider, models.DO_NOTHING, db_constraint=False, related_name="+")
    organiser = models.ForeignKey(Organiser, models.DO_NOTHING, db_constraint=False, related_name="+")
    service = models.ForeignKey("vouchers.Service", models.DO_NOTHING, db_constraint=False, related_name="+")
    content = models.ForeignKey("vouchers.ServiceContent", models.DO_NOTHING, db_constraint=False, related_name="+")
    first_day = models.DateField()

    class Meta:
        managed = False
        db_table = "payment_capitation_price_keys"
