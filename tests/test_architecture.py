"""The floor plan (README "Architecture"): each app imports only the apps below it, and a template
of one app uses another app's template or URL only where that is allowed or a declared slot."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each of our packages may import (besides itself, Django and third-party libraries).
ALLOWED = {
    "psop": {"core", "audit", "organisations", "vouchers", "reservations", "customers", "events", "payments"},
    "core": set(),
    # Accounts: password state (issue 14); organisations flags a password its admin typed.
    "accounts": {"core"},
    "audit": {"core"},
    "organisations": {"accounts", "core", "audit"},
    "vouchers": {"organisations", "core", "audit"},
    # notifications (issue 13, item 21): made by the services above it where the organiser acts.
    "notifications": {"organisations", "core", "audit"},
    "reservations": {"notifications", "vouchers", "organisations", "core", "audit"},
    "customers": {"vouchers", "organisations", "core", "audit"},
    "events": {"notifications", "reservations", "vouchers", "organisations", "core", "audit"},
    "payments": {"notifications", "events", "customers", "vouchers", "organisations", "core", "audit"},
    # The REST API (issue 12): thin, over every app's selectors and services.
    "api": {"payments", "events", "customers", "reservations", "vouchers", "organisations", "core", "audit"},
    "demo": {"api", "payments", "events", "customers", "reservations", "vouchers", "organisations", "accounts", "core", "audit"},
}
OURS = set(ALLOWED) | {"tests", "scripts"}
# psop wires the apps together by string (include("vouchers.urls"), INSTALLED_APPS): it imports
# nothing of theirs but core's helpers, which its error views may use.
ALLOWED["psop"] = {"core"}

# A lower app's template includes a higher app's partial only through these declared slots.
SLOTS = {
    ("vouchers/_voucher_card.html", "reservations/_voucher_reservation.html"),
    ("vouchers/_voucher_card.html", "customers/_voucher_customership.html"),
    # The customership forms (transfer, end) show the customership's end as the card does.
    ("vouchers/action.html", "customers/_customership_end.html"),
    ("reservations/_reservation_details.html", "events/_reservation_actions.html"),
    # A capitation voucher cannot be reserved: the refusal points to "Luo asiakkuus" instead.
    ("reservations/create.html", "customers:…"),
    # The Organisaatio pages' tabs link to the API-key pages, which the api app serves (issue 12).
    ("organisations/nav.html", "api:…"),
}
# Shared templates at the root of templates/ (layout, tabs, pagination, errors) belong to no app.


def _modules():
    for package in ALLOWED:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield package, path


def _imported_packages(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def test_every_app_imports_only_the_apps_below_it():
    problems = []
    checked = 0
    for package, path in _modules():
        checked += 1
        for line, imported in _imported_packages(path):
            if imported in OURS and imported != package and imported not in ALLOWED[package]:
                problems.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert checked > 50  # the walk found the code
    assert not problems, "imports outside the floor plan:\n" + "\n".join(problems)


def test_the_import_check_catches_an_upward_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from payments.models import PaymentRun\nimport events.services\n")
    assert [name for _, name in _imported_packages(module)] == ["payments", "events"]


TEMPLATE_REFERENCE = re.compile(r"""{%\s*(?:include|extends)\s+["'](?P<template>[^"']+)["']|{%\s*url\s+["'](?P<namespace>\w+):""")
APP_OF_NAMESPACE = {"vouchers": "vouchers", "organisations": "organisations", "reservations": "reservations",
                    "customers": "customers", "events": "events", "payments": "payments",
                    "api": "api"}


def _template_references():
    for path in sorted((ROOT / "templates").rglob("*.html")):
        relative = path.relative_to(ROOT / "templates").as_posix()
        owner = relative.split("/")[0] if "/" in relative else None
        for match in TEMPLATE_REFERENCE.finditer(path.read_text()):
            if match["template"]:
                target = match["template"]
                app = target.split("/")[0] if "/" in target else None
            else:
                target = f"{match['namespace']}:…"
                app = APP_OF_NAMESPACE.get(match["namespace"])
            yield relative, owner, target, app


def test_templates_use_only_the_apps_below_theirs_or_a_declared_slot():
    problems = []
    for relative, owner, target, app in _template_references():
        if owner not in ALLOWED or app is None or app == owner or app in ALLOWED[owner]:
            continue
        if (relative, target) in SLOTS:
            continue
        problems.append(f"templates/{relative} uses {target}")
    assert not problems, "templates outside the floor plan:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*.html")))
def test_templates_ask_the_access_module_instead_of_comparing_roles(path):
    text = (ROOT / path).read_text()
    assert ".role" not in text.replace(".get_role_display", ""), f"{path} reads a role: ask `access` instead"


def test_only_the_access_module_reads_a_membership_role():
    readers = []
    for package, path in _modules():
        if "migrations" in path.parts or package == "demo":
            continue
        relative = path.relative_to(ROOT).as_posix()
        if relative == "organisations/permissions.py":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "role" and isinstance(node.ctx, ast.Load):
                readers.append(f"{relative}:{node.lineno}")
    assert not readers, "reads membership.role outside organisations/permissions.py:\n" + "\n".join(readers)
