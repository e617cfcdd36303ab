"""The form definitions themselves: well formed, translatable, safe on a lock screen, short."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from types import ModuleType

import pytest

from handlers.forms import (
    CONSENT_TERMS,
    DONE,
    FORMS,
    KEEP,
    REVIEW_LABELS,
    Ask,
    Button,
    Form,
    Input,
    Kind,
    Repeat,
    Review,
    Special,
    Text,
    UnknownForm,
    check_form,
    engine,
    get_form,
    parsing,
    reading,
)
from handlers.forms.common import REGIONS
from handlers.forms.model import MORE, Choice, Not, Question, When
from handlers.i18n import _, language

from .witness import SKIP, YES, Witness, b

CALLBACK_BUDGET = 48
"""Telegram allows 64 bytes of callback data; 16 stay for the handler's prefix and token."""

_BANNED = (
    r"detain",
    r"detention",
    r"arrest",
    r"custody",
    r"beat(en|ing)?",
    r"ill-treat",
    r"tortur",
    r"missing",
    r"disappear",
    r"abduct",
    r"police",
    r"knb",
    r"national guard",
    r"prison",
    r"kazakhstan",
    *(re.escape(re.sub(r" Region| \(city\)", "", c.label).lower()) for c in REGIONS[:-1]),
)
FIRST_LINE_BANNED = re.compile(rf"\b({'|'.join(_BANNED)})", re.IGNORECASE)
"""What a locked phone's preview must not show: report types, forces, places."""


def form_msgids(form: Form) -> Iterator[str | None]:
    yield form.title
    for offer in form.offers:
        yield offer.text
    for group in form.groups():
        yield from (group.label, group.more_text)
    for q in form.questions():
        yield from (q.text, q.hint, q.stop_text, q.detail_text)
        yield from (c.label for c in q.choices)


def first_lines(form: Form) -> Iterator[str]:
    """Texts that open a message: questions, second steps, offers; not button labels."""
    for q in form.questions():
        yield from (t.split("\n")[0] for t in (q.text, q.stop_text, q.detail_text) if t)
    yield from (g.more_text.split("\n")[0] for g in form.groups())
    yield from (o.text.split("\n")[0] for o in form.offers)


def constants(module: ModuleType) -> list[str]:
    return [v for k, v in vars(module).items() if k.isupper() and isinstance(v, str) and " " in v]


ENGINE_MESSAGES = [*constants(engine), *constants(reading), *constants(parsing)]


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_definition_has_no_problems(form: Form) -> None:
    assert check_form(form, FORMS) == ()


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_every_question_has_a_short_review_label(form: Form, lang: str) -> None:
    for question in form.questions():
        assert question.id in REVIEW_LABELS, f"{form.id}.{question.id} has no review label"
        with language(lang):
            label = _(REVIEW_LABELS[question.id])
        assert label != REVIEW_LABELS[question.id] or lang == "en", f"{lang}: {label!r}"
        assert 0 < len(label) <= 32 and "\n" not in label, label


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_every_msgid_is_a_non_empty_string_without_placeholders(form: Form) -> None:
    for msgid in form_msgids(form):
        assert msgid is None or (isinstance(msgid, str) and msgid.strip())
        if msgid == CONSENT_TERMS:
            continue  # filled by screens.consent_terms from the config
        assert msgid is None or "{" not in msgid, f"nothing fills the placeholder in {msgid!r}"


def test_engine_messages_use_only_named_placeholders() -> None:
    for message in ENGINE_MESSAGES:
        assert not re.search(r"\{\}|\{\d|%[sd]", message), message


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_first_lines_name_no_person_place_or_report_type(form: Form) -> None:
    lines = [*first_lines(form), *(m.split("\n")[0] for m in ENGINE_MESSAGES)]

    leaks = [line for line in lines if FIRST_LINE_BANNED.search(line)]

    assert leaks == []


def test_the_lock_screen_check_catches_a_leak() -> None:
    assert FIRST_LINE_BANNED.search("Who detained Yerlan in Almaty?")
    assert not FIRST_LINE_BANNED.search("Who did it?")


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_every_button_fits_in_callback_data(form: Form) -> None:
    engine_codes = [*Special, DONE, KEEP, reading.TODAY, reading.YESTERDAY, reading.APPROX]
    paths = [
        *(n.id for n in form.questions()),
        *(f"{g.id}.{g.max_count}.{q.id}" for g in form.groups() for q in g.questions),
        *(f"{g.id}.{MORE}" for g in form.groups()),
    ]
    codes = [*engine_codes, *(c.code for q in form.questions() for c in q.choices)]

    longest = max(len(f"{p}:{c}".encode()) for p in paths for c in codes)

    assert longest <= CALLBACK_BUDGET


def test_forms_are_found_by_id() -> None:
    assert get_form("detention") is FORMS["detention"]
    with pytest.raises(UnknownForm):
        get_form("addendum")


def test_a_minimal_detention_report_takes_fourteen_taps_and_messages() -> None:
    witness = Witness(FORMS["detention"]).say(
        YES,
        *b("self", "today", "almaty"),
        SKIP,
        *b("police", "done", "released"),
        "They took him away.",
        *b("yes", "reviewers", "done", "none", "no"),
    )

    assert isinstance(witness.step, Review)
    assert witness.taps == 14


def cheapest(step: Ask) -> Input:
    """What a hurried witness sends: skip what can be skipped, else the first button."""
    codes = [o.code for o in step.buttons]
    kind = step.question.kind
    if Special.SKIPPED in codes:
        return SKIP
    if step.path == "more_details" or step.path.endswith(f".{MORE}"):
        return Button("no")
    if kind is Kind.MULTI and step.partial:
        return Button(DONE)
    if kind is Kind.DATE:
        return Button(reading.TODAY)
    if kind in (Kind.TEXT, Kind.NUMBER):
        return Text("1" if kind is Kind.NUMBER else "What happened, in a few words.")
    return Button(codes[0])


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_a_hurried_report_of_any_type_takes_at_most_25_steps(form: Form) -> None:
    witness = Witness(form)
    while isinstance(step := witness.step, Ask):
        witness.say(cheapest(step))
        assert witness.taps < 100

    assert witness.taps <= 25


def test_each_repeat_group_has_a_sane_maximum() -> None:
    groups: list[Repeat] = [g for form in FORMS.values() for g in form.groups()]

    assert groups
    assert all(1 <= g.min_count <= g.max_count <= 10 for g in groups)


def test_an_id_is_reused_only_by_a_rewording_asked_exactly_when_the_first_is_not() -> None:
    """Two questions filling one answer would overwrite each other unless exactly one of
    them is ever asked."""
    role = Question("role", Kind.CHOICE, "Who?", choices=(Choice("self", "Me"),))
    them = Question("hurt", Kind.YES_NO, "Was the person hurt?", when=Not(When("role", "self")))
    you = replace(them, text="Were you hurt?", when=When("role", "self"))

    def problems(*nodes: Question) -> tuple[str, ...]:
        return check_form(Form("f", 1, "F", (role, *nodes)), ())

    assert problems(them, you) == ()
    assert problems(them, replace(you, when=None)) == ("f: hurt: id used twice",)
    assert problems(them, replace(you, kind=Kind.TEXT)) != ()
