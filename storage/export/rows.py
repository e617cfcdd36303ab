"""A decrypted case as rows of the export's tables: pure functions, no database, no files.

The facts no single answer holds are worked out once per case (`CaseFacts`): whether its link
group is shared by another exported case, how many additions it has, its missing UN elements.
Then each table's columns read the case, or one person of it, into typed cells.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from storage.export.cells import CellValue, cell
from storage.export.layout import Column, Fact, FormLayout, Layout, Source, Table


@dataclass(frozen=True)
class OpenedCase:
    """A decrypted case: its clear metadata and the sealed document."""

    case_id: str
    form_id: str
    received_day: dt.date
    document: dict[str, Any]

    @property
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

    def fact(self, column: Column, person_no: int) -> CellValue:
        case, doc = self.case, self.case.document
        match column.fact:
            case Fact.CASE_ID:
                return case.case_id
            case Fact.FORM:
                return self.layout.form_names.get(case.form_id, case.form_id)
            case Fact.FORM_ID:
                return case.form_id
            case Fact.FORM_VERSION:
                version = doc.get("form", {}).get("version")
                return version if isinstance(version, int) else None
            case Fact.RECEIVED:
                return case.received_day
            case Fact.SUBMITTED:
                return _text(doc.get("submitted_at"))
            case Fact.LANGUAGE:
                return _text(doc.get("language"))
            case Fact.GROUP:
                return self.links.shared_group(case)
            case Fact.ADDENDUM_TO:
                return case.link("addendum_to")
            case Fact.SAME_PERSON:
                return self.links.same_person.get(case.case_id)
            case Fact.FILES:
                return "; ".join(self.files) or None
            case Fact.FILE_COUNT:
                return len(doc.get("attachments", []))
            case Fact.PEOPLE:
                return len(self.people())
            case Fact.ADDITIONS:
                return self.links.additions[case.case_id]
            case Fact.UN_GAPS:
                return self.un_gaps()
            case Fact.PERSON_NO:
                return person_no
            case Fact.ANSWERS_JSON:
                return json.dumps(doc.get("answers", {}), ensure_ascii=False)
            case Fact.FLAG:
                flag = doc.get("flags", {}).get(column.field)
                if not isinstance(flag, bool):
                    return None
                return self.layout.yes_no[0] if flag else self.layout.yes_no[1]
        return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def row(
    facts: CaseFacts, columns: Sequence[Column], person: Mapping[str, Any], person_no: int
) -> list[CellValue]:
    answers, statuses = facts.case.answers, facts.layout.statuses
    values: list[CellValue] = []
    for column in columns:
        if column.source is Source.CASE:
            values.append(facts.fact(column, person_no))
        else:
            scope = person if column.source is Source.PERSON else answers
            values.append(cell(scope.get(column.field), column, statuses))
    return values


def rows(facts: CaseFacts, table: Table) -> Iterator[list[CellValue]]:
    """The rows `table` has for this case: none, one, or one per person."""
    columns = facts.layout.columns(table, facts.case.form_id)
    if columns is None:
        return
    if not table.per_person:
        yield row(facts, columns, {}, 1)
        return
    for number, person in enumerate(facts.people(), start=1):
        yield row(facts, columns, person, number)


def in_table(layout: Layout, table: Table, form_id: str) -> bool:
    return layout.columns(table, form_id) is not None
