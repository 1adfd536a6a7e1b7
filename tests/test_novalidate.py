"""Issue 23, item 2: no browser validation bubbles (in the browser's language, not the app's): every
form of every template has ``novalidate``, so the app's own Finnish error summary and inline errors
answer instead."""

import re
from pathlib import Path

from django.conf import settings

FORM = re.compile(r"<form\b[^>]*>", re.S)
COMMENT = re.compile(r"{% comment %}.*?{% endcomment %}", re.S)


def test_every_form_in_every_template_has_novalidate():
    missing = []
    roots = [Path(settings.BASE_DIR) / "templates"]
    for root in roots:
        for path in sorted(root.rglob("*.html")):
            text = COMMENT.sub(lambda comment: "\n" * comment.group(0).count("\n"), path.read_text(encoding="utf-8"))
            for match in FORM.finditer(text):
                if "novalidate" not in match.group(0):
                    line = text[: match.start()].count("\n") + 1
                    missing.append(f"{path.relative_to(settings.BASE_DIR)}:{line}")
    assert not missing, "forms without novalidate: " + ", ".join(missing)
