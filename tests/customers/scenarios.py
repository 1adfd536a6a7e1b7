"""Scenario helpers for the customership tests (kept here, not in tests/factories.py)."""

import datetime as dt
import threading

from django.db import connection

from audit.models import AuditEntry
from core.dates import today
from customers.models import Customership
from tests.factories import (
    CustomershipFactory,
    OfficeFactory,
    ProviderFactory,
    ServiceFactory,
    VoucherFactory,
    price_everything,
)
from vouchers.models import ServiceAgreement, VoucherKind

DAY = dt.timedelta(days=1)


def capitation_voucher(**kwargs):
    kwargs.setdefault("service", ServiceFactory(kind=VoucherKind.CAPITATION))
    return VoucherFactory(**kwargs)


def serving_office(voucher, provider=None, **kwargs):
    """An office of a provider with a valid agreement and price list for the voucher's service."""
    provider = provider or ProviderFactory()
    if not ServiceAgreement.objects.filter(
        provider=provider, organiser=voucher.organiser, service=voucher.service
    ).exists():
        price_everything(provider=provider, voucher=voucher)
    return OfficeFactory(provider=provider, **kwargs)


def customership_at(office, voucher, *, start=None, locked_until=None, end=None, **kwargs):
    start = start or today() - dt.timedelta(days=30)
    return CustomershipFactory(
        voucher=voucher, provider=office.provider, office=office, start_date=start, end_date=end,
        locked_until=locked_until or start + dt.timedelta(days=365), **kwargs,
    )


def changes_written() -> int:
    return AuditEntry.objects.filter(action="change").count()


def snapshot():
    """Everything a refused change must leave as it was."""
    return (
        list(Customership.objects.order_by("pk").values_list("pk", "end_date", "office_id", "provider_id")),
        changes_written(),
    )


def run_at_once(*functions, timeout=30):
    """Run each function in its own thread (its own connection), released together."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def runner(index, function):
        try:
            barrier.wait(timeout=timeout)
            results[index] = ("ok", function())
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results
