"""The engine's rules, each on the smallest walk that shows it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from handlers.forms import (
    FORMS,
    KEEP,
    Ask,
    AttachmentRef,
    BadAttachment,
    Button,
    Draft,
    Invalid,
    Location,
    Media,
    Next,
    Review,
    Stopped,
    WrongForm,
    back,
    edit,
    offers,
    resume,
    start,
)
from handlers.forms.common import CARRIED, CONSENT
from handlers.forms.engine import CANNOT_EDIT, FINISHED, NOTHING_BEFORE
from handlers.forms.parsing import FUTURE_DATE, OUT_OF_RANGE, TOO_EARLY
from handlers.forms.reading import (
    BAD_FILE,
    BAD_LOCATION,
    CHOOSE_ONE,
    EMPTY,
    PRESS_BUTTON,
    REQUIRED,
    TOO_LONG,
    TOO_MANY_FILES,
    TOO_SHORT,
)

from .test_walks import detention_essentials
from .witness import DONT_KNOW, FINISH, NO, PREFER_NOT, REF, SKIP, YES, Witness, b

DETENTION, ILL_TREATMENT, MISSING = (
    FORMS["detention"],
    FORMS["ill_treatment"],
    FORMS["missing_person"],
)


def up_to_status(witness: Witness) -> Witness:
    return witness.say(YES, *b("self", "today", "astana"), SKIP, *b("police", "done"))


def test_held_where_is_asked_only_while_the_person_is_still_held() -> None:
    held = up_to_status(Witness(DETENTION)).say(*b("still_held"))
    released = up_to_status(Witness(DETENTION)).say(*b("released"))

    assert held.at == "held_where"
    assert released.at == "narrative"


def test_a_detail_text_follows_only_its_choice() -> None:
    known = up_to_status(Witness(DETENTION)).say(*b("still_held", "sizo"))
    unknown = up_to_status(Witness(DETENTION)).say(*b("still_held", "unknown"))

    assert known.at == "held_where_detail"
    assert unknown.at == "narrative"


def test_changing_an_answer_drops_the_branch_no_longer_taken() -> None:
    # Given a finished report where the person was still held in an IVS
    witness = detention_essentials(Witness(DETENTION)).say(NO)
    assert isinstance(witness.step, Review)

    # When the witness changes the status to "released" from the review
    reopened = edit(DETENTION, witness.draft, "status_now")
    assert isinstance(reopened, Next)
    witness.draft = reopened.draft
    assert witness.at == "status_now"
    witness.say(*b("released"))

    # Then the custody answers are gone, not kept silently, and the review is back
    assert "held_where" not in witness.answers
    assert "held_where_detail" not in witness.answers
    assert isinstance(witness.step, Review)


def test_changing_an_answer_asks_the_newly_required_questions() -> None:
    witness = up_to_status(Witness(DETENTION)).say(*b("released"), "Story", *b("yes"))
    witness.say(*b("reviewers", "done", "none", "no"))
    assert isinstance(witness.step, Review)

    reopened = edit(DETENTION, witness.draft, "status_now")
    assert isinstance(reopened, Next)
    witness.draft = reopened.draft
    witness.say(*b("still_held"))

    assert witness.at == "held_where"
    witness.say(*b("unknown"))
    assert isinstance(witness.step, Review)


def test_becoming_anonymous_drops_un_bodies_and_asks_the_sharing_again() -> None:
    witness = detention_essentials(Witness(DETENTION)).say(NO)
    assert witness.answers["share_scope"] == ["reviewers", "un_bodies"]

    reopened = edit(DETENTION, witness.draft, "anonymous")
    assert isinstance(reopened, Next)
    witness.draft = reopened.draft
    witness.say(YES)

    assert "reporter_name" not in witness.answers
    step = witness.step
    assert isinstance(step, Ask)
    assert step.path == "share_scope"
    assert "un_bodies" not in [o.code for o in step.buttons]


def test_answering_no_to_details_drops_them_all() -> None:
    witness = detention_essentials(Witness(DETENTION)).say(YES, "Yerlan", *b("male"))

    reopened = edit(DETENTION, witness.draft, "more_details")
    assert isinstance(reopened, Next)
    witness.draft = reopened.draft
    witness.say(NO)

    assert "victims" not in witness.answers
    assert isinstance(witness.step, Review)


def test_a_group_can_be_reopened_to_add_a_person() -> None:
    witness = detention_essentials(Witness(DETENTION)).say(YES, SKIP, SKIP, SKIP, SKIP, SKIP, NO)
    assert witness.at == "force_used"

    reopened = edit(DETENTION, witness.draft, "victims")
    assert isinstance(reopened, Next)
    witness.draft = reopened.draft
    assert witness.at == "victims.more"
    witness.say(YES)

    assert witness.at == "victims.2.name"
    step = witness.step
    assert isinstance(step, Ask)
    assert step.position is not None
    assert (step.position.number, step.position.maximum) == (2, 10)


def test_required_questions_cannot_be_skipped() -> None:
    witness = Witness(DETENTION).say(YES)

    assert witness.refused(SKIP) == Invalid(REQUIRED)
    assert witness.refused(DONT_KNOW) == Invalid(PRESS_BUTTON)
    assert witness.at == "reporter_role"
    step = witness.step
    assert isinstance(step, Ask)
    assert "skipped" not in [o.code for o in step.buttons]


def test_refusing_consent_stops_the_report() -> None:
    result = Witness(DETENTION).refused(NO)

    assert result == Stopped("consent", CONSENT.stop_text or "")


@pytest.mark.parametrize(
    ("before", "given", "refusal"),
    [
        ([], "11.05.2024", Invalid(FUTURE_DATE)),
        ([], "1985", Invalid(TOO_EARLY, {"year": 1990})),
        ([Button("almaty")], "x" * 301, Invalid(TOO_LONG, {"max": 300})),
        ([Button("almaty")], "   ", Invalid(EMPTY)),
    ],
)
def test_typed_answers_are_checked(before: list[Button], given: str, refusal: Invalid) -> None:
    witness = Witness(DETENTION).say(YES, *b("self"))
    if before:
        witness.say("10.05.2024", *before)

    assert witness.refused(given) == refusal


def test_age_300_and_too_long_or_empty_texts_are_refused() -> None:
    witness = detention_essentials(Witness(DETENTION)).say(YES, SKIP, PREFER_NOT)

    assert witness.refused("300") == Invalid(OUT_OF_RANGE, {"min": 0, "max": 120})
    witness.say("16")
    assert witness.answers["victims"] == [{"name": "skipped", "sex": "prefer_not", "age": 16}]

    narrative = up_to_status(Witness(DETENTION)).say(*b("released"))
    assert narrative.refused("") == Invalid(EMPTY)
    assert narrative.refused("x" * 4001) == Invalid(TOO_LONG, {"max": 4000})
    assert narrative.refused(SKIP) == Invalid(REQUIRED)


@pytest.mark.parametrize(
    ("typed", "age"),
    [
        ("35", 35),
        ("35 лет", 35),
        ("35 жаста", 35),
        ("около 35", {"number": 35, "approximate": True}),
        ("~35", {"number": 35, "approximate": True}),
        ("шамамен 35", {"number": 35, "approximate": True}),
        ("about 35", {"number": 35, "approximate": True}),
        ("около 1989 г.", {"number": 35, "approximate": True}),
    ],
)
def test_an_age_is_taken_as_people_type_it(typed: str, age: object) -> None:
    witness = detention_essentials(Witness(DETENTION)).say(YES, SKIP, PREFER_NOT)

    witness.say(typed)

    assert witness.answers["victims"] == [{"name": "skipped", "sex": "prefer_not", "age": age}]


def test_a_full_name_needs_two_letters() -> None:
    witness = Witness(MISSING).say(YES, *b("colleague"))

    assert witness.refused("N") == Invalid(TOO_SHORT, {"min": 2})


def test_multi_choice_toggles_and_needs_one_before_done() -> None:
    witness = Witness(DETENTION).say(YES, *b("self", "today", "astana"), SKIP)

    assert witness.refused(FINISH) == Invalid(CHOOSE_ONE)
    witness.say(*b("police", "knb", "police"))
    step = witness.step
    assert isinstance(step, Ask)
    assert step.partial == ["knb"]
    witness.say(FINISH)
    assert witness.answers["detained_by"] == ["knb"]


def test_files_are_checked_and_counted() -> None:
    witness = Witness(ILL_TREATMENT)
    witness.say(YES, *b("self", "today"), Location(51.1, 71.4), NO, *b("police", "done"))
    witness.say("Story", *b("threats", "done"), *b("yes", "reviewers", "done", "none", "yes"))
    witness.say(*[SKIP] * 5, NO, *[SKIP] * 8)
    assert witness.at == "attachments"

    assert witness.refused(Media(replace(REF, sha256="not-a-digest"))) == Invalid(BAD_FILE)
    assert witness.refused(Media(replace(REF, name="x" * 256))) == Invalid(BAD_FILE)
    witness.say(*[Media(replace(REF, attachment_id=f"a{i}")) for i in range(20)])
    assert witness.refused(Media(REF)) == Invalid(TOO_MANY_FILES, {"max": 20})
    witness.say(FINISH)
    assert isinstance(witness.step, Review)
    assert len(witness.answers["attachments"]) == 20  # type: ignore[arg-type]


def test_a_file_reference_reads_back_only_what_it_wrote() -> None:
    assert AttachmentRef.from_json(REF.to_json()) == REF
    stored = REF.to_json()
    for bad in ({**stored, "extra": "x"}, {**stored, "size": "1"}, {}, [stored], None):
        with pytest.raises(BadAttachment):
            AttachmentRef.from_json(bad)


def test_a_shared_location_must_be_a_real_place() -> None:
    witness = Witness(DETENTION).say(YES, *b("self", "today"))

    assert witness.refused(Location(float("nan"), 71.4)) == Invalid(BAD_LOCATION)
    assert witness.refused(Location(91.0, 71.4)) == Invalid(BAD_LOCATION)


def test_back_reopens_the_previous_answer_and_keep_leaves_it() -> None:
    witness = Witness(DETENTION).say(YES, *b("self"))

    went_back = back(DETENTION, witness.draft)
    assert isinstance(went_back, Next)
    witness.draft = went_back.draft
    step = witness.step
    assert isinstance(step, Ask)
    assert (step.path, step.previous) == ("reporter_role", "self")
    assert step.buttons[-1].code == KEEP
    witness.say(Button(KEEP))

    assert witness.at == "event_date"
    assert witness.answers["reporter_role"] == "self"
    assert back(DETENTION, start(DETENTION).draft) == Invalid(NOTHING_BEFORE)


def test_only_answered_paths_can_be_edited() -> None:
    witness = Witness(DETENTION).say(YES)

    assert edit(DETENTION, witness.draft, "held_where") == Invalid(CANNOT_EDIT)
    assert edit(DETENTION, witness.draft, "victims.1.name") == Invalid(CANNOT_EDIT)
    assert edit(DETENTION, witness.draft, "no.such.path") == Invalid(CANNOT_EDIT)


def test_a_finished_draft_takes_no_more_answers() -> None:
    witness = detention_essentials(Witness(DETENTION)).say(NO)

    assert witness.refused(YES) == Invalid(FINISHED)


def test_a_place_waits_for_its_town_across_a_restart() -> None:
    witness = Witness(DETENTION).say(YES, *b("self", "today", "shymkent"))
    stored = witness.draft.to_json()

    restored = resume(DETENTION, Draft.from_json(stored))
    step = restored.step

    assert isinstance(step, Ask)
    assert (step.path, step.partial) == ("place", {"region": "shymkent"})
    assert [o.code for o in step.buttons] == ["skipped"]


def test_resume_after_a_release_drops_answers_of_removed_questions() -> None:
    witness = up_to_status(Witness(DETENTION)).say(*b("released"))
    nodes = tuple(n for n in DETENTION.nodes if getattr(n, "id", "") != "detained_by")
    newer = replace(DETENTION, version=2, nodes=nodes)

    resumed = resume(newer, witness.draft).draft

    assert "detained_by" not in resumed.answers
    assert resumed.version == 2
    assert resumed.answers["status_now"] == "released"
    with pytest.raises(WrongForm):
        resume(MISSING, witness.draft)


def test_a_follow_up_report_starts_with_what_was_already_said() -> None:
    # Given a relative's detention report whose person nobody can find
    witness = Witness(DETENTION).say(YES, *b("relative", "today", "astana"), SKIP)
    witness.say(*b("police", "done", "whereabouts_unknown"), "Story")
    witness.say(*b("yes", "reviewers", "done", "none", "no"))
    (offer,) = offers(DETENTION, witness.draft)

    # When the offered form starts from the carried answers
    carried = {key: witness.answers[key] for key in CARRIED if key in witness.answers}
    follow_up = Witness(FORMS[offer.form], start(FORMS[offer.form], carried).draft)

    # Then it asks consent again, then only what it does not know
    assert follow_up.at == "consent"
    follow_up.say(YES)
    assert follow_up.at == "relationship"
    assert follow_up.answers["reporter_role"] == "relative"
    assert "place" not in follow_up.answers  # the missing-person form calls it last_seen_where
