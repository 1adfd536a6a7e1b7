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
    # Identification (issue 21): invitations bind identities to an organisation's users; a customer
    # identifies by the henkilötunnus, matched to the customer register (issue 25).
    "identity": {"vouchers", "organisations", "accounts", "core", "audit"},
    "vouchers": {"organisations", "core", "audit"},
    # notifications (issue 13, item 21): made by the services above it where the organiser acts.
    "notifications": {"organisations", "core", "audit"},
    # The organiser's registers (issue 22): services, agreements and price lists, with their history.
    "registers": {"vouchers", "organisations", "core", "audit"},
    # Hakeutuminen (issue 24): rulebooks and applications; approving one makes an agreement and a price
    # list through the registers' services.
    "applications": {"registers", "notifications", "vouchers", "organisations", "core", "audit"},
    "reservations": {"notifications", "vouchers", "organisations", "core", "audit"},
    "customers": {"vouchers", "organisations", "core", "audit"},
    "events": {"notifications", "reservations", "vouchers", "organisations", "core", "audit"},
    "payments": {"notifications", "events", "customers", "vouchers", "organisations", "core", "audit"},
    # Granting (issue 22): the organiser's decisions; what a change may not undo is read below it.
    "grants": {"events", "customers", "reservations", "vouchers", "organisations", "core", "audit"},
    # The REST API (issue 12): thin, over every app's selectors and services.
    "api": {"grants", "payments", "events", "customers", "reservations", "vouchers", "organisations", "core", "audit"},
    # The customer's side (issue 25): the public comparison, the customer's own vouchers, choosing.
    "choice": {"identity", "events", "customers", "reservations", "vouchers", "organisations", "core", "audit"},
    "demo": {"choice", "applications", "grants", "identity", "api", "payments", "events", "customers", "reservations", "vouchers", "organisations", "accounts", "core", "audit"},
}
OURS = set(ALLOWED) | {"tests", "scripts"}
# psop wires the apps together by string (include("vouchers.urls"), INSTALLED_APPS): it imports
# nothing of theirs but core's helpers, which its error views may use.
ALLOWED["psop"] = {"core"}

# A lower app's template includes a higher app's partial only through these declared slots.
SLOTS = {
    ("vouchers/_voucher_card.html", "reservations/_voucher_reservation.html"),
    ("vouchers/_voucher_card.html", "customers/_voucher_customership.html"),
    # The decision's actions ("Tulosta päätös", "Muuta myöntöä", "Sulje ostovoima") and Muutoshistoria (issue 22).
    ("vouchers/_voucher_card.html", "grants/_voucher_grant.html"),
    # The customership forms (transfer, end) show the customership's end as the card does.
    ("vouchers/action.html", "customers/_customership_end.html"),
    ("reservations/_reservation_details.html", "events/_reservation_actions.html"),
    # A capitation voucher cannot be reserved: the refusal points to "Luo asiakkuus" instead.
    ("reservations/create.html", "customers:…"),
    # The Organisaatio pages' tabs link to the API-key pages, which the api app serves (issue 12).
    ("organisations/nav.html", "api:…"),
    # ... and to identification's pages (issue 21): its settings, inviting a user, a user's identities.
    ("organisations/nav.html", "identity:…"),
    # ... and to the organiser's registers (issue 22): Palvelut and Sopimukset.
    ("organisations/nav.html", "registers:…"),
    # ... and to hakeutuminen's (issue 24): Sääntökirjat and Hakemukset.
    ("organisations/nav.html", "applications:…"),
    ("organisations/users.html", "identity:…"),
    # Palveluvaraukset links to the customers' choices of the provider (the choice app, issue 25).
    ("reservations/list.html", "choice:…"),
    ("organisations/user_edit.html", "identity:…"),
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


# --- the doors an import check cannot see: reflection and another app's private names -------------


def _code_modules():
    """Our apps' modules but their migrations, which name historical models by design."""
    for package, path in _modules():
        if "migrations" not in path.parts:
            yield package, path


def _may_reach(package: str, app: str) -> bool:
    return app == package or app not in OURS or app in ALLOWED[package]


def _module_aliases(tree) -> dict[str, str]:
    """Names bound to a module of one of our apps in this module: {alias: app}."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name.split(".")[0]
                else:
                    aliases[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            app = node.module.split(".")[0]
            for alias in node.names:
                # ``from organisations import permissions``: a module; ``from x.models import Y``: a
                # class, whose private names are as much its app's own.
                aliases[alias.asname or alias.name] = app
    return aliases


# Django's documented model API, private by its name only.
DJANGO_PUBLIC = {"_meta", "_default_manager", "_base_manager", "_state"}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in DJANGO_PUBLIC


def _private_attributes() -> dict[str, set[str]]:
    """The private attributes each app sets on objects not its own (``user._psop_membership =``):
    {name: apps that set it}. ``self._x`` and ``cls._x`` are the class's own business."""
    owners: dict[str, set[str]] = {}
    for package, path in _code_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and _private(node.attr)
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
                owners.setdefault(node.attr, set()).add(package)
    return owners


def _hidden_doors(path: Path, package: str, private_attributes: dict[str, set[str]]):
    """(line, what) for each way this module reaches past the floor plan without an import: a
    model looked up by name (``apps.get_model``) in an app it may not import, a model reached
    through a relation's ``_meta`` (``get_field(…).related_model``), and a private name of another
    of our apps (``from events.services import _priced``, ``permissions._role``,
    ``user._psop_membership``)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    aliases = _module_aliases(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            if name == "get_model":
                first = node.args[0] if node.args else None
                label = first.value.split(".")[0] if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
                if label is None or not _may_reach(package, label):
                    yield node.lineno, f"get_model({label or '…'}) by name"
            elif name in ("getattr", "hasattr", "setattr") and len(node.args) >= 2:
                attribute = node.args[1]
                if isinstance(attribute, ast.Constant) and isinstance(attribute.value, str):
                    owners = private_attributes.get(attribute.value, {package})
                    if package not in owners:
                        yield node.lineno, f"{name}(…, {attribute.value!r}), a private attribute of {', '.join(sorted(owners))}"
        elif isinstance(node, ast.Attribute):
            if (node.attr == "related_model" and isinstance(node.value, ast.Call)
                    and getattr(node.value.func, "attr", "") == "get_field"):
                yield node.lineno, "a model reached through _meta.get_field(…).related_model"
            elif _private(node.attr):
                owners = private_attributes.get(node.attr, {package})
                owner = aliases.get(node.value.id) if isinstance(node.value, ast.Name) else None
                if owner is not None and not owner == package and owner in OURS:
                    yield node.lineno, f"{node.value.id}.{node.attr}, a private name of {owner}"
                elif package not in owners:
                    yield node.lineno, f".{node.attr}, a private attribute of {', '.join(sorted(owners))}"
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            app = node.module.split(".")[0]
            if app in OURS and app != package:
                for alias in node.names:
                    if _private(alias.name):
                        yield node.lineno, f"imports {node.module}.{alias.name}, a private name of {app}"


def test_no_app_reaches_past_the_floor_plan_by_reflection_or_private_names():
    private_attributes = _private_attributes()
    shared = {name: owners for name, owners in private_attributes.items() if len(owners) > 1}
    problems = [f"{name} is set by {', '.join(sorted(owners))}: one app owns it" for name, owners in shared.items()]
    for package, path in _code_modules():
        problems += [f"{path.relative_to(ROOT)}:{line} {what}" for line, what in _hidden_doors(path, package, private_attributes)]
    assert not problems, "doors the imports do not show:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "package", "caught"),
    [
        ('from django.apps import apps\nEvent = apps.get_model("events", "Event")\n', "reservations", True),
        ('from django.apps import apps\nEvent = apps.get_model("events.Event")\n', "vouchers", True),
        ('from django.apps import apps\nmodel = apps.get_model(label, name)\n', "reservations", True),
        ('from django.apps import apps\nVoucher = apps.get_model("vouchers", "Voucher")\n', "events", False),
        ('model = Reservation._meta.get_field("events").related_model\n', "reservations", True),
        ("from events.services import _priced\n", "api", True),
        ("from organisations import permissions\nrole = permissions._role(user)\n", "vouchers", True),
        ("import organisations.permissions as access\nrole = access._role(user)\n", "audit", True),
        ("cached = user._psop_membership\n", "audit", True),
        ('cached = hasattr(user, "_psop_membership")\n', "audit", True),
        ("cached = user._psop_membership\n", "organisations", False),
        ("from events.services import _priced\n", "events", False),
        ("self._cache = {}\nvalue = self._cache\n", "vouchers", False),
    ],
)
def test_the_door_check_catches_reflection_and_private_names(tmp_path, source, package, caught):
    module = tmp_path / "m.py"
    module.write_text(source)
    found = list(_hidden_doors(module, package, {"_psop_membership": {"organisations"}}))
    assert bool(found) is caught, found


TEMPLATE_REFERENCE = re.compile(r"""{%\s*(?:include|extends)\s+["'](?P<template>[^"']+)["']|{%\s*url\s+["'](?P<namespace>\w+):""")
APP_OF_NAMESPACE = {"vouchers": "vouchers", "organisations": "organisations", "reservations": "reservations",
                    "customers": "customers", "events": "events", "payments": "payments",
                    "api": "api", "registers": "registers", "grants": "grants",
                    "choice": "choice"}


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
