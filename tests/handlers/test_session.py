"""The conversation's stages: the drawn map is the table, and the table the only writer."""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import handlers
from handlers import session as session_module
from handlers.flow import _settle_offers
from handlers.forms import FORMS, Ask, start
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
    assert now(session.stage, session.offers, session.carry, session.group) == (
        Stage.SENT,
        [],
        {},
        None,
    )
    # And a follow-up opened twice starts empty the second time
    session.move(Move.FOLLOW_UP)
    session.followup_case, session.followup_notes = "case", ["note"]
    session.move(Move.FOLLOW_UP)
    assert now(session.followup_case, session.followup_notes) == (None, [])
    # And refusing consent inside a form drops the draft and the consent
    form = consented(Stage.FORM)
    form.keep(start(FORMS["detention"]))
    form.case_id = "c"
    form.move(Move.STOP)
    assert now(form.stage, form.consented, form.draft, form.case_id) == (
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
    ]
    for session in impossible:
        with pytest.raises(SessionFormatError):
            Session.from_json(session.to_json())


def test_no_stored_row_says_a_report_was_sent_and_memory_puts_it_back() -> None:
    # Given a sent report with a linked one suggested, carrying answers
    session = consented(Stage.OFFER)
    session.offers, session.carry, session.group = [["detention", "missing_person"]], {"a": 1}, "g"
    sequel = session.sequel()
    # When it is stored, the row is a witness at the menu, no more
    row = session.to_json()
    assert row["stage"] == "menu"
    assert not {"offers", "carry", "group", "followup_case", "followup_notes"} & set(row)
    # Then what memory held puts the suggestion back on the stored session
    assert sequel is not None
    assert Session.from_json(row).resumed(sequel) == session
    # And a sequel that does not fit what was stored is not put back
    assert consented(Stage.FORM).resumed(sequel).stage is Stage.FORM
    empty = replace(sequel, offers=[])
    assert Session.from_json(row).resumed(empty).stage is Stage.MENU
    follow = consented(Stage.FOLLOWUP)
    follow_sequel = follow.sequel()
    assert follow_sequel is not None  # no case: not a follow-up move could leave
    assert Session.from_json(follow.to_json()).resumed(follow_sequel).stage is Stage.MENU
    # And a session with nothing of a sent report has no sequel
    assert consented(Stage.MENU).sequel() is None


TODAYS_ROW: dict[str, Any] = {
    "format": 1,
    "language": "ru",
    "stage": "form",
    "consented": True,
    "draft": {
        "draft": 1,
        "form": "detention",
        "version": 1,
        "answers": {"consent": "yes", "reporter_role": "self"},
        "closed": [],
        "editing": None,
        "pending": None,
    },
    "case_id": "0123456789abcdef",
    "group": None,
    "offers": [],
    "carry": {},
    "receipt": None,
    "followup_case": None,
    "followup_notes": [],
    "followup_files": [],
    "first_message": 11,
    "last_message": 13,
    "prompt": 13,
    "ticket": 4,
}
"""A session as the code before the typed draft stored it (format 1)."""


def test_a_session_stored_before_the_typed_draft_loads_and_stores_the_same() -> None:
    session = Session.from_json(copy.deepcopy(TODAYS_ROW))

    assert session.draft is not None and session.draft.answers == TODAYS_ROW["draft"]["answers"]
    assert isinstance(session.step, Ask) and session.step.path == "event_date"
    memory_only = {"group", "offers", "carry", "followup_case", "followup_notes", "followup_files"}
    assert session.to_json() == {k: v for k, v in TODAYS_ROW.items() if k not in memory_only}


def test_a_session_survives_its_json_and_refuses_strangers() -> None:
    session = Session.from_json(copy.deepcopy(TODAYS_ROW))
    for message_id in (3, 1, 4):
        session.track(message_id)
    again = Session.from_json(session.to_json())
    assert again == session and again.step == session.step
    for bad in ({}, {"format": 2}, {"format": 1, "stage": "nowhere"}, {"format": 1, "spam": 1}):
        with pytest.raises(SessionFormatError):
            Session.from_json(bad)


def test_a_session_that_listed_its_message_ids_keeps_their_range_for_delete() -> None:
    row = {k: v for k, v in TODAYS_ROW.items() if k not in ("first_message", "last_message")}

    session = Session.from_json({**copy.deepcopy(row), "messages": [12, 11, 13]})

    assert (session.first_message, session.last_message) == (11, 13)


@pytest.mark.parametrize(
    "draft",
    [
        {**TODAYS_ROW["draft"], "form": "a_removed_form"},
        {**TODAYS_ROW["draft"], "draft": 99},
        {"not": "a draft"},
        "not even a mapping",
    ],
)
def test_a_draft_that_fits_no_form_is_dropped_with_an_event_not_a_crash(
    draft: object, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="handlers.session")

    session = Session.from_json({**copy.deepcopy(TODAYS_ROW), "draft": draft})

    assert (session.stage, session.draft, session.step, session.case_id) == (
        Stage.MENU,
        None,
        None,
        None,
    )
    assert (session.first_message, session.last_message) == (11, 13)  # /delete still finds them
    assert [r.getMessage() for r in caplog.records] == ["draft_dropped reason=unreadable"]


def test_a_suggestion_of_a_removed_report_type_is_dropped_with_an_event(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="handlers.flow")
    session = consented(Stage.OFFER)
    session.offers = [["detention", "a_removed_form"]]
    session.carry, session.group = {"event_date": "x"}, "g"

    _settle_offers(session)

    assert (session.stage, session.offers, session.carry) == (Stage.SENT, [], {})
    assert [r.getMessage() for r in caplog.records] == ["offer_dropped reason=unknown_form"]


def now(*fields: object) -> tuple[object, ...]:
    """Fields as they are after a move (a plain tuple would keep the types mypy narrowed
    from the assignments before it)."""
    return fields
