"""Random witnesses: whatever they press or type, the engine neither breaks nor forgets.

Inputs are drawn mostly from the buttons on show and typical typed answers (so walks get deep
into each form), mixed with stale buttons, junk text, bad locations and bad file references.
"""

from __future__ import annotations

import json
import string
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.forms import (
    DONE,
    FORMS,
    KEEP,
    Ask,
    Button,
    Draft,
    Form,
    Input,
    Invalid,
    Location,
    Media,
    Repeat,
    Section,
    Special,
    Stopped,
    Text,
    answer,
    back,
    current,
    edit,
    progress,
    resume,
    review_items,
    start,
)
from handlers.forms.model import holds

from .obstruction_form import OBSTRUCTION
from .witness import REF, TODAY

ALL_FORMS = [*FORMS.values(), OBSTRUCTION]
STALE_CODES = sorted(
    {c.code for f in ALL_FORMS for q in f.questions() for c in q.choices}
    | {*Special, DONE, KEEP, "today", "yesterday", "approx", "bogus", ""}
)
TYPICAL = [
    "25.04.2024",
    "04.2024",
    "2023",
    "2031",
    "11.05.2024",
    "31.02.2024",
    "1985",
    "300",
    "34",
    "1999",
    "",
    "   ",
    "x" * 5000,
    "Abai avenue",
    "skipped",
    "N",
]
JUNK = st.one_of(
    st.sampled_from(STALE_CODES).map(Button),
    st.text(max_size=30).map(Text),
    st.builds(Location, st.floats(), st.floats()),
    st.sampled_from(
        [REF, replace(REF, size=-1), replace(REF, size=True), replace(REF, sha256="")]
    ).map(Media),
)


def likely_inputs(form: Form, draft: Draft) -> st.SearchStrategy[Input]:
    step = current(form, draft)
    buttons = [Button(o.code) for o in step.buttons] if isinstance(step, Ask) else []
    shown = st.sampled_from(buttons) if buttons else JUNK
    if Button(DONE) in buttons:  # else ticking on and off rarely gets past a multi choice
        shown = st.one_of(shown, st.just(Button(DONE)))
    located = st.builds(Location, st.floats(-90, 90), st.floats(-180, 180))
    typed = st.sampled_from(TYPICAL).map(Text)
    return st.one_of(shown, shown, shown, typed, typed, located, JUNK)


def reachable_roots(form: Form, draft: Draft) -> set[str]:
    """An independent reading of the definition: ids whose conditions hold."""
    look = draft.answers.get
    roots: set[str] = set()
    for node in form.nodes:
        inner = node.nodes if isinstance(node, Section) else (node,)
        if isinstance(node, Section) and not node.when.holds(look):
            continue
        roots |= {n.id for n in inner if holds(n.when, look)}
    return roots


def assert_sound(form: Form, draft: Draft) -> None:
    assert Draft.from_json(json.loads(json.dumps(draft.to_json()))) == draft
    assert resume(form, draft).draft == draft, "answers of a branch not taken were kept"
    assert set(draft.answers) <= reachable_roots(form, draft)
    done, total = progress(form, draft)
    assert 0 <= done <= total
    step = current(form, draft)
    if isinstance(step, Ask):
        root = step.path.split(".")[0]
        assert root in reachable_roots(form, draft), f"unreachable {step.path} asked"
        answered = {item.path for item in review_items(form, draft)}
        assert step.path not in answered or step.path == draft.editing


def assert_fills(invalid: Invalid) -> None:
    names = {name for _, name, _, _ in string.Formatter().parse(invalid.message) if name}
    assert names <= set(invalid.params), invalid
    invalid.message.format(**invalid.params)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(form=st.sampled_from(ALL_FORMS), data=st.data())
def test_random_witnesses_never_break_the_engine(form: Form, data: st.DataObject) -> None:
    draft = start(form).draft
    for _ in range(data.draw(st.integers(10, 200), label="steps")):
        action = data.draw(st.sampled_from(["input"] * 12 + ["back", "edit"]), label="action")
        if action == "input":
            result = answer(form, draft, data.draw(likely_inputs(form, draft)), TODAY)
        elif action == "back":
            result = back(form, draft)
        else:
            paths = [i.path for i in review_items(form, draft)]
            paths += [g.id for g in form.groups()] + ["bogus", "victims.0.name"]
            result = edit(form, draft, data.draw(st.sampled_from(paths), label="edit"))
        if isinstance(result, Invalid):
            assert_fills(result)
        elif isinstance(result, Stopped):
            assert result.path == "consent"
        else:
            # The step that comes with a draft is the one a fresh walk finds.
            assert result.step == current(form, result.draft)
            draft = result.draft
            assert_sound(form, draft)


@given(form=st.sampled_from(ALL_FORMS), junk=st.dictionaries(st.text(max_size=8), st.integers()))
def test_resume_throws_away_answers_a_form_never_asks(form: Form, junk: dict[str, int]) -> None:
    known = {q.id for q in form.questions()} | {g.id for g in form.groups()}
    draft = Draft(form.id, 0, {k: v for k, v in junk.items() if k not in known})

    assert resume(form, draft).draft.answers == {}


def test_groups_of_every_form_are_reachable_roots() -> None:
    for form in ALL_FORMS:
        groups = [n for n in form.groups() if isinstance(n, Repeat)]
        assert all(g.id not in {q.id for q in form.questions()} for g in groups)
