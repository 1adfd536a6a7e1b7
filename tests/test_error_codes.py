"""Every error code is declared once, in core.errors.ErrorCode, with its HTTP status and its Finnish
message: a code raised that is not registered, a registered code that nothing raises and a code
written as a bare string all fail here (read from the source, so a refusal no test reaches counts too)."""

import ast
import re
from pathlib import Path

from django.utils import translation

from core.errors import DomainError, ErrorCode

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "core" / "errors.py"
# The calls whose first argument is a code: the services' refusals and the API's own answers.
PRODUCERS = {"DomainError", "error_body"}


def _sources():
    for package in sorted(path.parent for path in ROOT.glob("*/__init__.py")):
        if package.name == "tests":
            continue
        for path in sorted(package.rglob("*.py")):
            if "migrations" not in path.parts and path != REGISTRY:
                yield path


def _name(func) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _registry_member(node) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ErrorCode":
        return node.attr
    return None


def _forwarders(trees) -> dict[str, int]:
    """Functions that pass one of their own parameters on as a code, or answer it in a body, with
    that parameter's position (api.routers.common.get_or_refuse, psop.views._api_error)."""
    positions = {}
    for tree in trees:
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            parameters = [arg.arg for arg in function.args.args]
            for node in ast.walk(function):
                code = None
                if isinstance(node, ast.Call) and _name(node.func) in PRODUCERS and node.args:
                    code = node.args[0]
                elif isinstance(node, ast.Dict):  # a body written out: {"code": code, …}
                    code = next((value for key, value in zip(node.keys, node.values)
                                 if isinstance(key, ast.Constant) and key.value == "code"), None)
                    if isinstance(code, ast.Call) and _name(code.func) == "str" and code.args:
                        code = code.args[0]
                if isinstance(code, ast.Name) and code.id in parameters:
                    positions[function.name] = parameters.index(code.id)
    return positions


def scan(paths) -> tuple[dict[str, list[str]], dict[str, list[str]], list[str]]:
    """(codes produced, codes only read, problems) of these files: produced where a code is raised or
    answered (a DomainError, an error body, a function that forwards its code, a mapping's value); read
    where it is compared or is a mapping's key. A problem is a code given as a string."""
    trees = {path: ast.parse(path.read_text(), filename=str(path)) for path in paths}
    forwarders = _forwarders(trees.values())
    produced, read, problems = {}, {}, []
    for path, tree in trees.items():
        where = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name
        parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in PRODUCERS | forwarders.keys():
                position = forwarders.get(_name(node.func), 0)
                code = node.args[position] if len(node.args) > position else None
                if isinstance(code, ast.Constant) and isinstance(code.value, str):
                    problems.append(f"{where}:{node.lineno} {_name(node.func)}({code.value!r}): use ErrorCode")
            if isinstance(node, ast.Dict):  # an answer's body written out: {"code": "not_found", …}
                for key, value in zip(node.keys, node.values):
                    if (isinstance(key, ast.Constant) and key.value == "code"
                            and isinstance(value, ast.Constant) and isinstance(value.value, str)):
                        problems.append(f"{where}:{node.lineno} {{'code': {value.value!r}}}: use ErrorCode")
            member = _registry_member(node)
            if member is None:
                continue
            site = f"{where}:{node.lineno}"
            parent, child = parents.get(node), node
            while isinstance(parent, (ast.Tuple, ast.List, ast.Set)):
                parent, child = parents.get(parent), parent
            only_read = isinstance(parent, ast.Compare) or (isinstance(parent, ast.Dict) and child in parent.keys)
            (read if only_read else produced).setdefault(member, []).append(site)
    return produced, read, problems


TEMPLATE_CODE = re.compile(r"""\.code\s*[!=]=\s*["'](\w+)["']""")


def _template_codes() -> dict[str, list[str]]:
    codes = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for code in TEMPLATE_CODE.findall(line):
                codes.setdefault(code, []).append(f"{path.relative_to(ROOT)}:{number}")
    return codes


def test_every_code_raised_is_registered_and_none_is_a_bare_string():
    produced, read, problems = scan(list(_sources()))
    assert len(produced) > 80  # the scan found the refusals
    registered = {member.name for member in ErrorCode}
    for member, sites in sorted({**read, **produced}.items()):
        if member not in registered:
            problems.append(f"{sites[0]} ErrorCode.{member} is not registered")
    for code, sites in _template_codes().items():
        if code not in set(ErrorCode):
            problems.append(f"{sites[0]} compares with {code!r}, which is not a registered code")
    assert not problems, "\n".join(problems)


def test_every_registered_code_is_raised_somewhere():
    produced, _, _ = scan(list(_sources()))
    never = [member.name for member in ErrorCode if member.name not in produced]
    assert not never, f"registered but never raised: {never}"


def test_every_code_declares_a_status_and_a_message_translated_into_swedish_and_english():
    assert all(member.status in (400, 401, 403, 404, 405, 409, 413, 422, 429, 500, 503) for member in ErrorCode)
    for member in ErrorCode:
        assert member == member.value and member.name == member.value.upper()
        finnish = str(member.message)
        for language in ("sv", "en"):
            with translation.override(language):
                assert str(member.message) not in ("", finnish), (member, language)


def test_domain_error__message_by_default_the_codes_own__and_an_unregistered_code_refused():
    error = DomainError(ErrorCode.ALREADY_ENDS, day="1.2.2025")
    assert error.code == "already_ends" and error.code.status == 422
    assert error.message == "Asiakkuus päättyy jo 1.2.2025." and error.params == {"day": "1.2.2025"}
    assert DomainError(ErrorCode.RUN_NOT_FOUND, "Maksatusta ei löydy.").message == "Maksatusta ei löydy."
    try:
        DomainError("no_such_code", "?")
    except ValueError:
        pass
    else:
        raise AssertionError("an unregistered code was accepted")


def test_the_scan_catches_a_bare_string_an_unknown_member_and_tells_reading_from_raising(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "def refuse(model, code):\n"
        "    raise DomainError(code)\n"
        "refuse(1, 'unit_not_found')\n"
        "raise DomainError('voucher_closed', 'x')\n"
        "raise DomainError(ErrorCode.NO_SUCH_THING)\n"
        "COLUMN = {ErrorCode.NO_PRICE: 'päivämäärä'}\n"
        "if error.code in (ErrorCode.OVERLAP, ErrorCode.LOCKED_IN): pass\n"
        "code = {404: ErrorCode.NOT_FOUND}.get(status, ErrorCode.ERROR)\n"
        "answer = {'code': 'not_found', 'message': '?'}\n"
        "def answer(code, message):\n"
        "    return {'code': str(code), 'message': message}\n"
        "answer('server_error', '?')\n"
    )
    produced, read, problems = scan([module])
    assert set(produced) == {"NO_SUCH_THING", "NOT_FOUND", "ERROR"}
    assert set(read) == {"NO_PRICE", "OVERLAP", "LOCKED_IN"}
    assert [problem.split(" ", 1)[1] for problem in problems] == [
        "refuse('unit_not_found'): use ErrorCode", "DomainError('voucher_closed'): use ErrorCode",
        "{'code': 'not_found'}: use ErrorCode", "answer('server_error'): use ErrorCode"]
