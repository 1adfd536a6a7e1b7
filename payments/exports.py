"""A payment run's lines as CSV (semicolon, amounts written the Finnish way, 1 234,50 with a no-break space
between thousands as Finnish Excel writes them, UTF-8 with BOM: Excel in Finnish opens it)
and a totals row, and XLSX (numbers as numbers, money as euros, a totals row, a frozen header and an
autofilter): the whole run for the organiser, one provider's own lines for that provider. One row per payment line.
No customer's name or henkilötunnus: what a provider is paid for is the voucher number, so an
export holds no personal data to log."""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.db.models import F
from django.db.models.functions import Coalesce
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from core.dates import format_day
from core.money import format_amount

from payments.selectors import run_lines
from vouchers.models import VoucherKind

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Number format codes are locale-independent: "," groups thousands and "." is the decimal point in
# the code, and Excel shows them in the reader's locale (in Finnish: 1 234,50 €).
MONEY_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "d.m.yyyy"
COLUMNS = "ABCDEFGH"
AMOUNT_COLUMN = "H"


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


# What a row needs of its line and the rows around it, read as plain values (no model instances: a
# national run's export has 150,000 lines, and building five related objects for each took seconds).
ROW_FIELDS = (
    "payment__provider__name", "payment__provider__business_id", "voucher_number", "voucher_kind", "event_id",
    "event__credit_of_id", "for_month", "event__date", "days", "amount",
)


def export_rows(lines, *, month: date | None = None) -> list[ExportRow]:
    """``lines``: a ``payments.selectors.run_lines`` queryset of the run of ``month``; one query. A
    line's kind is "Tapahtuma", "Hyvitys" or "Kapitaatiomaksu"; a line of an earlier month than the
    run's says so as the run's page does: "Tapahtuma (myöhästynyt 5/2025)"."""
    labels = {value: str(label) for value, label in VoucherKind.choices}
    kinds = {"capitation": _("Kapitaatiomaksu"), "credit": _("Hyvitys"), "event": _("Tapahtuma")}
    late = {}
    rows = []
    for provider, business_id, number, kind, event_id, credit_of, for_month, event_date, days, amount in (
            lines.annotate(voucher_kind=Coalesce(F("event__reservation__voucher__service__kind"),
                                                 F("customership__voucher__service__kind")))
            .values_list(*ROW_FIELDS)):
        text = kinds["capitation" if event_id is None else "credit" if credit_of else "event"]
        if month is not None and for_month and for_month != month:
            if for_month not in late:
                late[for_month] = _("myöhästynyt %(month)s") % {"month": f"{for_month.month}/{for_month.year}"}
            text = f"{text} ({late[for_month]})"
        rows.append(ExportRow(provider=provider, business_id=business_id, voucher_number=number,
                              voucher_kind=labels.get(kind, kind), line_kind=text, event_date=event_date, days=days,
                              amount=amount))
    return rows


def _text(value: str) -> str:
    """A CSV text cell never starts a formula in a spreadsheet (CSV/formula injection): spreadsheets
    skip leading blanks, so `` +cmd|…`` is a formula too, and gets the apostrophe as well."""
    return "'" + value if value.lstrip(" \u00a0\u2007\u202f\n").startswith(FORMULA_STARTS) else value


def filename(run, extension: str, *, provider_id: int | None = None) -> str:
    """The organiser's ``maksatus-2025-06.csv``; a provider's ``maksut-2025-06-<organiser's Y-tunnus>.csv``
    (a provider may be paid by several organisers in a month)."""
    if provider_id is None:
        return f"maksatus-{run.month:%Y-%m}.{extension}"
    return f"maksut-{run.month:%Y-%m}-{run.organiser.business_id}.{extension}"


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
            format_day(row.event_date) if row.event_date else "",
            "" if row.days is None else str(row.days),
            format_amount(row.amount, "fi"),
        ])
    # The totals row, as the XLSX has (as a number here: a CSV holds no formula).
    writer.writerow([_("Yhteensä"), "", "", "", "", "", "", format_amount(sum((row.amount for row in rows), Decimal("0.00")), "fi")])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[ExportRow], *, title: str) -> bytes:
    """The lines under a bold, frozen header with an autofilter over them, money as ``# ##0,00 €``,
    and below them a totals row (a SUM formula, so that a sum stays right after an edit). Written
    row by row (openpyxl's write-only mode: a national run's 150,000 lines in seconds, not minutes)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    last = len(rows) + 1
    sheet.auto_filter.ref = f"A1:{COLUMNS[-1]}{last}"  # the header and the lines, not the totals row
    for column, width in zip(COLUMNS, (32, 12, 18, 18, 16, 14, 12, 14)):
        sheet.column_dimensions[column].width = width
    bold = Font(bold=True)

    def cell(value, *, font=None, number_format=None, text=False):
        made = WriteOnlyCell(sheet, value=value)
        if text:
            made.data_type = "s"  # text, never a formula
        if font is not None:
            made.font = font
        if number_format is not None:
            made.number_format = number_format
        return made

    def text(value: str):
        # XLSX keeps its types: text is written as it is, without CSV's apostrophe; only what
        # openpyxl would take for a formula needs a cell of its own.
        return cell(value, text=True) if value.startswith("=") else value

    sheet.append([cell(header, font=bold, text=True) for header in headers()])
    for row in rows:
        sheet.append([
            text(row.provider), text(row.business_id), text(row.voucher_number), text(row.voucher_kind),
            text(row.line_kind), cell(row.event_date, number_format=DATE_FORMAT) if row.event_date else None,
            row.days, cell(row.amount, number_format=MONEY_FORMAT),
        ])
    total = f"=SUM({AMOUNT_COLUMN}2:{AMOUNT_COLUMN}{last})" if rows else Decimal("0.00")
    sheet.append([cell(_("Yhteensä"), font=bold, text=True), *([cell(None, font=bold)] * 6),
                  cell(total, font=bold, number_format=MONEY_FORMAT)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_response(run, *, provider_id: int | None = None) -> HttpResponse:
    """The run's lines; with ``provider_id`` only that provider's."""
    rows = export_rows(run_lines(run, provider_id=provider_id), month=run.month)
    response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename(run, "csv", provider_id=provider_id))


def xlsx_response(run, *, provider_id: int | None = None) -> HttpResponse:
    """The run's lines; with ``provider_id`` only that provider's."""
    rows = export_rows(run_lines(run, provider_id=provider_id), month=run.month)
    title = f"Maksatus {run.month:%m-%Y}" if provider_id is None else f"Maksut {run.month:%m-%Y}"
    content = xlsx_bytes(rows, title=title)
    return _attachment(
        HttpResponse(content, content_type=XLSX_TYPE), filename(run, "xlsx", provider_id=provider_id)
    )
