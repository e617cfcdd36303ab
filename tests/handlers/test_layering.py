"""The conversation's packages keep their borders: forms are data, reached by public names."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import handlers
import handlers.forms
import storage.cases
from handlers.forms import FORMS, Answer, flags, start

HANDLERS = Path(handlers.__file__).parent
ROOT = HANDLERS.parent
FORMS_DIR = HANDLERS / "forms"


def imports(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """(module, names) of every import statement in a file."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, tuple(a.name for a in node.names)))
        elif isinstance(node, ast.Import):
            found += [(a.name, ()) for a in node.names]
    return found


def outside_the_forms() -> list[Path]:
    return [
        path
        for folder in ("handlers", "bot", "storage")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if FORMS_DIR not in path.parents
    ]


def test_callers_use_only_the_public_names_of_the_forms() -> None:
    public = set(handlers.forms.__all__)
    wrong = [
        f"{path.relative_to(ROOT)}: {module} {names}"
        for path in outside_the_forms()
        for module, names in imports(path)
        if module.startswith("handlers.forms.")
        or (module == "handlers.forms" and not set(names) <= public)
    ]
    assert wrong == []


def test_the_forms_depend_on_nothing_outside_their_package() -> None:
    """No Telegram, no database, no translator: the engine runs on plain values."""
    foreign = {"handlers", "bot", "storage", "locales", "telegram", "sqlalchemy", "babel"}
    wrong = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted(FORMS_DIR.rglob("*.py"))
        for module, _names in imports(path)
        if module.split(".")[0] in foreign and not module.startswith("handlers.forms")
    ]
    assert wrong == []


def test_the_store_and_the_forms_name_a_follow_up_alike() -> None:
    """The forms may not import the store, so each has the addendum's form id: one value."""
    assert handlers.forms.ADDENDUM_FORM == storage.cases.ADDENDUM_FORM


def test_no_handler_tests_a_form_id() -> None:
    tests_an_id = re.compile(r"""(\.id|form_id|\bform)\s*[!=]=\s*["']""")
    wrong = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in outside_the_forms()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if tests_an_id.search(line)
    ]
    assert wrong == []


def test_a_form_declares_the_flags_its_reports_are_sealed_with() -> None:
    today = dt.date(2022, 1, 20)
    missing = FORMS["missing_person"]
    last_seen: dict[str, Answer] = {"last_seen_when": {"date": "2022-01-06", "precision": "exact"}}
    draft = start(missing, last_seen).draft

    assert flags(missing, draft, today) == {"un_ready": False, "urgent": True}
    assert flags(missing, draft, dt.date(2022, 6, 1))["urgent"] is False
    assert flags(FORMS["detention"], start(FORMS["detention"]).draft, today) == {}
