"""Events (tapahtuma): recorded deliveries of service on a reservation, their life from
recording to payment, and their change history. The tables keep their original names."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from organisations.models import CopiesOrganiser
from reservations.models import Reservation


class EventStatus(models.TextChoices):
    """An event's life: recorded → approved, or → under review (past what was granted) →
    approved or rejected; approved → settled (in a payment run) → paid."""

    RECORDED = "recorded", _("Kirjattu")
    UNDER_REVIEW = "under_review", _("Tarkastettavana")
    APPROVED = "approved", _("Hyväksytty")
    REJECTED = "rejected", _("Hylätty")
    SETTLED = "settled", _("Tilitetty")
    PAID = "paid", _("Maksettu")

    @classmethod
    def transitions(cls) -> dict[str, set[str]]:
        # An edit re-checks an unsettled event, so it may land in approved or under review again.
        return {
            cls.RECORDED: {cls.APPROVED, cls.UNDER_REVIEW},
            cls.UNDER_REVIEW: {cls.APPROVED, cls.REJECTED},
            cls.APPROVED: {cls.SETTLED, cls.UNDER_REVIEW},
            cls.REJECTED: {cls.APPROVED, cls.UNDER_REVIEW},
            cls.SETTLED: {cls.PAID},
            cls.PAID: set(),
        }

    @classmethod
    def can_move(cls, source: str, target: str) -> bool:
        return source == target or target in cls.transitions()[cls(source)]

    @classmethod
    def editable_by_provider(cls) -> set[str]:
        """Until settled, the provider may edit or delete; after that only a credit corrects it."""
        return {cls.RECORDED, cls.UNDER_REVIEW, cls.APPROVED, cls.REJECTED}

    @classmethod
    def creditable(cls) -> set[str]:
        return {cls.SETTLED, cls.PAID}

    @classmethod
    def counted(cls) -> set[str]:
        """Statuses whose quantity and euros use up what was granted (all but rejected)."""
        return {cls.RECORDED, cls.UNDER_REVIEW, cls.APPROVED, cls.SETTLED, cls.PAID}


class CreditReason(models.TextChoices):
    """Fixed reason codes for a credit (hyvitys)."""

    WRONG_QUANTITY = "wrong_quantity", _("Väärä määrä")
    WRONG_PRICE = "wrong_price", _("Väärä hinta")
    WRONG_DATE = "wrong_date", _("Väärä päivämäärä")
    NOT_DELIVERED = "not_delivered", _("Palvelua ei annettu")
    DUPLICATE = "duplicate", _("Kirjattu kahdesti")
    OTHER = "other", _("Muu syy")


class Event(CopiesOrganiser):
    """A recorded delivery of service, priced from the provider's price list on its date."""

    organiser_from = "reservation"

    # Indexed by (reservation, date) below; the foreign key adds no index of its own.
    reservation = models.ForeignKey(
        Reservation, models.PROTECT, related_name="events", verbose_name=_("palveluvaraus"), db_index=False
    )
    date = models.DateField(_("päivämäärä"))
    quantity = models.DecimalField(_("määrä"), max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(_("yksikköhinta (€)"), max_digits=10, decimal_places=2)
    total = models.DecimalField(_("yhteensä (€)"), max_digits=12, decimal_places=2)
    voucher_share = models.DecimalField(_("setelin osuus (€)"), max_digits=12, decimal_places=2)
    customer_share = models.DecimalField(_("omavastuu (€)"), max_digits=12, decimal_places=2)
    status = models.CharField(_("tila"), max_length=16, choices=EventStatus.choices, default=EventStatus.RECORDED)
    note = models.TextField(_("lisätieto"), max_length=2000, blank=True)
    review_reason = models.TextField(_("tarkastuksen perustelu"), max_length=2000, blank=True)
    credit_of = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="credits", verbose_name=_("hyvitettävä tapahtuma"),
        db_index=False,  # event_credit_of_idx below holds only the credits
    )
    reason_code = models.CharField(_("syykoodi"), max_length=32, choices=CreditReason.choices, blank=True)
    explanation = models.TextField(_("selite"), max_length=2000, blank=True)
    # The recording client system's own id of the event (API, bulk import): one event per id on a
    # reservation, so that a retried row is answered "already recorded" instead of recorded twice.
    client_id = models.CharField(_("asiakasjärjestelmän tunniste"), max_length=100, null=True, blank=True)
    # Not indexed: nothing lists events by their recorder, and a user is deactivated, not deleted.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("kirjaaja"), db_index=False
    )
    created_at = models.DateTimeField(_("kirjattu"), auto_now_add=True)
    updated_at = models.DateTimeField(_("muokattu"), auto_now=True)

    class Meta:
        db_table = "reservations_event"
        verbose_name = _("tapahtuma")
        verbose_name_plural = _("tapahtumat")
        ordering = ["-date", "-id"]
        # Every index of this table is written again for each settled or paid event (a payment
        # run's UPDATE changes status and updated_at, so it cannot be a HOT update): keep only
        # those a page or a run reads. No index on status alone (five values; the partial indexes
        # below serve the statuses that are looked up).
        indexes = [
            models.Index(fields=["reservation", "date"]),
            # A credit's original (deleting an event checks that no credit points at it).
            models.Index(fields=["credit_of"], condition=Q(credit_of__isnull=False), name="event_credit_of_idx"),
            # The organiser's review queue, oldest first, walked from a keyset cursor; small,
            # since it holds only the events waiting for review.
            models.Index(fields=["date", "id"], condition=Q(status="under_review"), name="event_review_queue"),
            # The same events by reservation: the organiser's "99+" badge counts them from the
            # organiser's reservations (EXPLAIN: 10 ms reading every event of 513 reservations,
            # 4 ms with this index).
            models.Index(fields=["reservation"], condition=Q(status="under_review"), name="event_review_by_reservation"),
            # An organiser's review queue, oldest first, and its badge: its own events only.
            models.Index(
                fields=["organiser", "date", "id"], condition=Q(status="under_review"), name="event_review_by_organiser"
            ),
            # What an organiser's payment run pays: its approved events up to the month's end.
            models.Index(fields=["organiser", "date"], condition=Q(status="approved"), name="event_approved_by_organiser"),
            # What a payment run pays: approved events, found per reservation without reading the
            # millions already settled or paid.
            models.Index(fields=["reservation", "date"], condition=Q(status="approved"), name="event_approved_idx"),
            # The API's feed of changed events (GET /api/v1/events?changed_since=), oldest change first.
            models.Index(fields=["updated_at", "id"], name="event_updated_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reservation", "client_id"], condition=Q(client_id__isnull=False),
                name="event_client_id_once_per_reservation",
            ),
            models.CheckConstraint(
                condition=Q(total=F("voucher_share") + F("customer_share")), name="event_shares_add_up"
            ),
            models.CheckConstraint(
                condition=Q(credit_of__isnull=False) | Q(quantity__gt=0, voucher_share__gte=0, customer_share__gte=0),
                name="event_positive_unless_credit",
            ),
            models.CheckConstraint(
                condition=Q(credit_of__isnull=True) | ~Q(reason_code=""), name="event_credit_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(credit_of__isnull=True) | Q(quantity__lt=0, total__lte=0),
                name="event_credit_is_negative",
            ),
        ]

    def __str__(self):
        return f"{self.reservation.voucher} {self.date:%d.%m.%Y} {self.total} €"

    @property
    def is_credit(self) -> bool:
        return self.credit_of_id is not None

    @property
    def editable(self) -> bool:
        return not self.is_credit and self.status in EventStatus.editable_by_provider()

    @property
    def creditable(self) -> bool:
        return not self.is_credit and self.status in EventStatus.creditable()


class EventChange(models.Model):
    """Every change to an event: who, when, what. Kept when the event itself is deleted."""

    event = models.ForeignKey(
        Event, models.SET_NULL, null=True, blank=True, related_name="changes", verbose_name=_("tapahtuma")
    )
    # Not indexed, like changed_by: nothing looks changes up by them (an event's history is read
    # through ``event``), and every settled or paid event writes a row here.
    event_number = models.BigIntegerField(_("tapahtuman tunniste"))
    reservation = models.ForeignKey(
        Reservation, models.PROTECT, related_name="event_changes", verbose_name=_("palveluvaraus")
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("muuttaja"), db_index=False
    )
    changed_at = models.DateTimeField(_("muutettu"), auto_now_add=True)
    action = models.CharField(_("toimenpide"), max_length=32)
    changes = models.JSONField(_("muutokset"), default=dict, blank=True)

    class Meta:
        db_table = "reservations_eventchange"
        verbose_name = _("tapahtuman muutos")
        verbose_name_plural = _("tapahtumien muutokset")
        ordering = ["-changed_at", "-id"]
