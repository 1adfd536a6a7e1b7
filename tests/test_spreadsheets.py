"""core.spreadsheets: an uploaded XLSX is read within bounds (SECURITY.md round three, item 1)."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from core.spreadsheets import MAX_PART_BYTES, SpreadsheetRefused, check_parts, xlsx_lines

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
SHEET_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
)


def workbook_bytes(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_parts(data: bytes, **parts: str) -> bytes:
    """``data`` with some parts replaced or added (``sheet=``, ``strings=``), deflated as Excel does."""
    names = {"sheet": SHEET, "strings": STRINGS}
    replaced = {names[key]: value.encode() for key, value in parts.items()}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, replaced.pop(item.filename, None) or source.read(item.filename))
        for name, content in replaced.items():
            target.writestr(name, content)
    return out.getvalue()


def shared_strings(*texts: str) -> str:
    items = "".join(f"<si><t>{text}</t></si>" for text in texts)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(texts)}" '
        f'uniqueCount="{len(texts)}">{items}</sst>'
    )


def test_xlsx_lines__an_ordinary_sheet__its_lines_as_text():
    data = workbook_bytes(["ostovoima", "määrä"], ["1001", 2.5], ["1002", 3.0])

    assert list(xlsx_lines(data, max_columns=3)) == [
        (1, ["ostovoima", "määrä", ""]), (2, ["1001", "2.5", ""]), (3, ["1002", "3", ""])
    ]


def test_xlsx_lines__millions_of_empty_rows_in_a_small_file__refused_before_reading():
    rows = "<row/>" * 3_000_000  # 18 MB unzipped, a few tens of KB zipped
    data = with_parts(workbook_bytes(["ostovoima"]), sheet=SHEET_XML.format(rows=rows))
    assert len(data) < 200_000

    with pytest.raises(SpreadsheetRefused) as refused:
        next(xlsx_lines(data, max_columns=5))

    assert "purettuna liian suuri" in refused.value.message


def test_xlsx_lines__a_huge_shared_string__refused_before_reading():
    data = with_parts(workbook_bytes(["ostovoima"]), strings=shared_strings("x" * (MAX_PART_BYTES + 1)))

    with pytest.raises(SpreadsheetRefused, match="purettuna liian suuri"):
        check_parts(data)


def test_xlsx_lines__a_cell_longer_than_the_cap__refused_naming_its_line():
    sheet = SHEET_XML.format(rows='<row r="1"><c r="A1" t="inlineStr"><is><t>ostovoima</t></is></c></row>'
                                  f'<row r="2"><c r="A2" t="inlineStr"><is><t>{"y" * 5000}</t></is></c></row>')
    data = with_parts(workbook_bytes(["x"]), sheet=sheet)

    lines = xlsx_lines(data, max_columns=1, max_cell_chars=4000)

    assert next(lines) == (1, ["ostovoima"])
    with pytest.raises(SpreadsheetRefused, match="Rivin 2 solussa on yli 4000 merkkiä"):
        next(lines)


def test_xlsx_lines__a_far_row_number__gap_rows_yielded_lazily_so_the_caller_can_stop():
    sheet = SHEET_XML.format(rows='<row r="1"><c r="A1" t="inlineStr"><is><t>ostovoima</t></is></c></row>'
                                  '<row r="50000000"><c r="A50000000" t="inlineStr"><is><t>1001</t></is></c></row>')
    data = with_parts(workbook_bytes(["x"]), sheet=sheet)

    lines = xlsx_lines(data, max_columns=1)
    first = [next(lines) for _ in range(3)]
    lines.close()

    assert first[0] == (1, ["ostovoima"]) and first[1:] == [(2, [""]), (3, [""])]


@pytest.mark.parametrize("data", [b"PK\x03\x04 not a zip", b"plain text"])
def test_xlsx_lines__not_a_zip__the_one_refusal(data):
    with pytest.raises(SpreadsheetRefused, match="ei ole kelvollinen XLSX-tiedosto"):
        next(xlsx_lines(data, max_columns=5))


def test_xlsx_lines__broken_sheet_xml__the_one_refusal():
    data = with_parts(workbook_bytes(["x"]), sheet=SHEET_XML.format(rows="<row><c r='A1'><v>1</v></c>"))

    with pytest.raises(SpreadsheetRefused, match="ei ole kelvollinen XLSX-tiedosto"):
        list(xlsx_lines(data, max_columns=5))
