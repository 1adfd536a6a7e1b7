"""How fast and how cheaply the event import refuses the XLSX bombs of SECURITY.md round three,
item 1 (prints figures, asserts nothing): `.venv/bin/python scripts/bench_bombs.py`."""

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psop.settings")
os.environ.setdefault("DATABASE_URL", "postgresql://unused@localhost/unused")  # nothing is queried

import django  # noqa: E402

django.setup()

from events.imports import ImportRefused, read_bytes  # noqa: E402
from tests.test_spreadsheets import SHEET_XML, shared_strings, with_parts, workbook_bytes  # noqa: E402


def main() -> None:
    header = workbook_bytes(["ostovoima", "päivämäärä", "määrä"])
    cases = {
        "10,000,000 empty rows": with_parts(header, sheet=SHEET_XML.format(rows="<row/>" * 10_000_000)),
        "a 1 GB shared string": with_parts(header, strings=shared_strings("x" * 1024**3)),
    }
    for name, data in cases.items():
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        try:
            read_bytes(data)
            outcome = "READ (not refused)"
        except ImportRefused as refused:
            outcome = f"refused: {refused.message}"
        took = time.perf_counter() - started
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) // 1024
        print(f"{name}: {len(data) // 1024} KB file, {took * 1000:.1f} ms, peak memory +{grown} MB, {outcome}")


if __name__ == "__main__":
    main()
