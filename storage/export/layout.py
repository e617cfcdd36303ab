"""What an export's tables hold, as plain data the caller gives: columns, headers, words.

The store knows nothing of forms or languages (it imports neither `handlers` nor a catalog):
whoever asks for an export says which tables there are, which answer each column shows, in
which order and under which header, and the words for every code. `handlers.export_layout`
builds this from the form definitions in the reviewer's language; `raw_layout()` is the
fallback a caller without forms gets (every case in one table, answers as JSON).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Source(StrEnum):
    """Where a column's value comes from."""

    ANSWER = "answer"
    """`answers[field]` of the case."""
    PERSON = "person"
    """`person[field]` of one person of the case (a row of the People table)."""
    CASE = "case"
    """A fact about the case the export works out: one of `Fact`."""


class Fact(StrEnum):
    """Facts about a case that are no single answer (`Source.CASE` columns)."""

    CASE_ID = "case_id"
    FORM = "form"
    """The report type, in the layout's words (`Layout.form_names`)."""
    FORM_ID = "form_id"
    """The report type as stored: for a type the layout does not know."""
    FORM_VERSION = "form_version"
    RECEIVED = "received"
    SUBMITTED = "submitted"
    LANGUAGE = "language"
    GROUP = "group"
    """The linked-reports group id, only when two or more exported cases share it."""
    ADDENDUM_TO = "addendum_to"
    SAME_PERSON = "same_person"
    """The possible-same-person group of the case, if the caller's matcher gave one."""
    FILES = "files"
    """Paths of the decrypted attachments, relative to the export's folder."""
    FILE_COUNT = "file_count"
    PEOPLE = "people"
    """How many people the case names (at least 1: the case is about someone)."""
    ADDITIONS = "additions"
    """How many follow-up additions were exported for the case."""
    UN_GAPS = "un_gaps"
    """Missing UN WGEID elements, in words (`FormLayout.gaps`)."""
    PERSON_NO = "person_no"
    ANSWERS_JSON = "answers_json"
    """Every answer as JSON text: the fallback for a type the layout does not know."""
    FLAG = "flag"
    """`flags[field]` of the case as a yes/no word."""


class Shape(StrEnum):
    """How an answer is stored, so the cell gets the right type."""

    TEXT = "text"
    WORD = "word"
    """A choice code, shown as its word."""
    WORDS = "words"
    """A list of codes, shown as words joined by "; "."""
    DATE = "date"
    NUMBER = "number"
    PLACE = "place"
    CONTACT = "contact"
    FILES = "files"
    """A list of file references: shown as how many."""
    NOTES = "notes"
    """A list of texts (an addition's notes): one per line."""


class Part(StrEnum):
    """Which part of a composite answer a column shows."""

    VALUE = "value"
    PRECISION = "precision"
    """A date's precision, as a word."""
    STATUS = "status"
    """Why the value cell is empty (skipped, don't know...), or that a number is approximate."""
    REGION = "region"
    TOWN = "town"
    LATITUDE = "lat"
    LONGITUDE = "lon"
    METHOD = "method"
    DETAIL = "detail"


@dataclass(frozen=True)
class Column:
    """One column: its header, where its value comes from, and the words for codes."""

    header: str
    field: str
    """The answer id (`Source.ANSWER`, `Source.PERSON`), a `Fact` (`Source.CASE`), or for
    `Fact.FLAG` the flag's name."""
    source: Source = Source.ANSWER
    shape: Shape = Shape.TEXT
    part: Part = Part.VALUE
    words: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Code → the reviewer's word; a code missing here is shown as it is."""
    fact: Fact | None = None
    """For `Source.CASE`: which fact."""
    width: int = 14
    """Characters: a text column gets more than a yes/no one."""


@dataclass(frozen=True)
class Table:
    """A sheet of the workbook (a file of a CSV export): which cases it holds, and how.

    `columns` maps a form id to that form's columns; the forms of one table share headers
    (People lists detention victims and missing persons under the same ones). Cases of a
    type the layout does not know go by `fallback` (or are not in this table); of a type it
    knows, only those named in `columns` are.
    """

    key: str
    """Stable ASCII name: the CSV file's suffix (`cases_people.csv`)."""
    title: str
    """The sheet's title in the reviewer's language."""
    columns: Mapping[str, tuple[Column, ...]]
    fallback: tuple[Column, ...] | None = None
    per_person: bool = False
    """One row per person of the case, not one per case."""
    always: bool = False
    """Written even when no case falls in it (Cases, People)."""

    def headers(self) -> tuple[str, ...]:
        first = next(iter(self.columns.values()), self.fallback or ())
        return tuple(c.header for c in first)

    def __post_init__(self) -> None:
        shapes = {tuple(c.header for c in cs) for cs in self.columns.values()}
        if self.fallback is not None:
            shapes.add(tuple(c.header for c in self.fallback))
        if len(shapes) > 1:
            raise ValueError(f"table {self.key}: its forms' headers differ")


@dataclass(frozen=True)
class FormLayout:
    """What the export knows of one report type beyond its columns."""

    people_group: str | None = None
    """The repeat group listing the people (`victims`); None when the case is about one
    person whose answers are the case's own (a missing person)."""
    person_fields: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """For `people_group=None`: the People column's field → this form's answer id
    (`name` → `full_name`)."""
    addition: bool = False
    """A follow-up that adds to another case (`links.addendum_to`), not a report."""
    un_gaps: Callable[[Mapping[str, Any]], tuple[str, ...]] | None = None
    """The UN WGEID elements a case's answers still lack, as element ids (`wgeid_gaps`)."""


@dataclass(frozen=True)
class Layout:
    """Every table of an export, in the order the workbook shows them."""

    tables: tuple[Table, ...]
    forms: Mapping[str, FormLayout] = dataclasses.field(default_factory=dict)
    form_names: Mapping[str, str] = dataclasses.field(default_factory=dict)
    statuses: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Status code (`skipped`, `dont_know`, `prefer_not`, `approximate`) → word."""
    yes_no: tuple[str, str] = ("yes", "no")
    gap_words: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """WGEID element id (as `wgeid_gaps` names it) → words."""

    def form(self, form_id: str) -> FormLayout:
        return self.forms.get(form_id, FormLayout())

    def columns(self, table: Table, form_id: str) -> tuple[Column, ...] | None:
        """`table`'s columns for a case of `form_id`; None if such a case is not in it."""
        if form_id in self.forms:
            return table.columns.get(form_id)
        return table.fallback


def raw_layout() -> Layout:
    """Every case in one table, answers as JSON: for a caller that has no form definitions."""
    facts = (Fact.CASE_ID, Fact.FORM_ID, Fact.RECEIVED, Fact.SUBMITTED, Fact.LANGUAGE)
    columns = tuple(Column(f.value, f.value, Source.CASE, fact=f) for f in facts)
    answers = Column("answers", "answers", Source.CASE, fact=Fact.ANSWERS_JSON, width=60)
    files = Column("files", "files", Source.CASE, fact=Fact.FILES, width=30)
    return Layout((Table("cases", "cases", {}, (*columns, answers, files), always=True),))
