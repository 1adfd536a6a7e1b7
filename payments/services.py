"""The monthly payment run (maksatus): starting it, computing it in the background, approving it,
marking it paid.

This module sits above ``events`` and ``customers``: it reads their events and customerships,
and asks ``events.settlement`` to settle the events it pays. They never import it.

A run is started by hand (organiser staff, a month that has ended) or by the monthly schedule
(``payments.tasks``); either way ``PaymentRun`` is unique per organiser and month, and the
computation is a background job (procrastinate) queued in the same transaction as the run.
"""

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from procrastinate.exceptions import AlreadyEnqueued

from audit.services import audit_log
from core.dates import today
from core.errors import DomainError, ErrorCode
from events.models import EventStatus
from events.settlement import events_mark_paid, events_note_payment_approved
from notifications.models import NotificationKind
from notifications.services import notify_each
from organisations import permissions
from organisations.models import Organiser
from payments import computation, jobs
from payments.models import Payment, PaymentRun
from payments.selectors import run_events, runs_for_user

logger = logging.getLogger(__name__)

SYSTEM_USERNAME = "psop-automaatti"
STUCK_AFTER = dt.timedelta(minutes=1)  # no worker has taken the job: the page says so


def _month_label(month: dt.date) -> str:
    return f"{month.month}/{month.year}"


def _organiser_id(user) -> int:
    organiser_id = permissions.organiser_id_of(user)
    if not permissions.can_run_payments(user) or organiser_id is None:
        raise DomainError(ErrorCode.ORGANISER_ONLY, _("Vain palvelunjärjestäjän käyttäjä voi käsitellä maksatuksia."))
    return organiser_id


def _check_month(month) -> None:
    """A month's run starts once the month has ended (a Helsinki date)."""
    if not isinstance(month, dt.date) or isinstance(month, dt.datetime) or month.day != 1:
        raise DomainError(ErrorCode.MONTH_INVALID, _("Anna maksatuksen kuukausi (kuukauden ensimmäinen päivä)."))
    if month >= today().replace(day=1):
        raise DomainError(
            ErrorCode.MONTH_NOT_ENDED, _("Kuukauden maksatuksen voi käynnistää vasta, kun kuukausi on päättynyt.")
        )


def _locked_run(user, run) -> PaymentRun:
    run_id = getattr(run, "pk", run)
    locked = runs_for_user(user).filter(pk=run_id).values_list("pk", flat=True).first()
    if locked is None:
        raise DomainError(ErrorCode.RUN_NOT_FOUND, _("Maksatusta ei löydy."))
    return PaymentRun.objects.select_for_update().select_related("organiser").get(pk=locked)


def _move(run: PaymentRun, target: str) -> None:
    if not PaymentRun.Status.can_move(run.status, target):
        messages = {
            PaymentRun.Status.RUNNING: _("Maksatus on vielä käynnissä."),
            PaymentRun.Status.APPROVED: _("Maksatus on jo hyväksytty."),
        }
        raise DomainError(
            ErrorCode.RUN_TRANSITION_NOT_ALLOWED,
            messages.get(run.status, _("Maksatuksen tilaa ei voi muuttaa.")),
        )
    run.status = target


def _audit(*, user, run: PaymentRun, what: str) -> None:
    audit_log(user=user, action="change", what=what, organisation=str(run.organiser), organiser_id=run.organiser_id)


def system_user():
    """Who the monthly schedule acts as in the history and the audit log: an account that cannot log in."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "PSOP", "last_name": "automaattinen maksatus", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


# --- starting a run: by hand or by the schedule --------------------------------------------------


def _mark_queued(run: PaymentRun) -> None:
    run.status, run.phase, run.progress, run.error = PaymentRun.Status.RUNNING, PaymentRun.Phase.QUEUED, 0, ""
    run.queued_at, run.started_at, run.finished_at = timezone.now(), None, None
    run.save(update_fields=["status", "phase", "progress", "error", "queued_at", "started_at", "finished_at"])


def _defer(run: PaymentRun) -> bool:
    """Queue the run's computation, in the caller's transaction: the job exists exactly when the
    run does. A queueing lock keeps it to one waiting job per run: False when one was waiting."""
    from payments.tasks import compute_payment_run  # the tasks module imports these services

    try:
        with transaction.atomic():  # a refused insert must not abort the caller's transaction
            compute_payment_run.configure(lock=jobs.run_lock(run.pk), queueing_lock=jobs.run_lock(run.pk)).defer(
                run_id=run.pk
            )
    except AlreadyEnqueued:
        return False
    return True


def _queue(run: PaymentRun) -> None:
    _mark_queued(run)
    _defer(run)


def _requeue(run: PaymentRun) -> bool:
    """A running run that nothing would finish, queued again: the job of a worker that is gone is
    retried (the same job; the gone worker's transaction was rolled back, so it starts from
    scratch), and a run with no job gets a new one. False while its job waits or a live worker
    runs it: one job of a run at a time."""
    job = jobs.run_job_for_update(run.pk)
    if job is None:
        queued = _defer(run)
    elif jobs.is_gone(job):
        jobs.retry(job)
        queued = True
    else:
        queued = False
    if queued:
        _mark_queued(run)
    return queued


def _start(*, organiser_id: int, month: dt.date, user) -> PaymentRun:
    """The organiser's run of ``month``: made and queued now (``just_started``), started again if
    it failed or its worker is gone, or the one that exists. The unique run per organiser and month
    decides a race."""
    existing = PaymentRun.objects.select_for_update().filter(organiser_id=organiser_id, month=month).first()
    if existing is None:
        try:
            with transaction.atomic():
                run = PaymentRun.objects.create(organiser_id=organiser_id, month=month, created_by=user)
        except IntegrityError:
            # Another start of the same month won the race: use its run.
            existing = PaymentRun.objects.filter(organiser_id=organiser_id, month=month).first()
            if existing is None:
                raise DomainError(
                    ErrorCode.RUN_CONFLICT, _("Saman kuukauden maksatus käynnistettiin juuri toisaalla. Yritä uudelleen.")
                ) from None
        else:
            _queue(run)
            run.just_started = True
            return run
    if existing.status == PaymentRun.Status.FAILED:
        _move(existing, PaymentRun.Status.RUNNING)
        _queue(existing)
        existing.just_started = True
        return existing
    existing.just_started = existing.status == PaymentRun.Status.RUNNING and _requeue(existing)
    return existing


@transaction.atomic
def payment_run_start(*, user, month: dt.date) -> PaymentRun:
    """Organiser staff start the run of a month that has ended ("Käynnistä maksatus"). It returns
    at once; a background job computes it. Starting a month again returns its run (a failed run, or
    one whose worker is gone, is started again). The returned run's ``just_started`` says whether
    this call queued it."""
    organiser_id = _organiser_id(user)
    _check_month(month)
    run = _start(organiser_id=organiser_id, month=month, user=user)
    if run.just_started:
        _audit(user=user, run=run, what=f"Maksatus {_month_label(month)} käynnistetty")
    return run


@transaction.atomic
def payment_runs_start_monthly(*, day: dt.date) -> list[PaymentRun]:
    """The schedule: on ``day`` (a Helsinki date), start for every organiser the run of the month
    that ended before it. Idempotent: a month already started is left as it is."""
    month = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    user = system_user()
    started = []
    for organiser_id in Organiser.objects.order_by("pk").values_list("pk", flat=True):
        run = _start(organiser_id=organiser_id, month=month, user=user)
        if run.just_started:
            started.append(run)
    return started


# --- computing a run (the background job) -----------------------------------------------------------


class _Progress:
    """The job's phase and percent, written through a connection of its own, so that the run's page
    sees them while the computation's transaction is still open."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, phase: str, percent: int) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE payments_paymentrun SET phase = %s, progress = %s WHERE id = %s AND status = %s",
                (phase, percent, self.run_id, PaymentRun.Status.RUNNING),
            )

    def close(self) -> None:
        self.connection.close()


def payment_run_compute(*, run_id: int) -> PaymentRun:
    """Compute a queued run: lines, totals per provider, the events settled. All or nothing: on
    failure nothing of it is written and the run shows why (in Finnish) and can be started again.
    Running it again for a run that is no longer running does nothing."""
    run = PaymentRun.objects.select_related("organiser", "created_by").get(pk=run_id)
    if run.status != PaymentRun.Status.RUNNING:
        return run
    progress = _Progress(run_id)
    try:
        progress(PaymentRun.Phase.CAPITATION, 5)
        PaymentRun.objects.filter(pk=run_id).update(started_at=timezone.now())
        with transaction.atomic():
            with connection.cursor() as cursor:
                # One computation of a run at a time, whichever worker runs it; and one run of an
                # organiser at a time, so that two months' runs never settle the same events in
                # different orders (a deadlock) but take turns.
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", (7301, run_id))
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, organiser_id::integer) FROM payments_paymentrun WHERE id = %s", (7302, run_id)
                )
                # For this transaction only: the rows a run reads are in memory (random reads cost
                # about what sequential ones do, so settling walks the picked events by primary
                # key instead of scanning every approved event), and its sorts and hashes fit in
                # memory instead of spilling to disk. Helsinki's settling: 3.7 s -> 2.3 s.
                cursor.execute("SET LOCAL random_page_cost = 1.1")
                cursor.execute("SET LOCAL work_mem = '64MB'")
            run = PaymentRun.objects.select_related("organiser", "created_by").get(pk=run_id)
            if run.status != PaymentRun.Status.RUNNING:
                return run
            providers, lines, total = computation.compute(run, progress=progress)
            PaymentRun.objects.filter(pk=run_id).update(
                status=PaymentRun.Status.READY, phase=PaymentRun.Phase.DONE, progress=100, finished_at=timezone.now()
            )
            _audit(
                user=run.created_by, run=run,
                what=f"Maksatus {_month_label(run.month)} laskettu: {providers} palveluntuottajaa, "
                f"{lines} riviä, {number_format(total, 2)} €",
            )
    except DomainError as error:
        _failed(run_id, error.message)
    except Exception:
        logger.exception("Payment run %s failed", run_id)
        _failed(run_id, _("Maksatuksen laskenta keskeytyi odottamattomaan virheeseen. Käynnistä se uudelleen."))
        raise
    finally:
        progress.close()
    return PaymentRun.objects.select_related("organiser").get(pk=run_id)


def _failed(run_id: int, message: str) -> None:
    PaymentRun.objects.filter(pk=run_id, status=PaymentRun.Status.RUNNING).update(
        status=PaymentRun.Status.FAILED, phase=PaymentRun.Phase.FAILED, error=message, finished_at=timezone.now()
    )


def is_stuck(run: PaymentRun, *, now=None) -> bool:
    """Queued for over a minute and no worker has taken it: no background worker is running."""
    now = now or timezone.now()
    return (
        run.status == PaymentRun.Status.RUNNING
        and run.started_at is None
        and run.queued_at is not None
        and now - run.queued_at > STUCK_AFTER
    )


def is_worker_gone(run: PaymentRun, *, now=None) -> bool:
    """Its job runs on a worker that is gone (killed mid-run): a live worker retries the job within
    a minute (``payments.tasks.retry_stalled_jobs``), "Käynnistä uudelleen" at once."""
    return run.status == PaymentRun.Status.RUNNING and jobs.run_worker_gone(run.pk, now=now)


@transaction.atomic
def payment_run_restart(*, user, run) -> PaymentRun:
    """"Käynnistä uudelleen": a failed run, or a running one whose worker is gone, is queued again.
    A run whose job waits, or runs on a live worker, is refused: it never gets a second job."""
    _organiser_id(user)
    run = _locked_run(user, run)
    if run.status == PaymentRun.Status.RUNNING:
        if not _requeue(run):
            raise DomainError(
                ErrorCode.RUN_ALREADY_QUEUED,
                _("Maksatus on jo jonossa tai laskettavana; sitä ei käynnistetä toista kertaa."),
            )
    else:
        _move(run, PaymentRun.Status.RUNNING)
        _queue(run)
    _audit(user=user, run=run, what=f"Maksatus {_month_label(run.month)} käynnistetty uudelleen")
    return run


# --- approving and paying ------------------------------------------------------------------------------


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
    events_note_payment_approved(user=user, events=run_events(run), payment_run_id=run.pk)
    # Each paid provider learns it: one INSERT … SELECT from the run's payments.
    notify_each(rows=Payment.objects.filter(run=run), kind=NotificationKind.PAYMENT_APPROVED, amount_field="amount",
                params={"organiser": Organiser.objects.get(pk=run.organiser_id).name, "month": _month_label(run.month)},
                link=reverse("payments:provider_payment", args=[run.pk]))
    _audit(user=user, run=run, what=f"Maksatus {_month_label(run.month)} hyväksytty")
    return run


@transaction.atomic
def payment_run_mark_paid(*, user, run) -> int:
    """After the approved run has been paid out: its events settled → paid. Returns how many."""
    _organiser_id(user)
    run = _locked_run(user, run)
    if run.status != PaymentRun.Status.APPROVED:
        raise DomainError(ErrorCode.RUN_NOT_APPROVED, _("Vain hyväksytyn maksatuksen voi merkitä maksetuksi."))
    settled = run_events(run).filter(status=EventStatus.SETTLED)
    if not settled.select_for_update(of=("self",)).exists():
        raise DomainError(ErrorCode.RUN_ALREADY_PAID, _("Maksatuksen tapahtumat on jo merkitty maksetuiksi."))
    paid = events_mark_paid(user=user, events=run_events(run), payment_run_id=run.pk)
    _audit(user=user, run=run, what=f"Maksatus {_month_label(run.month)} merkitty maksetuksi: {paid} tapahtumaa")
    return paid
