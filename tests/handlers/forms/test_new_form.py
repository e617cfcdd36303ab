"""A new report type needs only a definition: the test-only obstruction form, end to end."""

from __future__ import annotations

from handlers.forms import FORMS, Next, Review, check_form, edit, offers

from .obstruction_form import OBSTRUCTION
from .test_definitions import FIRST_LINE_BANNED, first_lines
from .witness import FINISH, SKIP, YES, Witness, b


def test_the_fourth_form_is_well_formed_and_lock_screen_safe() -> None:
    assert check_form(OBSTRUCTION, FORMS) == ()
    assert [line for line in first_lines(OBSTRUCTION) if FIRST_LINE_BANNED.search(line)] == []


def test_the_fourth_form_walks_to_its_review_and_offers() -> None:
    # Given a colleague who saw a journalist detained and a photographer's camera taken
    witness = Witness(OBSTRUCTION).say(
        YES,
        *b("colleague", "yesterday", "astana"),
        "Akorda",
        *b("equipment_seized", "detained", "done", "police", "done"),
        "They took the camera.",
        *b("yes", "partners", "publish", "done", "none", "yes"),
    )

    # When two journalists are named, one only by outlet
    witness.say("Dana", YES, SKIP, "Vlast.kz")

    # Then the group stops at its maximum of two without asking for a third
    assert witness.at == "attachments"
    witness.say(FINISH)
    assert isinstance(witness.step, Review)
    assert witness.answers["journalists"] == [
        {"name": "Dana"},
        {"name": "skipped", "outlet": "Vlast.kz"},
    ]
    assert [o.form for o in offers(OBSTRUCTION, witness.draft)] == ["detention"]


def test_the_fourth_form_drops_a_stale_branch_inside_a_group() -> None:
    witness = Witness(OBSTRUCTION).say(
        YES,
        *b("colleague", "yesterday", "astana"),
        SKIP,
        *b("blocked", "done", "police"),
        FINISH,
        "Story",
        *b("yes", "reviewers", "done", "none", "yes"),
        SKIP,
        "Vlast.kz",
    )

    reopened = edit(OBSTRUCTION, witness.draft, "journalists.1.name")
    assert isinstance(reopened, Next)
    witness.draft = reopened.draft
    witness.say("Dana")

    assert witness.answers["journalists"] == [{"name": "Dana"}]
    assert witness.at == "journalists.more"
