"""The rows of "Palveluvaraukset" as the template prints them: each row's texts and links made
once in Python (issue 27, item 4), not resolved, filtered and translated by the template engine."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext

from core.dates import format_day
from core.links import id_url


@dataclass(frozen=True, slots=True)
class ReservationRow:
    pk: int
    number: str
    customer: str
    service: str
    content: str
    provider: str  # "Provider / Unit", the unit left out when named as its provider
    on_behalf: bool
    created: str
    detail_url: str
    toggle_label: str  # "Avaa palveluvarauksen lisätiedot 123…" or "Sulje …" when expanded


def reservation_rows(reservations, *, expanded: bool = False) -> list[ReservationRow]:
    """The list's rows of ``reservations``, closed (or ``expanded``), in the active language."""
    label = gettext("Sulje palveluvarauksen lisätiedot %(number)s" if expanded
                    else "Avaa palveluvarauksen lisätiedot %(number)s")
    detail_url = id_url("reservations:detail")
    rows = []
    for reservation in reservations:
        voucher, provider, unit = reservation.voucher, reservation.provider.name, reservation.unit.name
        rows.append(ReservationRow(
            pk=reservation.pk,
            number=voucher.number,
            customer=voucher.customer.full_name,
            service=voucher.service.name,
            content=reservation.voucher_content.content.name,
            provider=provider if unit == provider else f"{provider} / {unit}",
            on_behalf=bool(reservation.on_behalf),
            created=format_day(timezone.localtime(reservation.created_at)),
            detail_url=detail_url(reservation.pk),
            toggle_label=label % {"number": voucher.number},
        ))
    return rows
