"""One answer as one typed spreadsheet cell: pure functions of the stored answer and a column.

A date becomes a date (the first day of the month or year a witness gave, its precision in
the next column), a number a number, a code its word. An answer that carries no content —
skipped, "don't know", "prefer not to say", or never asked — leaves the value cell empty; the
column's status cell says which, so an analyst can still tell "skipped" from "don't know".
Anything of an unexpected shape (a forged case) is shown as text, never dropped, never a crash.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from storage.export.layout import Column, Part, Shape
from storage.regions import region_of_place

CellValue: TypeAlias = str | int | float | dt.date | None

SPECIAL = frozenset({"skipped", "dont_know", "prefer_not"})
"""Stored answers that carry no content (`handlers.forms.Special`)."""
NOT_ASKED = "not_asked"
APPROXIMATE = "approximate"
VOICE = "voice"
"""Status word key for an account given as a voice message: "{seconds}" is its length."""
SEPARATOR = "; "


def is_special(value: Any) -> bool:
    return isinstance(value, str) and value in SPECIAL


def status(value: Any, statuses: Mapping[str, str]) -> str | None:
    """Why a value cell is empty (or that a number is only approximate), as a word."""
    if value is None:
        return statuses.get(NOT_ASKED, NOT_ASKED)
    if isinstance(value, str) and value in SPECIAL:
        return statuses.get(value, value)
    if isinstance(value, dict) and value.get("approximate") is True and "number" in value:
        return statuses.get(APPROXIMATE, APPROXIMATE)
    return None


def answer_statuses(answers: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Every answer that is a status rather than content, by path (`victims.2.age`): kept in
    JSONL, where an absent path means the question was not asked."""
    found: dict[str, str] = {}
    for key, value in answers.items():
        path = f"{prefix}{key}"
        if is_special(value):
            found[path] = value
        elif isinstance(value, list):
            for index, item in enumerate(value, start=1):
                if isinstance(item, dict):
                    found.update(answer_statuses(item, f"{path}.{index}."))
    return found


def _word(code: Any, words: Mapping[str, str]) -> CellValue:
    if isinstance(code, str):
        return words.get(code, code)
    return _as_text(code)


def _as_text(value: Any) -> CellValue:
    """A value of no expected shape, as text: shown, not lost."""
    if value is None or is_special(value):
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def parse_day(text: str) -> dt.date | None:
    """`2022-01-06`, `2022-01` or `2022` as the first day it may mean."""
    parts = text.split("-")
    try:
        if len(parts) == 3:
            return dt.date.fromisoformat(text)
        if len(parts) == 2 and len(parts[0]) == 4:
            return dt.date(int(parts[0]), int(parts[1]), 1)
        if len(parts) == 1 and len(text) == 4:
            return dt.date(int(text), 1, 1)
    except ValueError:
        return None
    return None


def _date(value: Any, part: Part, words: Mapping[str, str]) -> CellValue:
    if not isinstance(value, dict):
        return _as_text(value)
    if part is Part.PRECISION:
        return _word(value.get("precision"), words)
    text = value.get("date")
    return (parse_day(text) or text) if isinstance(text, str) else _as_text(text)


def _number(value: Any) -> CellValue:
    if isinstance(value, dict) and "number" in value:
        value = value["number"]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value if math.isfinite(value) else str(value)
    return _as_text(value)


def _place(value: Any, part: Part, words: Mapping[str, str]) -> CellValue:
    if not isinstance(value, dict):
        return _as_text(value) if part is Part.REGION else None
    if part is Part.REGION:
        # A shared location names no region: the one its coordinates lie in.
        return _word(region_of_place(value), words)
    if part is Part.TOWN:
        return _as_text(value.get("town"))
    found = value.get(part.value)
    return _number(found) if found is not None else None


def _contact(value: Any, part: Part, words: Mapping[str, str]) -> CellValue:
    if not isinstance(value, dict):
        return _as_text(value) if part is Part.METHOD else None
    if part is Part.METHOD:
        return _word(value.get("method"), words)
    return _as_text(value.get("detail"))


def _text(value: Any, statuses: Mapping[str, str]) -> CellValue:
    if isinstance(value, dict) and isinstance(value.get("voice"), dict):
        seconds = value.get("seconds")
        template = statuses.get(VOICE, "voice message, {seconds} s")
        return template.format(seconds=seconds if isinstance(seconds, int) else "?")
    return _as_text(value)


def _words(value: Any, words: Mapping[str, str]) -> CellValue:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return SEPARATOR.join(words.get(v, v) for v in value) or None
    return _word(value, words)


def _files(value: Any) -> CellValue:
    return len(value) if isinstance(value, list) else _as_text(value)


def _notes(value: Any) -> CellValue:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(value) or None
    return _as_text(value)


_VALUES: dict[Shape, Callable[[Any, Column, Mapping[str, str]], CellValue]] = {
    Shape.TEXT: lambda v, c, s: _text(v, s),
    Shape.WORD: lambda v, c, s: _word(v, c.words),
    Shape.WORDS: lambda v, c, s: _words(v, c.words),
    Shape.DATE: lambda v, c, s: _date(v, c.part, c.words),
    Shape.NUMBER: lambda v, c, s: _number(v),
    Shape.PLACE: lambda v, c, s: _place(v, c.part, c.words),
    Shape.CONTACT: lambda v, c, s: _contact(v, c.part, c.words),
    Shape.FILES: lambda v, c, s: _files(v),
    Shape.NOTES: lambda v, c, s: _notes(v),
}

Reader = Callable[[Any], CellValue]
"""A stored answer (None when not asked) → the cell one column shows for it."""


def reader(column: Column, statuses: Mapping[str, str]) -> Reader:
    """How `column` reads an answer, worked out once per column rather than once per cell:
    an export reads millions of cells."""
    if column.part is Part.STATUS:
        not_asked = statuses.get(NOT_ASKED, NOT_ASKED)
        return lambda value: not_asked if value is None else status(value, statuses)
    shaped = _VALUES[column.shape]
    if column.shape is Shape.WORD:
        words = column.words

        def word(value: Any) -> CellValue:
            if type(value) is str:
                return None if value in SPECIAL else words.get(value, value)
            return None if value is None else _as_text(value)

        return word

    def read(value: Any) -> CellValue:
        if value is None or (type(value) is str and value in SPECIAL):
            return None
        return shaped(value, column, statuses)

    return read


def cell(value: Any, column: Column, statuses: Mapping[str, str]) -> CellValue:
    """The cell `column` shows for a stored answer `value` (None when it was not asked)."""
    return reader(column, statuses)(value)
