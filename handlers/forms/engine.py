"""Walking a form: (form, draft, input, today) → a new draft and the next step, or why not.

Pure: nothing here reads the clock, the network or Telegram. The handler stores the draft
(encrypted) after every answer and shows the step that came with it (`Next`), so one input
walks the form once to find its question and once to settle. The position is never stored:
the next question is the first one on the walk without an answer (or the one reopened for a
change), so a draft stays valid across a restart, and `resume` re-checks it after a release.
Answer shapes and paths are described in `handlers.forms.draft`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TypeAlias

from handlers.forms.draft import Draft
from handlers.forms.model import (
    KEEP,
    MORE,
    N_,
    Answer,
    Button,
    Choice,
    Condition,
    Form,
    Input,
    Invalid,
    Kind,
    Lookup,
    Offer,
    Question,
    Repeat,
    Section,
    Stopped,
    holds,
)
from handlers.forms.reading import (
    Accept,
    Option,
    Partial,
    accepts,
    base_choices,
    is_valid,
    options,
    prompt,
    read,
)

# TRANSLATORS: Message before the review screen. One short sentence.
FINISHED = N_("Everything is answered. Please check your answers below.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
CANNOT_EDIT = N_("That answer cannot be changed now.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# Sent when Back is pressed on the first question.
NOTHING_BEFORE = N_("This is the first question.")
# TRANSLATORS: Message when the witness does not agree; the report stops. First line neutral (a
# locked phone shows it).
STOPPED = N_("We go on only with your agreement. Nothing has been kept.")
# TRANSLATORS: Button of a question reopened from the review: at most 24 characters.
_KEEP = Option(N_("Keep the current answer"), KEEP)


class WrongForm(ValueError):
    """A draft resumed with another form than the one it was started with."""


@dataclass(frozen=True)
class Position:
    """Where a question sits in a repeat group, to show "Person 2"."""

    group: str
    label: str
    number: int
    """Counted from 1."""
    maximum: int


@dataclass(frozen=True)
class Ask:
    """Show this question (or the current step of it) and wait for an input."""

    path: str
    """Stable id of the answer asked for; put it in callback data to refuse stale presses."""
    question: Question
    text: str
    """Msgid of what to show; for a second step (the town) not the question's own text."""
    hint: str | None
    buttons: tuple[Option, ...]
    accepts: frozenset[Accept]
    partial: Answer = None
    """The answer so far: codes ticked in a multi choice, files received."""
    position: Position | None = None
    previous: Answer = None
    """The answer being changed, when the question was reopened."""
    answered: int = 0
    """Questions on the walk already answered (none: nothing to go Back to)."""
    number: int = 1
    """This question's place on the walk, from 1: "Question 3", and its number on the review."""
    remaining: int | None = None
    """Questions the witness will be asked after this one, or None while an answer still to
    give (this one, "add another person?", a branch's gate) may change how many: then the
    witness is told "a few more", never a count that would jump."""


@dataclass(frozen=True)
class ReviewItem:
    """One answer on the review screen; `edit(form, draft, path)` reopens it."""

    path: str
    question: Question
    value: Answer
    position: Position | None = None


@dataclass(frozen=True)
class Review:
    """Every question is answered: show the answers; the witness may `edit` one, then send."""

    items: tuple[ReviewItem, ...]


Step: TypeAlias = Ask | Review


@dataclass(frozen=True)
class Next:
    """A draft the engine settled, and the step it leads to: what to store and what to show."""

    draft: Draft
    step: Step


@dataclass(frozen=True)
class _Slot:
    """One question on the walk, with the answers its conditions may read."""

    path: str
    question: Question
    lookup: Lookup
    group: Repeat | None = None
    index: int = 0
    gate: bool = False
    """Some condition of the form reads this question's answer: it may open or close a branch."""

    @property
    def more(self) -> bool:
        return self.group is not None and self.path == f"{self.group.id}.{MORE}"

    @property
    def position(self) -> Position | None:
        g = self.group
        return None if g is None else Position(g.id, g.label, self.index + 1, g.max_count)


def start(form: Form, carry: Mapping[str, Answer] | None = None) -> Next:
    """A new draft, optionally with answers carried over from a linked report."""
    return _settle(form, Draft(form.id, form.version, dict(carry or {})))


def resume(form: Form, draft: Draft) -> Next:
    """A stored draft checked against the form as it is now, after a restart or a release."""
    if draft.form != form.id:
        raise WrongForm(f"draft of {draft.form!r} resumed as {form.id!r}")
    return _settle(form, draft)


def current(form: Form, draft: Draft) -> Step:
    """What to show now."""
    return _step(list(_walk(form, draft)), draft)


def answer(form: Form, draft: Draft, given: Input, today: dt.date) -> Next | Invalid | Stopped:
    """Apply one input to the current question. `today` is the witness's day, for dates."""
    slots = list(_walk(form, draft))
    slot = _next(slots, draft)
    if slot is None:
        return Invalid(FINISHED)
    if draft.editing == slot.path and given == Button(KEEP):
        return _same_walk(slots, replace(draft, editing=None, pending=None))
    outcome = read(slot.question, _choices(slot), _partial(slot, draft), given, today)
    if isinstance(outcome, Invalid):
        return outcome
    if isinstance(outcome, Partial):
        return _same_walk(slots, replace(draft, pending=(slot.path, outcome.value)))
    if slot.more:
        return _settle(form, _more(draft, slot, outcome.value))
    question = slot.question
    if question.stop_unless is not None and outcome.value != question.stop_unless:
        return Stopped(slot.path, question.stop_text or STOPPED)
    answers = _set(draft.answers, slot.path, outcome.value)
    return _settle(form, replace(draft, answers=answers, editing=None, pending=None))


def edit(form: Form, draft: Draft, path: str) -> Next | Invalid:
    """Reopen one answer from the review; a group's id reopens its "add another?"."""
    if path in draft.closed and any(g.id == path for g in _groups(form, draft)):
        reopened = replace(draft, closed=draft.closed - {path}, editing=None, pending=None)
        return Next(reopened, current(form, reopened))
    slots = list(_walk(form, draft))
    if any(s.path == path and _answered(s, draft) for s in slots):
        return _same_walk(slots, replace(draft, editing=path, pending=None))
    return Invalid(CANNOT_EDIT)


def back(form: Form, draft: Draft) -> Next | Invalid:
    """Reopen the answered question before the current one (a mistaken tap)."""
    slots = list(_walk(form, draft))
    here = _next(slots, draft)
    before = slots[: slots.index(here)] if here else slots
    answered = [s for s in before if _answered(s, draft)]
    if not answered:
        return Invalid(NOTHING_BEFORE)
    return _same_walk(slots, replace(draft, editing=answered[-1].path, pending=None))


def review_items(form: Form, draft: Draft) -> tuple[ReviewItem, ...]:
    return _review(list(_walk(form, draft)), draft)


def offers(form: Form, draft: Draft) -> tuple[Offer, ...]:
    """Follow-up reports to suggest once the draft is finished."""
    root = _lookup(draft.answers, {})
    return tuple(offer for offer in form.offers if offer.when.holds(root))


def flags(form: Form, draft: Draft, today: dt.date) -> dict[str, bool]:
    """The markers a finished report is sealed with, as its form declares them."""
    return {flag.name: flag.test(draft.answers, today) for flag in form.flags}


def progress(form: Form, draft: Draft) -> tuple[int, int]:
    """(answered, estimated total): the total grows when an answer opens a branch."""
    slots = list(_walk(form, draft))
    done = sum(1 for s in slots if _answered(s, draft))
    return done, len(slots)


def _lookup(answers: Mapping[str, Answer], item: Mapping[str, Answer]) -> Lookup:
    """A group question's conditions see its own person's answers first, then the report's."""

    def find(name: str) -> Answer:
        return item[name] if name in item else answers.get(name)

    return find


def _groups(form: Form, draft: Draft) -> Iterator[Repeat]:
    return (n for n in _nodes(form, draft.answers) if isinstance(n, Repeat))


def _nodes(form: Form, answers: Mapping[str, Answer]) -> Iterator[Question | Repeat]:
    """Questions and groups whose own and section's conditions hold."""
    root = _lookup(answers, {})
    for node in form.nodes:
        inner = node.nodes if isinstance(node, Section) else (node,)
        if not isinstance(node, Section) or node.when.holds(root):
            yield from (n for n in inner if holds(n.when, root))


_GATES: dict[int, tuple[Form, frozenset[str]]] = {}
"""Per form (by identity, the form kept alive beside it): the ids its conditions read."""


def gates(form: Form) -> frozenset[str]:
    """Ids of the questions whose answers a condition reads (a section's, a question's, a
    group's): answering one of them can change which questions follow."""
    found = _GATES.get(id(form))
    if found is not None and found[0] is form:
        return found[1]
    conditions: list[Condition] = []
    for node in form.nodes:
        if isinstance(node, Section):
            conditions.append(node.when)
        for item in node.nodes if isinstance(node, Section) else (node,):
            inner = item.questions if isinstance(item, Repeat) else ()
            conditions += [c.when for c in (item, *inner) if c.when is not None]
    ids = frozenset(name for condition in conditions for name, _values in condition.fields())
    _GATES[id(form)] = (form, ids)
    return ids


def _walk(form: Form, draft: Draft, answers: Mapping[str, Answer] | None = None) -> Iterator[_Slot]:
    """Every question the draft's answers lead to, in order, answered or not."""
    answers = draft.answers if answers is None else answers
    opens = gates(form)
    for node in _nodes(form, answers):
        if isinstance(node, Question):
            yield _Slot(node.id, node, _lookup(answers, {}), gate=node.id in opens)
            continue
        items = _items(answers.get(node.id))
        count = min(max(len(items), node.min_count), node.max_count)
        for index in range(count):
            lookup = _lookup(answers, items[index] if index < len(items) else {})
            for question in node.questions:
                if holds(question.when, lookup):
                    path = f"{node.id}.{index + 1}.{question.id}"
                    yield _Slot(path, question, lookup, node, index, question.id in opens)
        if node.id not in draft.closed and count < node.max_count:
            more = Question(MORE, Kind.YES_NO, node.more_text, required=True)
            yield _Slot(f"{node.id}.{MORE}", more, _lookup(answers, {}), node, count)


def _step(slots: list[_Slot], draft: Draft) -> Step:
    slot = _next(slots, draft)
    return Review(_review(slots, draft)) if slot is None else _ask(slot, draft, slots)


def _same_walk(slots: list[_Slot], draft: Draft) -> Next:
    """A draft changed only where the walk does not look (editing, pending): no new walk."""
    return Next(draft, _step(slots, draft))


def _next(slots: list[_Slot], draft: Draft) -> _Slot | None:
    reopened = [s for s in slots if s.path == draft.editing]
    return next(iter(reopened), None) or next((s for s in slots if not _answered(s, draft)), None)


def _answered(slot: _Slot, draft: Draft) -> bool:
    return not slot.more and _get(draft.answers, slot.path) is not None


def _choices(slot: _Slot) -> tuple[Choice, ...]:
    return tuple(c for c in base_choices(slot.question) if holds(c.when, slot.lookup))


def _partial(slot: _Slot, draft: Draft) -> Answer:
    """The answer so far; a reopened multi choice or file list starts from the old answer."""
    if draft.pending is not None and draft.pending[0] == slot.path:
        return draft.pending[1]
    previous = _get(draft.answers, slot.path)
    reopened = draft.editing == slot.path and slot.question.kind in (Kind.MULTI, Kind.MEDIA)
    return previous if reopened and isinstance(previous, list) else None


def _ask(slot: _Slot, draft: Draft, slots: list[_Slot]) -> Ask:
    partial, question = _partial(slot, draft), slot.question
    text, hint = prompt(question, partial)
    buttons = options(question, _choices(slot), partial)
    reopened = draft.editing == slot.path
    return Ask(
        path=slot.path,
        question=question,
        text=text,
        hint=hint,
        buttons=(*buttons, _KEEP) if reopened else buttons,
        accepts=accepts(question, partial),
        partial=partial,
        # "Add another person?" names no person: "Person 2" before one is added misleads.
        position=None if slot.more else slot.position,
        previous=_get(draft.answers, slot.path) if reopened else None,
        answered=sum(1 for s in slots if _answered(s, draft)),
        number=slots.index(slot) + 1,
        remaining=_remaining(slots, slot, draft),
    )


def _remaining(slots: list[_Slot], slot: _Slot, draft: Draft) -> int | None:
    """How many questions follow `slot`, if no answer still to give can change that."""
    ahead = slots[slots.index(slot) :]
    if slot.gate or slot.more or any((s.gate or s.more) and not _answered(s, draft) for s in ahead):
        return None
    return len(ahead) - 1


def _review(slots: list[_Slot], draft: Draft) -> tuple[ReviewItem, ...]:
    return tuple(
        ReviewItem(s.path, s.question, _get(draft.answers, s.path), s.position)
        for s in slots
        if _answered(s, draft)
    )


def _more(draft: Draft, slot: _Slot, choice: Answer) -> Draft:
    """ "Add another person?": yes opens an empty item, no closes the group."""
    assert slot.group is not None  # only group slots are "more" slots
    if choice != "yes":
        return replace(draft, closed=draft.closed | {slot.group.id}, pending=None)
    items: list[Answer] = [*_items(draft.answers.get(slot.group.id))]
    items += [{} for _ in range(slot.index + 1 - len(items))]
    return replace(draft, answers={**draft.answers, slot.group.id: items}, pending=None)


def _settle(form: Form, draft: Draft) -> Next:
    """Drop answers the walk no longer reaches (or that no longer fit), until nothing changes.

    One pass is not enough: dropping an answer can close the branch of a later one. The
    last walk, which changed nothing, is the settled draft's walk: its step needs no other.
    (Closing only groups that are no longer on the walk changes no slot of it.)
    """
    answers = dict(draft.answers)
    slots = list(_walk(form, draft, answers))
    while (kept := _keep(slots, answers)) != answers:
        answers = kept
        slots = list(_walk(form, draft, answers))
    paths = {s.path for s in slots}
    live = {g.id for g in _groups(form, replace(draft, answers=answers))}
    settled = replace(
        draft,
        version=form.version,
        answers=answers,
        closed=draft.closed & live,
        editing=draft.editing if draft.editing in paths else None,
        pending=draft.pending if draft.pending and draft.pending[0] in paths else None,
    )
    return Next(settled, _step(slots, settled))


def _keep(slots: list[_Slot], answers: Mapping[str, Answer]) -> dict[str, Answer]:
    kept: dict[str, Answer] = {}
    for slot in slots:
        group = slot.group
        if group is not None and group.id in answers and group.id not in kept:
            # People stay, even with nothing answered yet ("add another?" said yes).
            people = _items(answers[group.id])[: group.max_count]
            kept[group.id] = [{} for _ in people]
        value = None if slot.more else _get(answers, slot.path)
        if value is not None and is_valid(slot.question, _choices(slot), value):
            kept = _set(kept, slot.path, value)
    return kept


def _items(value: Answer) -> list[dict[str, Answer]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _split(path: str) -> tuple[str, int, str] | None:
    """`victims.2.age` → ("victims", 1, "age"); None for a path outside any group."""
    parts = path.split(".")
    if len(parts) != 3 or not parts[1].isdecimal() or not 0 < int(parts[1][:3]) <= 999:
        return None
    return parts[0], int(parts[1]) - 1, parts[2]


def recorded(draft: Draft, path: str) -> Answer:
    """The answer the draft holds for `path` (as `Ask.path` names it), None if none."""
    return _get(draft.answers, path)


def _get(answers: Mapping[str, Answer], path: str) -> Answer:
    where = _split(path)
    if where is None:
        return answers.get(path)
    group, index, name = where
    items = _items(answers.get(group))
    return items[index].get(name) if 0 <= index < len(items) else None


def _set(answers: Mapping[str, Answer], path: str, value: Answer) -> dict[str, Answer]:
    """A copy with one answer set; the draft's own dicts are never changed in place."""
    where = _split(path)
    if where is None:
        return {**answers, path: value}
    group, index, name = where
    items = [dict(item) for item in _items(answers.get(group))]
    items += [{} for _ in range(index + 1 - len(items))]
    items[index][name] = value
    return {**answers, group: [*items]}
