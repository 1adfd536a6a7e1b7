"""The monthly payment run (maksatus): computing it, approving it, marking it paid.

This module sits above ``events`` and ``customers``: it reads their events and customerships,
and asks ``events.services`` to settle the events it pays. They never import it.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from audit.services import audit_log
from core.dates import month_bounds, today
from core.errors import DomainError
from core.money import to_cents
from customers.selectors import customership_days_in_month
from events.models import EventStatus
from events.services import events_mark_paid, events_note_payment_approved, events_settle
from organisations import permissions
from payments.models import Payment, PaymentLine, PaymentRun
from payments.selectors import monthly_contents, payable_events, run_events, runs_for_user
from vouchers.selectors import price_on

MAX_LISTED = 10  # vouchers named in one refusal


def _month_label(month: dt.date) -> str:
    return f"{month.month}/{month.year}"


def _organiser_id(user) -> int:
    organiser_id = permissions.organiser_id_of(user)
    if not permissions.can_run_payments(user) or organiser_id is None:
        raise DomainError("organiser_only", _("Vain palvelunjärjestäjän käyttäjä voi käsitellä maksatuksia."))
    return organiser_id


def _check_month(month) -> None:
    if not isinstance(month, dt.date) or isinstance(month, dt.datetime) or month.day != 1:
        raise DomainError("month_invalid", _("Anna maksatuksen kuukausi (kuukauden ensimmäinen päivä)."))
    if month > today().replace(day=1):
        raise DomainError("month_in_future", _("Maksatusta ei voi tehdä tulevalle kuukaudelle."))


def _locked_run(user, run) -> PaymentRun:
    run_id = getattr(run, "pk", run)
    locked = runs_for_user(user).filter(pk=run_id).values_list("pk", flat=True).first()
    if locked is None:
        raise DomainError("run_not_found", _("Maksatusta ei löydy."))
    return PaymentRun.objects.select_for_update().select_related("organiser").get(pk=locked)


def _move(run: PaymentRun, target: str) -> None:
    if not PaymentRun.Status.can_move(run.status, target):
        messages = {
            PaymentRun.Status.RUNNING: _("Maksatus on vielä käynnissä."),
            PaymentRun.Status.APPROVED: _("Maksatus on jo hyväksytty."),
        }
        raise DomainError(
            "run_transition_not_allowed",
            messages.get(run.status, _("Maksatuksen tilaa ei voi muuttaa.")),
        )
    run.status = target


def _audit(*, user, run: PaymentRun, what: str) -> None:
    audit_log(user=user, action="change", what=what, organisation=str(run.organiser))


def _progress(run: PaymentRun, percent: int) -> None:
    run.progress = percent
    PaymentRun.objects.filter(pk=run.pk).update(progress=percent)


# --- what a run pays ------------------------------------------------------------------------------


def _capitation_lines(*, run: PaymentRun) -> dict[int, list[PaymentLine]]:
    """Each customership valid in the month: the provider's monthly fee, pro rata by its days.
    The fee is the price on the first day it is valid in the month. Refused, as a whole, when a
    customership has no monthly content or no price: nothing is paid wrong or left out silently."""
    days_in_month = month_bounds(run.month)[1].day
    rows = customership_days_in_month(organiser=run.organiser_id, month=run.month)
    contents = monthly_contents({row.customership.voucher_id for row in rows})
    lines, missing = defaultdict(list), []
    for row in rows:
        customership = row.customership
        content = contents.get(customership.voucher_id)
        item = None
        if content is not None:
            item = price_on(
                provider=customership.provider_id, organiser=run.organiser_id, content=content.content, day=row.first_day
            )
        if item is None:
            missing.append(customership.voucher.number)
            continue
        amount = to_cents(item.unit_price * Decimal(row.days) / Decimal(days_in_month))
        lines[customership.provider_id].append(PaymentLine(customership=customership, days=row.days, amount=amount))
    if missing:
        numbers = ", ".join(sorted(set(missing))[:MAX_LISTED]) + (" …" if len(set(missing)) > MAX_LISTED else "")
        raise DomainError(
            "capitation_price_missing",
            _(
                "Kapitaatiomaksua ei voi laskea: kuukausihintaa ei löydy palveluntuottajan hinnastosta "
                "tai ostovoimalta puuttuu kuukausisisältö (ostovoimat %(numbers)s). Korjaa hinnasto ja käynnistä uudelleen."
            )
            % {"numbers": numbers},
        )
    return lines


def _event_lines(*, run: PaymentRun) -> tuple[dict[int, list[PaymentLine]], list]:
    """Approved events up to the month's end not paid before: their voucher share (credits deduct)."""
    last = month_bounds(run.month)[1]
    events = list(payable_events(organiser_id=run.organiser_id, last_day=last))
    lines = defaultdict(list)
    for event in events:
        if not EventStatus.can_move(event.status, EventStatus.SETTLED):  # the query asks for approved ones
            continue
        lines[event.reservation.provider_id].append(PaymentLine(event=event, amount=event.voucher_share))
    return lines, events


def _compute(*, user, run: PaymentRun) -> None:
    capitation = _capitation_lines(run=run)
    _progress(run, 40)
    events_by_provider, events = _event_lines(run=run)
    _progress(run, 70)
    providers = sorted(set(capitation) | set(events_by_provider))
    all_lines = []
    for provider_id in providers:
        lines = capitation.get(provider_id, []) + events_by_provider.get(provider_id, [])
        payment = Payment.objects.create(run=run, provider_id=provider_id, amount=sum((l.amount for l in lines), Decimal("0.00")))
        for line in lines:
            line.payment = payment
        all_lines.extend(lines)
    PaymentLine.objects.bulk_create(all_lines)
    _progress(run, 90)
    events_settle(user=user, event_ids=[event.pk for event in events], payment_run_id=run.pk)
    _move(run, PaymentRun.Status.READY)
    run.progress = 100
    run.save(update_fields=["status", "progress"])
    total = sum((line.amount for line in all_lines), Decimal("0.00"))
    _audit(
        user=user, run=run,
        what=f"Maksatus {_month_label(run.month)} laskettu: {len(providers)} palveluntuottajaa, "
        f"{len(all_lines)} riviä, {number_format(total, 2)} €",
    )


# --- the services ---------------------------------------------------------------------------------


@transaction.atomic
def payment_run_start(*, user, month: dt.date) -> PaymentRun:
    """Start (and compute) the organiser's payment run for ``month``. A month is run once: starting
    it again, or at the same moment from elsewhere, returns the run that exists. The returned run's
    ``just_started`` says whether this call made it."""
    organiser_id = _organiser_id(user)
    _check_month(month)
    existing = PaymentRun.objects.filter(organiser_id=organiser_id, month=month).first()
    if existing is not None:
        existing.just_started = False
        return existing
    try:
        with transaction.atomic():
            run = PaymentRun.objects.create(organiser_id=organiser_id, month=month, created_by=user)
    except IntegrityError:
        # Another start of the same month won the race (the unique constraint decided): use its run.
        existing = PaymentRun.objects.filter(organiser_id=organiser_id, month=month).first()
        if existing is None:
            raise DomainError(
                "run_conflict", _("Saman kuukauden maksatus käynnistettiin juuri toisaalla. Yritä uudelleen.")
            ) from None
        existing.just_started = False
        return existing
    run = PaymentRun.objects.select_for_update().select_related("organiser").get(pk=run.pk)
    _compute(user=user, run=run)
    run.just_started = True
    return run


@transaction.atomic
def payment_run_approve(*, user, run) -> PaymentRun:
    """The organiser approves a computed run: its events (settled when it was computed) and its
    customership days are final; only a credit corrects an event after this."""
    _organiser_id(user)
    run = _locked_run(user, run)
    _move(run, PaymentRun.Status.APPROVED)
    run.approved_by = user
    run.approved_at = timezone.now()
    run.save(update_fields=["status", "approved_by", "approved_at"])
    event_ids = list(run_events(run).values_list("pk", flat=True))
    events_note_payment_approved(user=user, event_ids=event_ids, payment_run_id=run.pk)
    _audit(user=user, run=run, what=f"Maksatus {_month_label(run.month)} hyväksytty")
    return run


@transaction.atomic
def payment_run_mark_paid(*, user, run) -> int:
    """After the approved run has been paid out: its events settled → paid. Returns how many."""
    _organiser_id(user)
    run = _locked_run(user, run)
    if run.status != PaymentRun.Status.APPROVED:
        raise DomainError("run_not_approved", _("Vain hyväksytyn maksatuksen voi merkitä maksetuksi."))
    events = list(
        run_events(run).filter(status=EventStatus.SETTLED).select_for_update(of=("self",)).only("pk", "reservation_id", "status")
    )
    if not events:
        raise DomainError("run_already_paid", _("Maksatuksen tapahtumat on jo merkitty maksetuiksi."))
    paid = events_mark_paid(user=user, event_ids=[event.pk for event in events], payment_run_id=run.pk)
    _audit(user=user, run=run, what=f"Maksatus {_month_label(run.month)} merkitty maksetuksi: {paid} tapahtumaa")
    return paid
