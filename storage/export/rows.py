"""A decrypted case as rows of the export's tables: pure functions, no database, no files.

The facts no single answer holds are worked out once per case (`CaseFacts`): whether its link
group is shared by another exported case, how many additions it has, its missing UN elements.
Then each table's columns read the case, or one person of it, into typed cells.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from storage.export.cells import CellValue, reader
from storage.export.layout import Column, Fact, FormLayout, Layout, Source, Table


@dataclass(frozen=True)
class OpenedCase:
    """A decrypted case: its clear metadata and the sealed document."""

    case_id: str
    form_id: str
    received_day: dt.date
    document: dict[str, Any]

    @cached_property
    def answers(self) -> dict[str, Any]:
        answers = self.document.get("answers", {})
        return answers if isinstance(answers, dict) else {}

    def link(self, name: str) -> str | None:
        """A link of the case (`group`, `addendum_to`) if it is a string, else None."""
        value = self.document.get("links", {}).get(name)
        return value if isinstance(value, str) else None


@dataclass
class Links:
    """What the export learns of links across cases while it decrypts them."""

    groups: Counter[str] = field(default_factory=Counter)
    additions: Counter[str] = field(default_factory=Counter)
    same_person: Mapping[str, str] = field(default_factory=dict)
    """Case id → possible-same-person group, from the caller's matcher."""

    def count(self, case: OpenedCase, layout: Layout) -> None:
        group, target = case.link("group"), case.link("addendum_to")
        if group is not None:
            self.groups[group] += 1
        if target is not None and layout.form(case.form_id).addition:
            self.additions[target] += 1

    def shared_group(self, case: OpenedCase) -> str | None:
        """The case's group id only when another exported case shares it: a group is made
        when a linked report is offered, whether or not the witness files one."""
        group = case.link("group")
        return group if group is not None and self.groups[group] >= 2 else None


@dataclass(frozen=True)
class CaseFacts:
    """One case with what the export worked out about it."""

    case: OpenedCase
    files: Sequence[str]
    layout: Layout
    links: Links

    @property
    def form(self) -> FormLayout:
        return self.layout.form(self.case.form_id)

    @cached_property
    def people(self) -> list[Mapping[str, Any]]:
        """The people the case is about; at least one, named or not, so counts per person
        include a report that lists nobody."""
        form = self.form
        if form.people_group is None:
            answers = self.case.answers
            return [{key: answers.get(answer) for key, answer in form.person_fields.items()}]
        listed = self.case.answers.get(form.people_group)
        people: list[Mapping[str, Any]] = []
        if isinstance(listed, list):
            people = [p for p in listed if isinstance(p, dict)]
        return people or [{}]

    def un_gaps(self) -> str | None:
        test = self.form.un_gaps
        if test is None:
            return None
        gaps = test(self.case.answers)
        return "; ".join(self.layout.gap_words.get(g, g) for g in gaps) or None

    def flag(self, name: str) -> CellValue:
        flag = self.case.document.get("flags", {}).get(name)
        if not isinstance(flag, bool):
            return None
        return self.layout.yes_no[0] if flag else self.layout.yes_no[1]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


Getter = Callable[[CaseFacts, Mapping[str, Any], int], CellValue]
"""(case, person, person's number) → one column's cell."""


_Fact = Callable[[CaseFacts, int], CellValue]
_FACTS: dict[Fact, _Fact] = {
    Fact.CASE_ID: lambda f, n: f.case.case_id,
    Fact.FORM: lambda f, n: f.layout.form_names.get(f.case.form_id, f.case.form_id),
    Fact.FORM_ID: lambda f, n: f.case.form_id,
    Fact.FORM_VERSION: lambda f, n: _number(f.case.document.get("form", {}).get("version")),
    Fact.RECEIVED: lambda f, n: f.case.received_day,
    Fact.SUBMITTED: lambda f, n: _text(f.case.document.get("submitted_at")),
    Fact.LANGUAGE: lambda f, n: _text(f.case.document.get("language")),
    Fact.GROUP: lambda f, n: f.links.shared_group(f.case),
    Fact.ADDENDUM_TO: lambda f, n: f.case.link("addendum_to"),
    Fact.SAME_PERSON: lambda f, n: f.links.same_person.get(f.case.case_id),
    Fact.FILES: lambda f, n: "; ".join(f.files) or None,
    Fact.FILE_COUNT: lambda f, n: len(f.case.document.get("attachments", [])),
    Fact.PEOPLE: lambda f, n: len(f.people),
    Fact.ADDITIONS: lambda f, n: f.links.additions[f.case.case_id],
    Fact.UN_GAPS: lambda f, n: f.un_gaps(),
    Fact.PERSON_NO: lambda f, n: n,
    Fact.ANSWERS_JSON: lambda f, n: json.dumps(f.case.answers, ensure_ascii=False),
}


def _number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def getter(column: Column, statuses: Mapping[str, str]) -> Getter:
    """How one column gets its cell, worked out once per export rather than once per cell."""
    if column.source is Source.CASE:
        if column.fact is Fact.FLAG:
            name = column.field
            return lambda facts, person, number: facts.flag(name)
        fact = _FACTS.get(column.fact) if column.fact else None
        if fact is None:
            return lambda facts, person, number: None
        return lambda facts, person, number: fact(facts, number)
    read, name = reader(column, statuses), column.field
    if column.source is Source.PERSON:
        return lambda facts, person, number: read(person.get(name))
    return lambda facts, person, number: read(facts.case.answers.get(name))


@dataclass
class Plan:
    """For each report type, the tables its cases have rows in and each one's getters, worked
    out the first time the type comes up: 100,000 cases ask the same question of a few types."""

    layout: Layout
    tables: Sequence[Table]
    _made: dict[str, list[tuple[Table, tuple[Getter, ...]]]] = field(default_factory=dict)

    def tables_of(self, form_id: str) -> list[tuple[Table, tuple[Getter, ...]]]:
        made = self._made.get(form_id)
        if made is None:
            statuses, made = self.layout.statuses, []
            for table in self.tables:
                columns = self.layout.columns(table, form_id)
                if columns is not None:
                    made.append((table, tuple(getter(c, statuses) for c in columns)))
            self._made[form_id] = made
        return made


_NO_PERSON: Mapping[str, Any] = {}


def rows(facts: CaseFacts, table: Table, getters: Sequence[Getter]) -> list[list[CellValue]]:
    """The rows `table` has for this case: one, or one per person."""
    if not table.per_person:
        return [[get(facts, _NO_PERSON, 1) for get in getters]]
    return [
        [get(facts, person, number) for get in getters]
        for number, person in enumerate(facts.people, start=1)
    ]


def in_table(layout: Layout, table: Table, form_id: str) -> bool:
    return layout.columns(table, form_id) is not None
