"""Whole reports walked to the review with typical answers, one per form."""

from __future__ import annotations

import datetime as dt

from handlers.forms import (
    FORMS,
    Ask,
    Location,
    Media,
    Review,
    is_un_ready,
    is_urgent,
    offers,
    progress,
    review_items,
    wgeid_gaps,
)

from .witness import DONT_KNOW, FINISH, NO, REF, SKIP, YES, Witness, b

DETENTION, ILL_TREATMENT, MISSING = (
    FORMS["detention"],
    FORMS["ill_treatment"],
    FORMS["missing_person"],
)


def detention_essentials(witness: Witness) -> Witness:
    """Given a witness who saw a detention on Republic Square; the person is still held."""
    return witness.say(
        YES,
        *b("eyewitness"),
        "25.04.2024",
        *b("almaty"),
        "Republic Square, near the monument",
        *b("police", "knb", "done", "still_held", "ivs"),
        "IVS on Kazybek bi street",
        "Two men in plain clothes pushed him into a van.",
        NO,
        "A. K.",
        *b("reviewers", "un_bodies", "done", "signal"),
        "+7 700 000 00 00, evenings",
    )


def test_detention_with_details_reaches_the_review() -> None:
    witness = detention_essentials(Witness(DETENTION)).say(YES)

    # Two people, then no third.
    witness.say("Yerlan", *b("male"), "34", *b("kazakhstan", "protester"), YES)
    witness.say("Aigerim", *b("female"), "1999", DONT_KNOW, *b("journalist"), NO)
    witness.say(*b("beaten", "mass_riots", "denied", "no", "administrative"), "12.05.2024")
    witness.say(*b("arrest"), "15", "Article 488", *b("refused"), SKIP, *b("street"), "40")
    witness.say(*b("saw", "photo_video", "done"), Media(REF), FINISH)

    assert isinstance(witness.step, Review)
    answers = witness.answers
    assert answers["place"] == {
        "region": "almaty",
        "town": "Republic Square, near the monument",
        "lat": None,
        "lon": None,
    }
    assert answers["detained_by"] == ["police", "knb"]
    assert answers["follow_up"] == {"method": "signal", "detail": "+7 700 000 00 00, evenings"}
    assert answers["victims"] == [
        {
            "name": "Yerlan",
            "sex": "male",
            "age": 34,
            "citizenship": "kazakhstan",
            "occupation": "protester",
        },
        {
            "name": "Aigerim",
            "sex": "female",
            "age": 25,
            "citizenship": "dont_know",
            "occupation": "journalist",
        },
    ]
    assert answers["hearing_date"] == {"date": "2024-05-12", "precision": "exact"}
    assert answers["identifiers"] == "skipped"
    assert answers["attachments"] == [REF.to_json()]
    assert [o.form for o in offers(DETENTION, witness.draft)] == ["ill_treatment"]
    done, total = progress(DETENTION, witness.draft)
    assert done == total == len(review_items(DETENTION, witness.draft))


def test_review_items_carry_paths_and_people_numbers() -> None:
    witness = detention_essentials(Witness(DETENTION)).say(YES, "Yerlan")

    items = {item.path: item for item in review_items(DETENTION, witness.draft)}

    assert items["victims.1.name"].value == "Yerlan"
    assert items["victims.1.name"].position is not None
    assert items["victims.1.name"].position.number == 1
    assert items["held_where"].value == "ivs"


def test_ill_treatment_reaches_the_review() -> None:
    witness = Witness(ILL_TREATMENT).say(
        YES,
        *b("self", "yesterday"),
        Location(43.238, 76.945),
        YES,
        *b("police", "done"),
        "They beat me in the van.",
        *b("punches_kicks", "pushed_dragged", "sexual_violence", "done"),
        *b("yes", "reviewers", "done", "this_chat", "yes"),
    )
    witness.say(SKIP, *b("male"), "40", *b("kazakhstan", "bystander", "no"))
    witness.say(*b("bruises", "fractures", "done"), "Ribs", *b("in_hospital", "no", "filed"))
    witness.say("Prosecutor, no answer yet", SKIP, SKIP, SKIP, SKIP, FINISH)

    assert isinstance(witness.step, Review)
    assert witness.answers["event_date"] == {"date": "2024-05-09", "precision": "exact"}
    assert witness.answers["place"] == {"region": None, "town": None, "lat": 43.238, "lon": 76.945}
    assert witness.answers["methods"] == ["punches_kicks", "pushed_dragged", "sexual_violence"]
    assert "condition_now" not in witness.answers, "a survivor is not asked how they are now"
    assert witness.answers["follow_up"] == {"method": "this_chat", "detail": None}
    assert witness.answers["attachments"] == "skipped"
    assert offers(ILL_TREATMENT, witness.draft) == ()


def test_missing_person_reaches_the_review_un_ready_and_urgent() -> None:
    witness = Witness(MISSING).say(
        YES,
        *b("relative", "sibling"),
        "Nurlan Serikovich Abenov",
        "01.2022",
        *b("almaty"),
        SKIP,
        *b("taken_from_hospital"),
        "He was taken from the city hospital.",
        *b("knb", "done", "asked_police", "hospitals", "done", "no"),
        "Aliya Abenova",
        *b("un_bodies", "done", "none", "no"),
    )

    assert isinstance(witness.step, Review)
    answers = witness.answers
    assert "family_consent" not in answers  # a relative is the family
    assert wgeid_gaps(answers) == ()
    assert is_un_ready(answers)
    assert is_urgent(answers, dt.date(2022, 4, 30))
    assert not is_urgent(answers, dt.date(2022, 5, 1))


def test_missing_person_says_what_the_un_still_needs() -> None:
    witness = Witness(MISSING).say(
        YES,
        *b("colleague"),
        "N. A.",
        "2022",
        *b("almaty"),
        SKIP,
        *b("unknown"),
        "No news.",
        *b("unknown", "done"),
        SKIP,
        *b("yes", "reviewers", "done", "none", "no"),
    )

    assert wgeid_gaps(witness.answers) == (
        "last_seen_when",
        "believed_responsible",
        "steps_taken",
        "submitter",
        "share_scope",
        "family_consent",
    )
    assert not is_un_ready(witness.answers)


def test_each_form_starts_with_consent_and_a_neutral_ask() -> None:
    for form in FORMS.values():
        step = Witness(form).step
        assert isinstance(step, Ask)
        assert step.path == "consent"
        assert [o.code for o in step.buttons] == ["yes", "no"]
