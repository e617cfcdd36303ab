"""What a report form is made of: questions, choices, repeat groups, conditions and offers.

A form is plain frozen data, never code: conditions are `When` / `In` / `Not` / `AllOf` /
`AnyOf` values rather than lambdas, so a reviewer can read a definition without reading the
engine, a definition can be dumped with `dataclasses.asdict`, and a new report type needs a new
definition only. Every user-facing string here is an English msgid marked with `N_`; the
handler translates it when it shows it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeAlias

Answer: TypeAlias = "str | int | float | bool | list[Answer] | dict[str, Answer] | None"
"""A stored answer: JSON only, so drafts survive a restart and the case payload is portable."""

Lookup: TypeAlias = Callable[[str], Answer]
"""An earlier answer by field id, `None` when it was not given (yet)."""


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it (form definitions, constants).

    Here rather than beside the translator (`handlers.i18n`), so the forms depend on
    nothing outside their package."""
    return msgid


class Kind(StrEnum):
    """How a question is answered; the handler picks buttons and keyboards from it."""

    CHOICE = "choice"
    MULTI = "multi"
    YES_NO = "yes_no"
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"
    PLACE = "place"
    MEDIA = "media"
    CONTACT = "contact"


class Special(StrEnum):
    """Answers that carry no content; each is also the code of the button that gives it."""

    SKIPPED = "skipped"
    DONT_KNOW = "dont_know"
    PREFER_NOT = "prefer_not"


DONE = "done"
"""Button code ending a multi choice or a run of files."""

KEEP = "keep"
"""Button code leaving an answer as it was when the witness opened it again from the review."""

RESERVED_CODES = frozenset({*Special, DONE, KEEP})
"""Codes no choice may use: they are buttons of the engine's own."""


def _matches(value: Answer, wanted: tuple[str, ...]) -> bool:
    """A scalar answer equal to one of `wanted`, or a list answer containing one."""
    if isinstance(value, list):
        return any(item in wanted for item in value)
    return isinstance(value, str) and value in wanted


@dataclass(frozen=True)
class When:
    """Holds when the answer to `field` is `equals` (a multi answer: when it contains it)."""

    field: str
    equals: str

    def holds(self, lookup: Lookup) -> bool:
        return _matches(lookup(self.field), (self.equals,))

    def fields(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        yield self.field, (self.equals,)


@dataclass(frozen=True)
class In:
    """Holds when the answer to `field` is one of `values` (a multi answer: shares one)."""

    field: str
    values: tuple[str, ...]

    def holds(self, lookup: Lookup) -> bool:
        return _matches(lookup(self.field), self.values)

    def fields(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        yield self.field, self.values


@dataclass(frozen=True)
class Not:
    """Holds when `condition` does not, including when its field was not answered."""

    condition: Condition

    def holds(self, lookup: Lookup) -> bool:
        return not self.condition.holds(lookup)

    def fields(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        yield from self.condition.fields()


@dataclass(frozen=True)
class AllOf:
    """Holds when every one of `conditions` holds."""

    conditions: tuple[Condition, ...]

    def holds(self, lookup: Lookup) -> bool:
        return all(c.holds(lookup) for c in self.conditions)

    def fields(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        for condition in self.conditions:
            yield from condition.fields()


@dataclass(frozen=True)
class AnyOf:
    """Holds when at least one of `conditions` holds."""

    conditions: tuple[Condition, ...]

    def holds(self, lookup: Lookup) -> bool:
        return any(c.holds(lookup) for c in self.conditions)

    def fields(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        for condition in self.conditions:
            yield from condition.fields()


Condition: TypeAlias = When | In | Not | AllOf | AnyOf


def holds(condition: Condition | None, lookup: Lookup) -> bool:
    """No condition means always."""
    return condition is None or condition.holds(lookup)


@dataclass(frozen=True)
class Choice:
    """One button of a choice question."""

    code: str
    """Stored answer: short snake_case English, stable across releases and languages."""
    label: str
    """Button text (msgid)."""
    when: Condition | None = None
    """Offer this button only when this holds (e.g. no UN bodies for an anonymous report)."""
    detail: bool = False
    """For a contact method: ask for the number or name after it is chosen."""


@dataclass(frozen=True)
class Question:
    """One thing we ask; `kind` decides which of the other attributes matter."""

    id: str
    """Key of the answer in the draft and the case payload; snake_case, stable."""
    kind: Kind
    text: str
    """Msgid. Its first line shows on a locked phone: it must not name a person, a place or
    the type of report."""
    hint: str | None = None
    """Msgid shown under the question, e.g. how to type a date."""
    required: bool = False
    """Required questions have no Skip button and refuse a skip."""
    choices: tuple[Choice, ...] = ()
    """Buttons: choices, yes/no (default plain Yes/No), place regions, contact methods."""
    when: Condition | None = None
    """Ask only when this holds on earlier answers."""
    dont_know: bool = False
    """Offer "Don't know" where that is an honest answer."""
    prefer_not: bool = False
    """Offer "Prefer not to say" where answering could hurt."""
    min_length: int = 1
    max_length: int = 4000
    minimum: int = 0
    maximum: int = 1_000_000
    birth_year: bool = False
    """A number question for an age that also takes a year of birth and turns it into an age."""
    earliest_year: int = 1990
    """Dates before this year are typos, not events we take."""
    future_ok: bool = False
    """Allow dates up to a year ahead (a scheduled court hearing)."""
    max_files: int = 10
    voice: bool = False
    """A text question a voice message may answer instead (an account in one's own words)."""
    stop_unless: str | None = None
    """The report cannot continue unless the answer is this code (consent)."""
    stop_text: str | None = None
    """Msgid explaining why we stopped."""
    detail_text: str | None = None
    """Msgid of the second step: the town after a region, the detail after a contact method."""


@dataclass(frozen=True)
class Repeat:
    """Questions asked once per person, then "add another?", up to `max_count` people."""

    id: str
    """Key of the list of items in the answers."""
    label: str
    """Msgid naming one item, e.g. "Person", for "Person 2 of up to 10"."""
    questions: tuple[Question, ...]
    more_text: str
    """Msgid of the "add another?" yes/no question."""
    min_count: int = 1
    max_count: int = 10
    when: Condition | None = None


@dataclass(frozen=True)
class Section:
    """Nodes asked only when `when` holds, e.g. all optional details behind one "add more?"."""

    when: Condition
    nodes: tuple[Question | Repeat, ...]


Node: TypeAlias = Question | Repeat | Section


@dataclass(frozen=True)
class Flag:
    """A marker a finished report of this form is sealed with, for reviewers to sort by.

    `test` is a named pure function of the answers and the witness's day (no clock read),
    e.g. `missing_person.is_urgent`.
    """

    name: str
    test: Callable[[Mapping[str, Answer], dt.date], bool]


@dataclass(frozen=True)
class Offer:
    """A follow-up report to suggest when a finished draft matches `when`."""

    form: str
    """Id of the form to offer."""
    when: Condition
    text: str
    """Msgid of the suggestion, kind and neutral in its first line."""
    renames: tuple[tuple[str, str], ...] = ()
    """Answers carried under another id in the offered form: (this form's id, its id)."""


@dataclass(frozen=True)
class Form:
    """One type of report: its questions in the order a witness meets them."""

    id: str
    version: int
    """Raised when a change would make old drafts mean something else."""
    title: str
    """Msgid for a menu button; never put it in the first line of a message."""
    nodes: tuple[Node, ...]
    offers: tuple[Offer, ...] = ()
    flags: tuple[Flag, ...] = ()

    def questions(self) -> Iterator[Question]:
        """Every question, group questions included, in order."""
        for node in self.nodes:
            inner = node.nodes if isinstance(node, Section) else (node,)
            for item in inner:
                yield from item.questions if isinstance(item, Repeat) else (item,)

    def groups(self) -> Iterator[Repeat]:
        for node in self.nodes:
            inner = node.nodes if isinstance(node, Section) else (node,)
            yield from (item for item in inner if isinstance(item, Repeat))


@dataclass(frozen=True)
class Button:
    """A pressed button: a choice code, a region, "today", or a code from `Special` / `DONE`."""

    code: str


@dataclass(frozen=True)
class Text:
    """A typed message: free text, a date, a number, a town."""

    text: str


@dataclass(frozen=True)
class Location:
    """A location shared through Telegram, instead of a region and a town."""

    lat: float
    lon: float


class BadAttachment(ValueError):
    """A stored file reference that is not one we wrote."""


_SHA256 = re.compile(r"[0-9a-f]{64}")
_REF_LIMITS = {"attachment_id": 128, "kind": 32, "mime": 127, "name": 255}
"""Longest value of each text field, in characters; only a name may be empty."""


@dataclass(frozen=True)
class AttachmentRef:
    """A file the handler sealed, as the report refers to it (in the answers of a media
    question, and in a follow-up). `sha256` is of the bytes as received."""

    attachment_id: str
    sha256: str
    size: int
    kind: str
    """photo, document, video, voice, audio, video_note."""
    mime: str = ""
    name: str = ""
    """The file name the witness's app gave, if any."""

    def is_sound(self) -> bool:
        """Sane sizes and a real digest: what the engine takes into a draft."""
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 0:
            return False
        if not isinstance(self.sha256, str) or not _SHA256.fullmatch(self.sha256):
            return False
        for key, limit in _REF_LIMITS.items():
            value = getattr(self, key)
            if not isinstance(value, str) or len(value) > limit or (key != "name" and not value):
                return False
        return True

    def to_json(self) -> dict[str, Answer]:
        """The shape kept in the answers (and the sealed case): keys in sorted order."""
        return {
            "attachment_id": self.attachment_id,
            "kind": self.kind,
            "mime": self.mime,
            "name": self.name,
            "sha256": self.sha256,
            "size": self.size,
        }

    @classmethod
    def from_json(cls, data: Any) -> AttachmentRef:
        """Read back `to_json()`; raises `BadAttachment` for anything else."""
        if not isinstance(data, dict) or set(data) != {*_REF_LIMITS, "sha256", "size"}:
            raise BadAttachment("not a file reference")
        ref = cls(**data)
        if not ref.is_sound():
            raise BadAttachment("not a file reference")
        return ref


@dataclass(frozen=True)
class Media:
    """A file the handler has already stored; the engine records only its reference."""

    ref: AttachmentRef
    seconds: int | None = None
    """How long a voice message is, as Telegram says; shown on the review."""


Input: TypeAlias = Button | Text | Location | Media


@dataclass(frozen=True)
class Invalid:
    """The input was not accepted; the draft is unchanged. Show `_(message).format(**params)`."""

    message: str
    params: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class Stopped:
    """The report cannot go on (consent refused): show `message`, then discard the draft."""

    path: str
    message: str


MORE = "more"
"""Id of a repeat group's "add another?" question; no question of a form may use it."""

_SNAKE = re.compile(r"[a-z][a-z0-9_]{0,23}")
_NEEDS_CHOICES = frozenset({Kind.CHOICE, Kind.MULTI, Kind.PLACE, Kind.CONTACT})


def check_form(form: Form, known_forms: Collection[str]) -> tuple[str, ...]:
    """What is wrong with a definition; a test asserts there is nothing.

    A mistake here would otherwise show up as a witness stuck on a question or a condition
    that silently never holds.
    """
    problems = list(_check_nodes(form))
    fields = {q.id: q for q in form.questions()}
    for offer in form.offers:
        if offer.form not in known_forms:
            problems.append(f"offer of unknown form {offer.form!r}")
        problems += _check_condition(offer.when, fields, f"offer {offer.form}")
        problems += _check_msgids(f"offer {offer.form}", offer.text)
    problems += _check_msgids("title", form.title)
    return tuple(f"{form.id}: {problem}" for problem in problems)


def _rewording(question: Question, before: Question | None) -> bool:
    """The earlier question of this id, in other words for other readers ("you" for a
    survivor): same kind and choices, asked exactly when the earlier one is not."""
    if before is None or (before.kind, before.choices) != (question.kind, question.choices):
        return False
    if question.when is None or before.when is None:
        return False
    return before.when == Not(question.when) or question.when == Not(before.when)


def _check_nodes(form: Form) -> Iterator[str]:
    earlier: dict[str, Question] = {}
    ids: set[str] = set()
    for node in form.nodes:
        if isinstance(node, Section):
            yield from _check_condition(node.when, earlier, "section")
        for item in node.nodes if isinstance(node, Section) else (node,):
            if isinstance(item, Question):
                if _rewording(item, earlier.get(item.id)):
                    ids.discard(item.id)
                yield from _check_question(item, earlier, ids)
                earlier[item.id] = item
                continue
            yield from _check_id(item.id, ids)
            yield from _check_msgids(item.id, item.label, item.more_text)
            if not 0 <= item.min_count <= item.max_count <= 99:
                yield f"{item.id}: counts must be 0 <= min <= max <= 99"
            if item.when is not None:
                yield from _check_condition(item.when, earlier, item.id)
            scope = dict(earlier)  # a person's questions see earlier ones of the same person
            for question in item.questions:
                yield from _check_question(question, scope, ids)
                scope[question.id] = question


def _check_id(name: str, ids: set[str]) -> Iterator[str]:
    if not _SNAKE.fullmatch(name) or name == MORE:
        yield f"{name!r}: ids are short snake_case, and not {MORE!r}"
    if name in ids:
        yield f"{name}: id used twice"
    ids.add(name)


def _check_msgids(where: str, *msgids: str | None) -> Iterator[str]:
    if any(m is not None and not m.strip() for m in msgids):
        yield f"{where}: empty msgid"


def _check_question(q: Question, earlier: Mapping[str, Question], ids: set[str]) -> Iterator[str]:
    yield from _check_id(q.id, ids)
    yield from _check_msgids(q.id, q.text, q.hint, q.stop_text, q.detail_text)
    codes = [c.code for c in q.choices]
    if len(set(codes)) != len(codes):
        yield f"{q.id}: a choice code is used twice"
    for choice in q.choices:
        if not _SNAKE.fullmatch(choice.code) or choice.code in RESERVED_CODES:
            yield f"{q.id}: choice code {choice.code!r} is not short snake_case, or reserved"
        yield from _check_msgids(f"{q.id}.{choice.code}", choice.label)
        if choice.when is not None:
            yield from _check_condition(choice.when, earlier, f"{q.id}.{choice.code}")
    if q.kind is Kind.YES_NO and q.choices and set(codes) != {"yes", "no"}:
        yield f"{q.id}: yes/no choices must be coded yes and no"
    if q.kind is not Kind.YES_NO and (q.kind in _NEEDS_CHOICES) != bool(q.choices):
        yield f"{q.id}: choices given to a {q.kind} question, or missing"
    if q.when is not None:
        yield from _check_condition(q.when, earlier, q.id)
    if q.stop_unless is not None and not (q.required and q.stop_text):
        yield f"{q.id}: a stopping question must be required and say why it stops"


def _check_condition(
    condition: Condition, earlier: Mapping[str, Question], where: str
) -> Iterator[str]:
    for name, values in condition.fields():
        asked = earlier.get(name)
        if asked is None:
            yield f"{where}: condition on {name!r}, which is not asked before it"
            continue
        yes_no = ("yes", "no") if asked.kind is Kind.YES_NO else ()
        codes = {*(c.code for c in asked.choices), *yes_no, *Special}
        if (asked.choices or yes_no) and not set(values) <= codes:
            yield f"{where}: condition on {name!r} names a code it does not have"
