"""Importing events from a file ("Tuo tapahtumia"): a CSV or XLSX file with the columns of the
template, read into rows, each row cleaned by the event form's own fields (``EventRowForm``) and
checked by the recording service's own rules (``events.recording``: recordable, priced, within
what was granted or under review, a balance never overdrawn). A preview shows every row's
result; saving records the good rows in one transaction, or none when the user chose "all or
nothing" and a row is bad.

Set-based for 10,000 rows: the recording service (``events.recording.events_record_many``) reads
the reservations of all rows (and locks them, when saving) in one query, their usage in one GROUP
BY, each price once per provider, content and day, and inserts the events in batches.

Between the preview and "Tallenna" the rows travel in the page, signed by the server for this
user (django.core.signing, compressed, one hour): nothing to store, any web node can save them,
and they are checked again when saved, for things may have changed in between.
"""

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.dates import today
from core.errors import DomainError, ErrorCode
from core.money import format_amount, format_euros
from core.spreadsheets import SpreadsheetRefused, xlsx_lines
from events.forms import EventRowForm
from events.models import Event, EventStatus
from events.recording import NewEvent, events_record_many
from organisations import permissions
from vouchers.selectors import providers_acted_for

# The file's columns: its header (Finnish, as the template has them) and the form field each fills.
COLUMNS = (("ostovoima", "ostovoima"), ("päivämäärä", "paivamaara"), ("määrä", "maara"), ("lisätieto", "lisatieto"))
REQUIRED_COLUMNS = ("ostovoima", "päivämäärä", "määrä")
FIELD_COLUMN = {name: header for header, name in COLUMNS}
MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
MAX_COLUMNS = 30
SIGNED_FOR = 60 * 60  # seconds a preview can be saved
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Which column a refusal of the service is about.
CODE_COLUMN = {
    ErrorCode.RESERVATION_NOT_FOUND: "ostovoima",
    ErrorCode.KIND_NOT_RECORDABLE: "ostovoima",
    ErrorCode.CONTENT_NOT_RESERVED: "ostovoima",
    ErrorCode.QUANTITY_NOT_POSITIVE: "määrä",
    ErrorCode.QUANTITY_PRECISION: "määrä",
    ErrorCode.QUANTITY_TOO_LARGE: "määrä",
    ErrorCode.BALANCE_EXCEEDED: "määrä",
    ErrorCode.DATE_IN_FUTURE: "päivämäärä",
    ErrorCode.DATE_OUTSIDE_VALIDITY: "päivämäärä",
    ErrorCode.RESERVATION_ENDED: "päivämäärä",
    ErrorCode.NO_PRICE: "päivämäärä",
}


class ImportRefused(Exception):
    """The whole file (or preview) is refused; ``message`` says why, in Finnish."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass
class Row:
    """A row of the file as read: its line (the header is line 1) and its cells by field name."""

    line: int
    cells: dict[str, str]


@dataclass
class RowResult:
    line: int
    number: str
    date: dt.date | None = None
    quantity: Decimal | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    event: Event | None = None
    raw: dict[str, str] = field(default_factory=dict)  # the cells as read, shown for a value that did not parse

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def under_review(self) -> bool:
        return self.event is not None and self.event.status == EventStatus.UNDER_REVIEW

    # What the preview shows, made here: 10,000 rows through template filters took seconds.
    @property
    def date_text(self) -> str:
        return f"{self.date.day}.{self.date.month}.{self.date.year}" if self.date else self.raw.get("paivamaara", "")

    @property
    def quantity_text(self) -> str:
        if self.quantity is None:
            return self.raw.get("maara", "")
        if self.quantity == self.quantity.to_integral_value():
            return str(int(self.quantity))
        return format_amount(self.quantity, get_language())

    @property
    def total_text(self) -> str:
        return format_euros(self.event.total, get_language()) if self.event is not None else ""


@dataclass
class Outcome:
    rows: list[RowResult]
    saved: int = 0

    @property
    def bad(self) -> list[RowResult]:
        return [row for row in self.rows if not row.ok]

    @property
    def good(self) -> list[RowResult]:
        return [row for row in self.rows if row.ok]

    @property
    def under_review(self) -> int:
        return sum(1 for row in self.rows if row.ok and row.under_review)


# --- reading a file ---------------------------------------------------------------------------------


def read_upload(upload) -> list[Row]:
    """The rows of an uploaded CSV or XLSX file (told apart by content, not by name)."""
    if upload.size > MAX_BYTES:
        raise ImportRefused(_("Tiedosto on liian suuri (enintään %(mb)s Mt).") % {"mb": MAX_BYTES // (1024 * 1024)})
    return read_bytes(upload.read())


def read_bytes(data: bytes) -> list[Row]:
    if not data.strip():
        raise ImportRefused(_("Tiedosto on tyhjä."))
    table = _xlsx_table(data) if data.startswith(b"PK\x03\x04") else _csv_table(data)
    return _rows(table)


def _csv_table(data: bytes):
    """(line, cells) of a CSV file: ``;`` between columns, UTF-8 with or without a BOM (or
    Windows-1252, as older Excel saves "CSV (puolipisteellä erotettu)")."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportRefused(_("Tiedosto ei ole CSV- eikä XLSX-tiedosto.")) from None
    if "\x00" in text:
        raise ImportRefused(_("Tiedosto ei ole CSV- eikä XLSX-tiedosto."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    line = 1
    try:
        for cells in reader:
            yield line, cells[:MAX_COLUMNS]
            line = reader.line_num + 1
    except csv.Error:
        raise ImportRefused(_("Tiedoston riviä %(line)s ei voi lukea CSV-muodossa.") % {"line": line}) from None


def _xlsx_table(data: bytes):
    """(line, cells) of an XLSX file's first sheet, within core.spreadsheets' bounds."""
    try:
        yield from xlsx_lines(data, max_columns=MAX_COLUMNS)
    except SpreadsheetRefused as refused:
        raise ImportRefused(refused.message) from None


def _header_key(text: str) -> str:
    return (text or "").strip().strip("\ufeff").lower()


def _too_many_rows() -> ImportRefused:
    return ImportRefused(
        _("Tiedostossa on yli %(max)s riviä. Jaa tapahtumat useaan tiedostoon.") % {"max": f"{MAX_ROWS:,}".replace(",", " ")}
    )


def _rows(table) -> list[Row]:
    """Rows by the header's column names; empty rows skipped, but every line read counts: at most
    MAX_ROWS lines after the header (a sheet of ten million empty rows is refused at the first
    line past it, not read to its end)."""
    table = iter(table)
    header = None
    for line, cells in table:
        if line > MAX_ROWS:
            raise _too_many_rows()
        if any((cell or "").strip() for cell in cells):
            header = [_header_key(cell) for cell in cells]
            break
    if header is None:
        raise ImportRefused(_("Tiedosto on tyhjä."))
    known = {name for name, _field in COLUMNS}
    columns = "; ".join(name for name, _field in COLUMNS)
    if len(header) == 1 and "," in header[0]:
        raise ImportRefused(_("Sarakkeet erotetaan puolipisteellä (;). Käytä mallipohjan sarakkeita: %(columns)s.") % {"columns": columns})
    unknown = [name for name in header if name and name not in known]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(_("Tiedostosta puuttuu sarake: %(names)s.") % {"names": ", ".join(missing)})
        if unknown:
            parts.append(_("Tuntematon sarake: %(names)s.") % {"names": ", ".join(unknown[:5])})
        parts.append(_("Käytä mallipohjan sarakkeita: %(columns)s.") % {"columns": columns})
        raise ImportRefused(" ".join(parts))
    if len(set(filter(None, header))) != len([name for name in header if name]):
        raise ImportRefused(_("Sama sarake on tiedostossa kahdesti. Käytä mallipohjan sarakkeita: %(columns)s.") % {"columns": columns})
    positions = {dict(COLUMNS)[name]: index for index, name in enumerate(header) if name}
    rows = []
    for read, (line, cells) in enumerate(table, start=1):
        if read > MAX_ROWS:
            raise _too_many_rows()
        if not any((cell or "").strip() for cell in cells):
            continue
        rows.append(Row(line, {name: (cells[index] if index < len(cells) else "").strip() for name, index in positions.items()}))
    if not rows:
        raise ImportRefused(_("Tiedostossa ei ole yhtään tapahtumariviä otsikkorivin jälkeen."))
    return rows


# --- the rows between the preview and "Tallenna" ----------------------------------------------------


def _salt(user) -> str:
    return f"events.imports:{user.pk}"


def sign_rows(*, user, rows: list[Row], provider_id: int | None) -> str:
    fields = [name for _header, name in COLUMNS]
    payload = {"p": provider_id, "r": [[row.line, *(row.cells.get(name, "") for name in fields)] for row in rows]}
    return signing.dumps(payload, salt=_salt(user), compress=True)


def unsign_rows(*, user, token: str) -> tuple[list[Row], int | None]:
    """The rows a preview showed this user, or ImportRefused when the preview is too old or not theirs."""
    try:
        payload = signing.loads(token, salt=_salt(user), max_age=SIGNED_FOR)
    except signing.SignatureExpired:
        raise ImportRefused(_("Esikatselu on vanhentunut. Lataa tiedosto uudelleen.")) from None
    except signing.BadSignature:
        raise ImportRefused(_("Esikatselua ei löydy. Lataa tiedosto uudelleen.")) from None
    fields = [name for _header, name in COLUMNS]
    rows = [Row(entry[0], dict(zip(fields, entry[1:], strict=True))) for entry in payload["r"]]
    return rows, payload["p"]


def token_digest(token: str) -> str:
    """A short fingerprint of a preview, to refuse saving the same preview twice."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


# --- checking and recording --------------------------------------------------------------------------


def import_providers(user):
    """The providers an organiser user may import events for (those with an agreement with the
    organiser); None for provider users, who import for their own provider."""
    if not permissions.is_organiser(user):
        return None
    return providers_acted_for(organiser_id=permissions.organiser_id_of(user))


def _refusal(error: DomainError) -> tuple[str, str]:
    return CODE_COLUMN.get(error.code, ""), error.message


@transaction.atomic
def import_events(*, user, rows: list[Row], provider_id: int | None = None, save: bool = False,
                  all_or_nothing: bool = False, batch: str = "") -> Outcome:
    """Check every row as ``events.services.event_record`` would, in the file's order (a row sees
    the rows above it); with ``save``, record the good ones in this transaction — or none of them,
    with ``all_or_nothing``, when any row is bad. The recording service does both
    (``events.recording.events_record_many``). Provider users import onto their own provider's
    reservations; organiser users onto ``provider_id``'s reservations of their own vouchers. A
    number that is not the user's is refused as one that does not exist. ``batch`` names the
    preview: each event keeps it with its line as its ``client_id`` (unique per reservation), so
    the same preview saved twice, even at the same moment, records its rows once."""
    if permissions.is_organiser(user) and provider_id is None:
        raise ImportRefused(_("Valitse palveluntuottaja."))
    results, checked = [], []
    for row in rows:
        data, errors = EventRowForm.clean_row(row.cells)
        result = RowResult(line=row.line, number=row.cells.get("ostovoima", ""), raw=row.cells)
        for name, messages in errors.items():
            result.errors.extend((FIELD_COLUMN.get(name, ""), message) for message in messages)
        results.append(result)
        if result.ok:
            result.date, result.quantity = data["paivamaara"], data["maara"]
            client_id = f"tuonti-{batch}-{row.line}" if save and batch else None
            checked.append((result, NewEvent(voucher_number=data["ostovoima"], date=result.date, quantity=result.quantity,
                                             note=data["lisatieto"], client_id=client_id)))
    # A row the form refused is as bad as one the service refuses: with "all or nothing", nothing.
    save = save and not (all_or_nothing and len(checked) < len(results))
    try:
        recorded = events_record_many(user=user, rows=[new for _result, new in checked], provider_id=provider_id,
                                      save=save, all_or_nothing=all_or_nothing)
    except DomainError as error:
        if error.code == ErrorCode.ALREADY_RECORDED:  # the same preview saved at the same moment
            raise ImportRefused(_("Tämä tiedosto on jo tallennettu. Lataa uusi tiedosto.")) from None
        raise
    for (result, _new), answer in zip(checked, recorded, strict=True):
        if answer.ok:
            result.event = answer.event
        elif answer.error.code == ErrorCode.ALREADY_RECORDED:
            raise ImportRefused(_("Tämä tiedosto on jo tallennettu. Lataa uusi tiedosto."))
        else:
            result.errors.append(_refusal(answer.error))
    outcome = Outcome(rows=results)
    if save and not (all_or_nothing and outcome.bad):
        outcome.saved = len(outcome.good)
    return outcome


# --- the template -------------------------------------------------------------------------------------


def _example_row() -> list[str]:
    first = today().replace(day=1)
    return ["1005", f"{first.day}.{first.month}.{first.year}", "1,5", "Aamukäynti"]


def template_csv() -> bytes:
    """The template as Finnish Excel saves "CSV UTF-8": a BOM, ``;`` and a decimal comma."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([name for name, _field in COLUMNS])
    writer.writerow(_example_row())
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tapahtumat"
    sheet.append([name for name, _field in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    number, _day, _quantity, note = _example_row()
    sheet.append([number, today().replace(day=1), Decimal("1.5"), note])
    sheet["A2"].number_format = "@"
    sheet["B2"].number_format = "d.m.yyyy"
    sheet["C2"].number_format = "0.00"
    for column, width in zip("ABCD", (14, 14, 10, 40), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
