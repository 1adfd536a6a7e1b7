"""Payment runs and their lines, only as far as the user may see them; and what a run would pay."""


from django.db.models import Count, DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce

from events.models import Event
from organisations import permissions
from payments.models import Payment, PaymentLine, PaymentRun

ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))


def runs_for_user(user):
    """Organiser users: their own organiser's runs, each with its ``total``. Anyone else: none."""
    if not permissions.can_run_payments(user):
        return PaymentRun.objects.none()
    return (
        PaymentRun.objects.filter(organiser_id=permissions.organiser_id_of(user))
        .select_related("organiser", "created_by", "approved_by")
        .annotate(total=Coalesce(Sum("payments__amount"), ZERO))
        .order_by("-month")
    )


def run_payments(run):
    """The run's payments, one per provider, with how many lines each has."""
    return (
        Payment.objects.filter(run_id=run.pk)
        .select_related("provider")
        .annotate(line_count=Count("lines"))
        .order_by("provider__name", "provider_id")
    )


def run_lines(run):
    """Every line of the run with its provider, voucher and service: one query however many rows."""
    return (
        PaymentLine.objects.filter(payment__run_id=run.pk)
        .select_related(
            "payment__provider",
            "event__reservation__voucher__service",
            "customership__voucher__service",
        )
        .annotate(
            voucher_number=Coalesce(F("event__reservation__voucher__number"), F("customership__voucher__number"))
        )
        .order_by("payment__provider__name", "payment__provider_id", "voucher_number", "event__date", "pk")
    )


def run_events(run):
    """The events paid in the run."""
    return Event.objects.filter(payment_line__payment__run_id=run.pk)
