"""A payment run as CSV (semicolon, decimal comma, UTF-8 with BOM: Excel in Finnish opens it) and
XLSX (numbers as numbers). One row per payment line. No customer's name or henkilötunnus: what a
provider is paid for is the voucher number, so an export holds no personal data to log."""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from payments.selectors import run_lines
from vouchers.models import VoucherKind

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportRow:
    provider: str
    business_id: str
    voucher_number: str
    voucher_kind: str
    line_kind: str
    event_date: date | None
    days: int | None
    amount: Decimal


def headers() -> list[str]:
    return [
        _("Palveluntuottaja"), _("Y-tunnus"), _("Ostovoiman numero"), _("Setelilaji"), _("Rivin laji"),
        _("Tapahtumapäivä"), _("Asiakkuuden päiviä"), _("Summa (€)"),
    ]


def line_kind(line) -> str:
    if line.event_id is None:
        return _("Kapitaatiomaksu")
    return _("Hyvitys") if line.event.credit_of_id else _("Tapahtuma")


def export_rows(run) -> list[ExportRow]:
    rows = []
    for line in run_lines(run):
        voucher = line.event.reservation.voucher if line.event_id else line.customership.voucher
        provider = line.payment.provider
        rows.append(
            ExportRow(
                provider=provider.name,
                business_id=provider.business_id,
                voucher_number=voucher.number,
                voucher_kind=str(VoucherKind(voucher.service.kind).label),
                line_kind=str(line_kind(line)),
                event_date=line.event.date if line.event_id else None,
                days=line.days,
                amount=line.amount,
            )
        )
    return rows


def _text(value: str) -> str:
    """A text cell never starts a formula in a spreadsheet (CSV/formula injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def filename(run, extension: str) -> str:
    return f"maksatus-{run.month:%Y-%m}.{extension}"


def _attachment(response, name: str):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_bytes(rows: list[ExportRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(headers())
    for row in rows:
        writer.writerow([
            _text(row.provider), _text(row.business_id), _text(row.voucher_number), _text(row.voucher_kind),
            _text(row.line_kind),
            f"{row.event_date.day}.{row.event_date.month}.{row.event_date.year}" if row.event_date else "",
            "" if row.days is None else str(row.days),
            f"{row.amount:.2f}".replace(".", ","),
        ])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[ExportRow], *, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([
            _text(row.provider), _text(row.business_id), _text(row.voucher_number), _text(row.voucher_kind),
            _text(row.line_kind), row.event_date, row.days, row.amount,
        ])
        cells = sheet[sheet.max_row]
        for cell in cells[:5]:
            cell.data_type = "s"  # text, never a formula
        if row.event_date is not None:
            cells[5].number_format = "d.m.yyyy"
        cells[7].number_format = "0.00"
    for column, width in zip("ABCDEFGH", (32, 12, 18, 18, 16, 14, 12, 12)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_response(run) -> HttpResponse:
    response = HttpResponse(csv_bytes(export_rows(run)), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename(run, "csv"))


def xlsx_response(run) -> HttpResponse:
    content = xlsx_bytes(export_rows(run), title=f"Maksatus {run.month:%m-%Y}")
    return _attachment(HttpResponse(content, content_type=XLSX_TYPE), filename(run, "xlsx"))
