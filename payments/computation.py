"""What a payment run pays, computed in the database, set-based: no Python loop over rows.

One transaction (the caller's): the lines are gathered into a temporary table, checked,
summed per provider (GROUP BY) and written with ``INSERT … SELECT``. The events are settled and
their lines made in one statement (``events.settlement.events_settle``: an UPDATE … RETURNING
that the history and the lines are written from). A failure rolls everything back: no
half-written run.

- Capitation: each customership valid in the month, its monthly fee (the price valid on its
  first valid day in the month, ``payments.selectors.monthly_fee``, looked up once per distinct
  provider, organiser, service, content and day) pro rata by its valid days
  (``customers.selectors.customerships_valid_in_month``), rounded half-up to cents.
- Late changes: for each earlier month the organiser has already run (up to a year back), what
  each customership is due now minus what it was paid for that month becomes a correction line
  naming that month (``for_month``): a customership created late is paid, one ended late is
  deducted. Nothing is paid twice.
- Events: approved events up to the month's end that no line pays yet (credits too: they
  deduct), each for the month of its date; a late-approved event of an earlier month is paid
  here, naming its month.
"""

import datetime as dt

from django.db import connection
from django.utils.translation import gettext as _

from core.dates import month_bounds
from core.errors import DomainError, ErrorCode
from events.settlement import events_settle
from payments.models import PaymentRun
from payments.selectors import (
    capitation_due,
    capitation_fees_sql,
    fee_of_due,
    pro_rata_fee_sql,
    sql_of,
    unpaid_approved_events,
)

LINES = "payment_run_lines"
MAX_LISTED = 10  # vouchers named in one refusal
CORRECTION_MONTHS = 12


def create_lines_table(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {LINES}")  # another run computed earlier in this transaction
    cursor.execute(
        f"""CREATE TEMPORARY TABLE {LINES} (
               provider_id bigint NOT NULL, customership_id bigint, event_id bigint, for_month date NOT NULL,
               days integer, amount numeric(14, 2) NOT NULL, voucher_number varchar(20), priced boolean NOT NULL
            ) ON COMMIT DROP"""
    )


def add_capitation(cursor, *, run, month: dt.date) -> None:
    """Lines for ``month``'s capitation: what is due now minus what earlier runs paid for it."""
    first, last = month_bounds(month)
    due_sql, due_params = sql_of(capitation_due(organiser_id=run.organiser_id, month=month))
    fees_sql, fee_params = capitation_fees_sql("found")
    cursor.execute(
        # MATERIALIZED: the customerships are read once. The price is looked up once per distinct
        # (provider, organiser, service, content, first day): a county's 7,521 customerships have 333.
        f"""
        WITH found AS MATERIALIZED ({due_sql}),
        {fees_sql},
        due AS (
             SELECT found.*, fees.fee AS due_fee
               FROM found LEFT JOIN fees ON {fee_of_due("found")}
        )
        INSERT INTO {LINES} (provider_id, customership_id, for_month, days, amount, voucher_number, priced)
        SELECT COALESCE(due.due_provider, paid.provider_id), COALESCE(due.due_id, paid.customership_id), %s,
               COALESCE(due.due_days, 0),
               COALESCE({pro_rata_fee_sql("due.due_fee", "due.due_days")}, 0) - COALESCE(paid.amount, 0),
               due.due_number, due.due_id IS NULL OR due.due_fee IS NOT NULL
          FROM due
        FULL OUTER JOIN (
               SELECT line.customership_id, payment.provider_id, SUM(line.amount) AS amount
                 FROM payments_paymentline line
                 JOIN payments_payment payment ON payment.id = line.payment_id
                 JOIN payments_paymentrun paid_run ON paid_run.id = payment.run_id
                WHERE paid_run.organiser_id = %s AND paid_run.id <> %s AND line.for_month = %s
                  AND line.customership_id IS NOT NULL
                GROUP BY line.customership_id, payment.provider_id
          ) AS paid ON paid.customership_id = due.due_id
        """,
        (*due_params, *fee_params, first, (last - first).days + 1, run.organiser_id, run.pk, first),
    )
    if month != run.month:  # a correction only where something changed
        cursor.execute(
            f"DELETE FROM {LINES} WHERE customership_id IS NOT NULL AND for_month = %s AND amount = 0", (first,)
        )


def check_priced(cursor) -> None:
    """Refused as a whole when a customership has no monthly fee: nothing paid wrong or left out."""
    cursor.execute(
        f"SELECT DISTINCT voucher_number FROM {LINES} WHERE NOT priced ORDER BY voucher_number LIMIT %s",
        (MAX_LISTED + 1,),
    )
    missing = [row[0] for row in cursor.fetchall()]
    if missing:
        numbers = ", ".join(missing[:MAX_LISTED]) + (" …" if len(missing) > MAX_LISTED else "")
        raise DomainError(
            ErrorCode.CAPITATION_PRICE_MISSING,
            _(
                "Kapitaatiomaksua ei voi laskea: kuukausihintaa ei löydy palveluntuottajan hinnastosta "
                "tai ostovoimalta puuttuu kuukausisisältö (ostovoimat %(numbers)s). Korjaa hinnasto ja käynnistä uudelleen."
            )
            % {"numbers": numbers},
        )


def payable_events(*, organiser_id: int, last_day: dt.date):
    """Approved events of the organiser's vouchers on or before ``last_day`` that no line pays
    (credits too: they deduct)."""
    return unpaid_approved_events().filter(organiser_id=organiser_id, date__lte=last_day)


def add_events(cursor, *, run) -> None:
    """Settle the payable events and make their lines in one statement
    (``events.settlement.events_settle``): each event is read, locked and settled once, and
    paid with the voucher share it has when it is settled, for the month of its date."""
    events = payable_events(organiser_id=run.organiser_id, last_day=month_bounds(run.month)[1])
    settled = events_settle(user=run.created_by, events=events, payment_run_id=run.pk)
    cursor.execute(
        f"""{settled.sql}
        INSERT INTO {LINES} (provider_id, event_id, for_month, amount, priced)
        SELECT {settled.provider_id}, {settled.event_id}, {settled.month}, {settled.voucher_share}, true
          FROM {settled.table}""",
        settled.params,
    )


def write_payments(cursor, *, run) -> tuple[int, int, object]:
    """Totals per provider, then the lines under them. Returns (providers, lines, total)."""
    cursor.execute(
        f"""INSERT INTO payments_payment (run_id, provider_id, amount)
            SELECT %s, provider_id, SUM(amount) FROM {LINES} GROUP BY provider_id""",
        (run.pk,),
    )
    cursor.execute(
        f"""INSERT INTO payments_paymentline (payment_id, event_id, customership_id, days, amount, for_month)
            SELECT payment.id, line.event_id, line.customership_id, line.days, line.amount, line.for_month
              FROM {LINES} line JOIN payments_payment payment
                ON payment.run_id = %s AND payment.provider_id = line.provider_id""",
        (run.pk,),
    )
    cursor.execute(f"SELECT COUNT(DISTINCT provider_id), COUNT(*), COALESCE(SUM(amount), 0) FROM {LINES}")
    return cursor.fetchone()


def correction_months(run) -> list[dt.date]:
    """Earlier months of the organiser that have a computed run, up to a year back, oldest first."""
    earliest = run.month.replace(year=run.month.year - 1)
    return list(
        PaymentRun.objects.filter(
            organiser_id=run.organiser_id, month__lt=run.month, month__gte=earliest,
            status__in=[PaymentRun.Status.READY, PaymentRun.Status.APPROVED],
        )
        .order_by("month")
        .values_list("month", flat=True)
    )


def compute(run, *, progress) -> tuple[int, int, object]:
    """Fill the run's payments and lines. ``progress(phase, percent)`` reports along the way."""
    Phase = PaymentRun.Phase
    with connection.cursor() as cursor:
        create_lines_table(cursor)
        progress(Phase.CAPITATION, 10)
        for month in [*correction_months(run), run.month]:
            add_capitation(cursor, run=run, month=month)
        check_priced(cursor)
        progress(Phase.SETTLING, 40)
        add_events(cursor, run=run)
        progress(Phase.TOTALS, 60)
        return write_payments(cursor, run=run)
