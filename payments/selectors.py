"""Payment runs and their lines, only as far as the user may see them; and what a run would pay."""

import datetime as dt

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Sum, Value
from django.db.models.functions import Coalesce

from events.models import Event, EventStatus
from organisations import permissions
from payments.models import Payment, PaymentLine, PaymentRun
from vouchers.models import ContentUnit, VoucherContent

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


def payable_events(*, organiser_id: int, last_day: dt.date):
    """Approved events of the organiser's vouchers on or before ``last_day`` that are in no payment
    yet (credits too: they deduct). Locked for update, in id order, so that two runs take turns."""
    paid = PaymentLine.objects.filter(event_id=OuterRef("pk"))
    return (
        Event.objects.select_for_update(of=("self",))
        .filter(reservation__voucher__organiser_id=organiser_id, status=EventStatus.APPROVED, date__lte=last_day)
        .exclude(Exists(paid))
        .select_related("reservation")
        .order_by("pk")
    )


def monthly_contents(voucher_ids) -> dict[int, VoucherContent]:
    """Each voucher's capitation content: its first content whose unit is a month."""
    contents = (
        VoucherContent.objects.filter(voucher_id__in=voucher_ids, content__unit=ContentUnit.MONTH)
        .select_related("content")
        .order_by("voucher_id", "pk")
    )
    result = {}
    for row in contents:
        result.setdefault(row.voucher_id, row)
    return result


def run_events(run):
    """The events paid in the run."""
    return Event.objects.filter(payment_line__payment__run_id=run.pk)
