"""The conversation's stages: the drawn map is the table, and the table the only writer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import handlers
from handlers import session as session_module
from handlers.session import (
    TRANSITIONS,
    IllegalMove,
    Move,
    Session,
    SessionFormatError,
    Stage,
    Transition,
)

HANDLERS = Path(handlers.__file__).parent
_EDGE = re.compile(r"─(\w+)─►")


def drawn_transitions() -> dict[Move, Transition]:
    """The arrows of the drawing in handlers/session.py's docstring.

    A run of stage names before an arrow are its sources, the name after it its target
    (which may start the next arrow's run); any other word ends a run.
    """
    drawn: dict[Move, tuple[set[Stage], Stage]] = {}
    names = {stage.name: stage for stage in Stage}
    for line in (session_module.__doc__ or "").splitlines():
        run: list[Stage] = []
        tokens = line.split()
        for index, token in enumerate(tokens):
            edge = _EDGE.fullmatch(token)
            if edge is not None:
                target = names[tokens[index + 1]]
                sources, known = drawn.get(Move(edge.group(1)), (set(), target))
                assert known is target, f"{token} drawn to two stages"
                drawn[Move(edge.group(1))] = (sources | set(run), target)
                run = []
            elif token in names:
                run.append(names[token])
            else:
                run = []
    return {move: Transition(frozenset(s), t) for move, (s, t) in drawn.items()}


def test_the_drawn_map_is_the_transition_table() -> None:
    assert drawn_transitions() == dict(TRANSITIONS)


def test_only_session_move_changes_the_stage() -> None:
    writes = [
        f"{path.relative_to(HANDLERS)}:{number}"
        for path in sorted(HANDLERS.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\.stage\s*=[^=]", line)
    ]
    assert len(writes) == 1 and writes[0].startswith("session.py:"), writes


def test_a_move_from_a_stage_without_that_arrow_is_refused() -> None:
    session = Session(language="en")
    with pytest.raises(IllegalMove):
        session.move(Move.START)
    assert session.stage is Stage.LANGUAGE


def consented(stage: Stage = Stage.MENU) -> Session:
    return Session(language="en", stage=stage, consented=True)


def test_each_stage_keeps_only_what_it_shows() -> None:
    # Given a sent report with a linked one suggested, carrying answers
    session = consented(Stage.OFFER)
    session.offers, session.carry, session.group = [["detention", "missing_person"]], {"a": 1}, "g"
    # When the suggestion is declined, nothing of the report stays
    session.move(Move.DECLINE)
    assert (session.stage, session.offers, session.carry, session.group) == (
        Stage.SENT,
        [],
        {},
        None,
    )
    # And a follow-up opened twice starts empty the second time
    session.move(Move.FOLLOW_UP)
    session.followup_case, session.followup_notes = "case", ["note"]
    session.move(Move.FOLLOW_UP)
    assert (session.followup_case, session.followup_notes) == (None, [])
    # And refusing consent inside a form drops the draft and the consent
    form = consented(Stage.FORM)
    form.draft, form.case_id = {"form": "detention"}, "c"
    form.move(Move.STOP)
    assert (form.stage, form.consented, form.draft, form.case_id) == (
        Stage.CONSENT,
        False,
        None,
        None,
    )


def test_a_stored_session_at_a_stage_it_cannot_be_at_is_refused() -> None:
    impossible = [
        Session(stage=Stage.MENU, consented=True),  # no language
        Session(language="en", stage=Stage.MENU),  # not consented
        Session(language="en", stage=Stage.CONSENT, consented=True),
        consented(Stage.FORM),  # no draft
        consented(Stage.OFFER),  # nothing to offer
        consented(Stage.FOLLOWUP),  # no case
    ]
    for session in impossible:
        with pytest.raises(SessionFormatError):
            Session.from_json(session.to_json())
