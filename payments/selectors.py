"""Payment runs and their lines, only as far as the user may see them; a provider's payments; and
what the running month would pay."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Round

from core.dates import month_bounds
from customers.selectors import customerships_valid_in_month
from events.models import Event, EventStatus
from organisations import permissions
from organisations.models import Organiser
from payments.models import CapitationPriceKey, Payment, PaymentLine, PaymentRun
from vouchers.models import ContentUnit, VoucherContent
from vouchers.selectors import price_items_valid_on

MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(0, output_field=MONEY)


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


def run_lines(run, *, provider_id: int | None = None):
    """Every line of the run (only one provider's with ``provider_id``) with its provider, voucher
    and service: one query however many rows."""
    lines = PaymentLine.objects.filter(payment__run_id=run.pk)
    if provider_id is not None:
        lines = lines.filter(payment__provider_id=provider_id)
    return (
        lines.select_related(
            "payment__provider",
            "event__reservation__voucher__service",
            "customership__voucher__service",
        )
        .annotate(
            voucher_number=Coalesce(F("event__reservation__voucher__number"), F("customership__voucher__number")),
            # Numbers as numbers (1001 before 10006): vouchers.Voucher.number_key.
            voucher_number_key=Coalesce(
                F("event__reservation__voucher__number_key"), F("customership__voucher__number_key")
            ),
        )
        .order_by("payment__provider__name", "payment__provider_id", "voucher_number_key", "event__date", "pk")
    )


def run_events(run):
    """The events paid in the run."""
    return Event.objects.filter(payment_line__payment__run_id=run.pk)


# --- a provider's payments ("Maksut") ----------------------------------------------------------------


def _own_payments(user):
    """A provider admin's provider's payments; nobody else's (recorders and organiser users: none)."""
    if not permissions.manages_provider(user):
        return Payment.objects.none()
    return Payment.objects.filter(provider_id=permissions.provider_id_of(user))


def payments_for_user(user):
    """A provider admin's payments in every run (of every organiser), newest month first, each with
    its run, organiser and how many lines it has. Anyone else: none."""
    return (
        _own_payments(user)
        .select_related("run__organiser")
        .annotate(line_count=Count("lines"))
        .order_by("-run__month", "run__organiser__name", "pk")
    )


def payment_for_user(user, *, run_id: int) -> Payment | None:
    """The provider admin's own payment in the run, or None (a run that pays them nothing, or
    someone else's)."""
    return payments_for_user(user).filter(run_id=run_id).first()


# --- paid per month (the chart) ----------------------------------------------------------------------


class MonthTotal(NamedTuple):
    month: dt.date  # the first day
    total: Decimal


def last_months(day: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` months before ``day``'s month, oldest first."""
    months, month = [], day.replace(day=1)
    for _ in range(count):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


def paid_per_month(user, *, day: dt.date, count: int = 12) -> list[MonthTotal]:
    """What the computed runs pay per month in the ``count`` months before ``day``'s month (a month
    is run only after it has ended), oldest first, a month without a run as zero: an organiser
    user's runs' totals, a provider admin's payments from every organiser. One query."""
    if permissions.can_run_payments(user):
        payments = Payment.objects.filter(run__organiser_id=permissions.organiser_id_of(user))
    else:
        payments = _own_payments(user)
    months = last_months(day, count)
    totals = dict(
        payments.filter(run__month__gte=months[0], run__month__lte=months[-1])
        .order_by()
        .values_list("run__month")
        .annotate(total=Sum("amount"))
    )
    return [MonthTotal(month=month, total=totals.get(month, Decimal("0.00"))) for month in months]


# --- the running month: what would be paid if it ended today -----------------------------------------


def unpaid_approved_events():
    """Approved events that no payment line pays yet (credits too: they deduct): what the next
    run of their organiser pays."""
    return Event.objects.filter(status=EventStatus.APPROVED).exclude(
        Exists(PaymentLine.objects.filter(event_id=OuterRef("pk")))
    )


def pro_rata_fee(month_days: int):
    """A customership's share of its monthly ``fee`` for its ``days`` in a month of ``month_days``
    days, rounded half-up to cents (NULL without a fee): what a run pays and the running month expects."""
    return Round(F("fee") * F("days") / Value(month_days), 2, output_field=MONEY)


def pro_rata_fee_sql(fee: str, days: str) -> str:
    """``pro_rata_fee`` as SQL over two columns of an outer query (the month's days a parameter),
    for a run that reads the fee once instead of once per annotation that uses it."""
    return f"ROUND({fee} * {days} / %s::numeric, 2)"


def monthly_fee(*, day, content, provider, organiser, service) -> Subquery:
    """THE monthly fee of a customership: the unit price of the voucher's monthly ``content`` in
    the ``provider``'s price list under its agreement with the ``organiser`` for the ``service``,
    valid on ``day`` (the customership's first valid day in the month); NULL without one. The
    arguments are ``OuterRef``s of the query it is annotated on."""
    fee = price_items_valid_on(day, content=content, provider=provider, organiser=organiser, service=service)
    return Subquery(fee.order_by("pk").values("unit_price")[:1], output_field=MONEY)


def with_monthly_content(customerships):
    """``monthly_content``: the voucher's content priced by the month (the first, if several)."""
    monthly_content = (
        VoucherContent.objects.filter(voucher=OuterRef("voucher"), content__unit=ContentUnit.MONTH)
        .order_by("pk")
        .values("content")[:1]
    )
    return customerships.annotate(monthly_content=Subquery(monthly_content))


def capitation_price_key_fees():
    """The ``monthly_fee`` of each row of a run's ``CapitationPriceKey`` expression."""
    return CapitationPriceKey.objects.annotate(
        fee=monthly_fee(
            day=OuterRef("first_day"), content=OuterRef("content"), provider=OuterRef("provider"),
            organiser=OuterRef("organiser"), service=OuterRef("service"),
        )
    ).values("provider_id", "organiser_id", "service_id", "content_id", "first_day", "fee")


def capitation_due(*, month: dt.date, organiser_id: int | None = None, provider_id: int | None = None,
                   through: dt.date | None = None):
    """The customerships valid in ``month`` (``customerships_valid_in_month``: an organiser's, a
    provider's, up to ``through``) with their ``days`` and what prices them: provider, organiser,
    service, monthly content (None without one) and first valid day. Their fee is looked up once
    per distinct key (``capitation_price_key_fees``): by a run (``payments.computation``) and by
    the running month's estimate (``capitation_so_far``)."""
    customerships = customerships_valid_in_month(
        organiser_id=organiser_id, provider_id=provider_id, month=month, through=through
    ).order_by()
    return with_monthly_content(customerships).values(
        due_id=F("pk"), due_provider=F("provider_id"), due_days=F("days"), due_number=F("voucher__number"),
        due_organiser=F("voucher__organiser_id"), due_service=F("voucher__service_id"),
        due_content=F("monthly_content"), due_first_day=F("first_day"),
    )


def sql_of(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


KEYS = CapitationPriceKey._meta.db_table  # a name in the statements below, not a table


def capitation_fees_sql(found: str) -> tuple[str, tuple]:
    """Two common table expressions to follow ``found`` (one of ``capitation_due``'s columns): the
    distinct price keys (``CapitationPriceKey``) and ``fees``, the monthly fee of each; and their
    parameters. Join them with ``FEE_OF_DUE``."""
    fee_sql, fee_params = sql_of(capitation_price_key_fees())
    sql = f"""{KEYS} AS MATERIALIZED (
             SELECT DISTINCT due_provider AS provider_id, due_organiser AS organiser_id, due_service AS service_id,
                    due_content AS content_id, due_first_day AS first_day
               FROM {found}
              WHERE due_content IS NOT NULL  -- no monthly content: no fee
        ),
        fees AS MATERIALIZED ({fee_sql})"""
    return sql, fee_params


def fee_of_due(due: str) -> str:
    """The join condition of ``fees`` (``capitation_fees_sql``) to ``due``, a row of ``capitation_due``."""
    return (
        f"fees.provider_id = {due}.due_provider AND fees.organiser_id = {due}.due_organiser"
        f" AND fees.service_id = {due}.due_service AND fees.content_id = {due}.due_content"
        f" AND fees.first_day = {due}.due_first_day"
    )


def capitation_so_far(*, provider_id: int, day: dt.date) -> dict[int, dict]:
    """What the provider's customerships have earned in ``day``'s month up to ``day``, per
    organiser: ``count`` (customerships), ``unpriced`` (of them, without a monthly fee) and
    ``amount`` (their fees pro rata). Computed as a
    run computes it (``payments.computation.add_capitation``): the customerships read once from
    the provider's own (``capitation_due``), the fee looked up once per distinct key. Each
    customership's share is rounded by itself, so those with the same key and days are counted
    together and priced once: Hoiva Esimerkki Oy's 29,373 customerships of a month are 23 such
    groups. One query."""
    first, last = month_bounds(day)
    due_sql, due_params = sql_of(capitation_due(provider_id=provider_id, month=day, through=day))
    fees_sql, fee_params = capitation_fees_sql("found")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH found AS MATERIALIZED (
                 SELECT due_provider, due_organiser, due_service, due_content, due_first_day, due_days,
                        COUNT(*) AS customerships
                   FROM ({due_sql}) due
                  GROUP BY due_provider, due_organiser, due_service, due_content, due_first_day, due_days
            ),
            {fees_sql}
            SELECT found.due_organiser, SUM(found.customerships)::bigint,
                   COALESCE(SUM(found.customerships) FILTER (WHERE fees.fee IS NULL), 0)::bigint,
                   COALESCE(SUM(found.customerships * {pro_rata_fee_sql("fees.fee", "found.due_days")}), 0)::numeric(14, 2)
              FROM found LEFT JOIN fees ON {fee_of_due("found")}
             GROUP BY found.due_organiser
            """,
            (*due_params, *fee_params, (last - first).days + 1),
        )
        return {
            organiser: {"count": count, "unpriced": unpriced, "amount": amount}
            for organiser, count, unpriced, amount in cursor.fetchall()
        }


@dataclass(frozen=True)
class ExpectedFromOrganiser:
    organiser: object
    customerships: int  # valid this month up to the day
    unpriced: int  # of them, without a monthly fee (a run refuses them until the price list is fixed)
    capitation: Decimal
    events: int
    event_amount: Decimal

    @property
    def total(self) -> Decimal:
        return self.capitation + self.event_amount


@dataclass(frozen=True)
class ExpectedMonth:
    month: dt.date  # the first day
    through: dt.date
    rows: list[ExpectedFromOrganiser]

    @property
    def total(self) -> Decimal:
        return sum((row.total for row in self.rows), Decimal("0.00"))

    @property
    def unpriced(self) -> int:
        return sum(row.unpriced for row in self.rows)


def expected_for_user(user, *, day: dt.date) -> ExpectedMonth:
    """What a provider admin's provider would be paid for ``day``'s month if the month ended on
    ``day``, per organiser: the capitation fees of its customerships pro rata by their valid days
    from the 1st up to ``day`` (of the month's days, rounded to cents per customership, as a run
    does), and the voucher shares of the approved events of the month up to ``day`` that no run
    has paid yet (credits deduct). Three queries, however many rows, each reading the provider's
    own customerships and reservations (``capitation_so_far``)."""
    first, last = month_bounds(day)
    provider_id = permissions.provider_id_of(user) if permissions.manages_provider(user) else None
    if provider_id is None:
        return ExpectedMonth(month=first, through=day, rows=[])
    capitation = capitation_so_far(provider_id=provider_id, day=day)
    events = {
        row["organiser"]: row
        for row in unpaid_approved_events()
        .filter(reservation__provider_id=provider_id, date__gte=first, date__lte=day)
        .order_by()
        .values("organiser")
        .annotate(count=Count("pk"), amount=Sum("voucher_share"))
    }
    organisers = Organiser.objects.in_bulk(capitation.keys() | events.keys())
    none = {"count": 0, "unpriced": 0, "amount": Decimal("0.00")}
    rows = [
        ExpectedFromOrganiser(
            organiser=organiser,
            customerships=capitation.get(pk, none)["count"],
            unpriced=capitation.get(pk, none)["unpriced"],
            capitation=capitation.get(pk, none)["amount"],
            events=events.get(pk, none)["count"],
            event_amount=events.get(pk, none)["amount"],
        )
        for pk, organiser in sorted(organisers.items(), key=lambda item: (item[1].name, item[0]))
    ]
    return ExpectedMonth(month=first, through=day, rows=rows)
