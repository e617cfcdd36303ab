"""The WGEID draft as plain values: each element filled from the case, each gap named."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from handlers.wgeid import NotMissingPerson, date_words, draft_submission
from storage.wgeid import Submission
from tests.storage.cases import missing_person

TODAY = dt.date(2022, 2, 1)
RECEIVED = dt.date(2022, 1, 9)


def draft(extra: dict[str, Any] | None = None, drop: tuple[str, ...] = ()) -> Submission:
    answers = missing_person("ru", extra=extra, drop=drop).answers
    return draft_submission("c" * 32, "missing_person", RECEIVED, answers, TODAY)


def entries(submission: Submission) -> dict[str, Any]:
    return {e.label: e.value for s in submission.sections for e in s.entries}


def test_a_complete_case_fills_the_six_elements_and_is_ready() -> None:
    submission = draft()
    values = entries(submission)
    assert values["Full name"] == "Ерлан Серікұлы Жақсыбеков"
    assert values["Last seen"] == "6 January 2022"
    # A shared location is placed in its region from the shipped boundaries.
    assert values["Place last seen"] == "Almaty (city), shared location 43.23800, 76.94600"
    assert values["Believed responsible"] == "KNB; Police"
    assert values["Steps taken by the family and others"] == "Asked the police; Checked morgues"
    assert values["Response of the authorities"] == "Denied detention"
    assert values["Age"] == "about 35"
    assert values["Family's consent"] == "the informant is a relative (Brother or sister)"
    assert submission.ready and submission.missing == ()
    assert not any(s.element_missing for s in submission.sections)
    assert submission.urgent, "last seen 26 days before today"


def test_the_witness_name_is_never_copied_into_the_draft() -> None:
    submission = draft()
    text = repr(submission)
    assert "Айгүл" not in text
    assert entries(submission)["Informant's identity"].startswith("given in confidence")
    assert entries(submission)["Submitted by"] is None, "the organisation is the source"


def test_each_missing_element_is_named_and_marked() -> None:
    submission = draft(
        extra={
            "last_seen_when": {"date": "2020", "precision": "year"},
            "believed_responsible": ["unknown"],
            "anonymous": "yes",
            "reporter_role": "eyewitness",
            "family_consent": "no",
        },
        drop=("reporter_name", "steps_taken"),
    )
    assert submission.missing == (
        "the date the person was last seen (at least the month and year)",
        "who is believed to be responsible",
        "the steps taken to find the person",
        "the source of the submission (name and address)",
        "the family's consent to the submission",
    )
    missing = {s.element for s in submission.sections if s.element_missing}
    assert missing == {
        "2. Date (at least month and year)",
        "4. Parties believed responsible",
        "5. Steps taken",
        "6. Source",
        "Consent of the family",
    }
    values = entries(submission)
    assert values["Family's consent"].startswith("NO:")
    assert values["Steps taken by the family and others"] is None
    assert values["Believed responsible"] is None
    assert not submission.urgent, "a year-only date two years ago is not urgent"


def test_a_voice_account_and_hidden_characters_are_shown_for_what_they_are() -> None:
    submission = draft(
        extra={
            "narrative": {"voice": {"attachment_id": "x"}, "seconds": 102},
            "steps_detail": "ok\x1b[2J\u202eevil",
        }
    )
    values = entries(submission)
    assert values["Account of what happened"].startswith("(given as a voice message of 102")
    assert values["What was done and what they were told"] == "ok\\x1b[2J\\u202eevil"


def test_another_report_type_is_refused() -> None:
    answers = missing_person().answers
    with pytest.raises(NotMissingPerson):
        draft_submission("c" * 32, "detention", RECEIVED, answers, TODAY)


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ({"date": "2022-01-06", "precision": "exact"}, "6 January 2022"),
        ({"date": "2022-01-06", "precision": "approximate"}, "about 6 January 2022"),
        ({"date": "2022-01", "precision": "month"}, "January 2022"),
        ({"date": "2022-13", "precision": "month"}, None),
        ("dont_know", None),
    ],
)
def test_dates_read_as_a_desk_officer_writes_them(answer: Any, words: str | None) -> None:
    assert date_words(answer) == words
