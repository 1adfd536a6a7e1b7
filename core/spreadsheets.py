"""An uploaded XLSX file read within bounds (SECURITY.md, round three).

An XLSX is a zip of XML parts, and a small upload can unzip to gigabytes: ten million empty
``<row/>`` elements in an 89 KB file, or one shared string of a gigabyte. So before openpyxl reads
anything, every part's unzipped size is checked against a cap (a zip member cannot unzip to more
than the size its header declares: ``zipfile`` stops there and fails the CRC); then the first
sheet is read in openpyxl's read-only (streaming) mode, and every cell's text is checked against a
length cap. The caller counts the lines it reads, blank ones too, and stops at its own limit:
the sheet's rows are yielded lazily, so nothing past that limit is parsed.
"""

import datetime as dt
import io
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _

MAX_PARTS = 200
MAX_PART_BYTES = 16 * 1024 * 1024  # one part unzipped: the sheet, the shared strings, the styles
MAX_UNZIPPED_BYTES = 48 * 1024 * 1024  # all parts together
MAX_CELL_CHARS = 4000


class SpreadsheetRefused(Exception):
    """The file is not read: ``message`` says why, in Finnish, for the page."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def check_parts(data: bytes, *, max_part_bytes: int = MAX_PART_BYTES, max_total_bytes: int = MAX_UNZIPPED_BYTES) -> None:
    """Refuse a zip whose parts would unzip past the caps, before anything is unzipped."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SpreadsheetRefused(_("Tiedostoa ei voi lukea: se ei ole kelvollinen XLSX-tiedosto.")) from None
    too_large = _("Tiedosto on purettuna liian suuri (enintään %(mb)s Mt). Tallenna vain tapahtumarivit uuteen tiedostoon.")
    if len(parts) > MAX_PARTS or any(part.file_size > max_part_bytes for part in parts):
        raise SpreadsheetRefused(too_large % {"mb": max_part_bytes // (1024 * 1024)})
    if sum(part.file_size for part in parts) > max_total_bytes:
        raise SpreadsheetRefused(too_large % {"mb": max_total_bytes // (1024 * 1024)})


def xlsx_lines(data: bytes, *, max_columns: int, max_cell_chars: int = MAX_CELL_CHARS) -> Iterator[tuple[int, list[str]]]:
    """(line, cells as text) of the first sheet, read-only; dates as ISO dates, whole numbers
    without decimals. Raises SpreadsheetRefused for a file past the caps or not an XLSX."""
    from openpyxl import load_workbook

    check_parts(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any broken or foreign zip file gets the same answer
        raise SpreadsheetRefused(_("Tiedostoa ei voi lukea: se ei ole kelvollinen XLSX-tiedosto.")) from None
    try:
        rows = workbook.worksheets[0].iter_rows(max_col=max_columns, values_only=True)
        for line, values in enumerate(_guarded(rows), start=1):
            cells = [cell_text(value) for value in values]
            if any(len(cell) > max_cell_chars for cell in cells):
                raise SpreadsheetRefused(
                    _("Rivin %(line)s solussa on yli %(max)s merkkiä.") % {"line": line, "max": max_cell_chars}
                )
            yield line, cells
    finally:
        workbook.close()


def _guarded(rows):
    """The sheet's rows; a broken sheet (bad XML, a bad cell) is the file's refusal, not a 500."""
    try:
        yield from rows
    except SpreadsheetRefused:
        raise
    except Exception:  # noqa: BLE001
        raise SpreadsheetRefused(_("Tiedostoa ei voi lukea: se ei ole kelvollinen XLSX-tiedosto.")) from None


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(round(value, 6))
    return str(value)
