"""Missing person (enforced disappearance), shaped so a case can go to the UN WGEID.

The WGEID takes a case only with six elements — full name, date last seen (at least month and
year), place, who is believed responsible, steps taken, the submitter's identity (kept
confidential) — and the family's consent. `wgeid_gaps` says which are missing, so reviewers
see at a glance what to ask for; `is_urgent` flags a person missing under three months, when
an urgent action can still change the outcome. Both are pure: `today` is passed in.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import replace

from handlers.forms.common import (
    AGE,
    ATTACHMENTS,
    CITIZENSHIP,
    CLOSING,
    CONSENT,
    DETAILS,
    EVENT_DATE,
    IDENTIFIERS,
    LOCATION_TYPE,
    NARRATIVE,
    PERPETRATOR_CHOICES,
    PERPETRATORS,
    PLACE,
    REPORTER_ROLE,
    SEX,
    SOURCE,
    others_only,
)
from handlers.forms.model import (
    N_,
    AllOf,
    Answer,
    Choice,
    Flag,
    Form,
    In,
    Kind,
    Not,
    Question,
    Section,
    When,
)
from handlers.forms.parsing import latest_day

KNOWN_RESPONSIBLE = tuple(c.code for c in PERPETRATOR_CHOICES if c.code != "unknown")

STEP_CODES = (
    "asked_police",
    "prosecutor",
    "knb",
    "detention_centres",
    "hospitals",
    "morgues",
    "missing_report",
    "lawyer",
    "none_possible",
)
_STEP_LABELS = (
    N_("Asked the police"),
    N_("Asked the prosecutor"),
    N_("Asked the KNB"),
    N_("Checked jails"),
    N_("Checked hospitals"),
    N_("Checked morgues"),
    N_("Reported as missing"),
    N_("Hired a lawyer"),
    N_("Nothing was possible"),
)

ESSENTIALS = (
    Question(
        "relationship",
        Kind.CHOICE,
        N_("How are you related to the person?"),
        required=True,
        when=When("reporter_role", "relative"),
        choices=(
            Choice("parent", N_("Parent")),
            Choice("spouse", N_("Husband, wife or partner")),
            Choice("child", N_("Son or daughter")),
            Choice("sibling", N_("Brother or sister")),
            Choice("other_relative", N_("Other relative")),
        ),
    ),
    Question(
        "full_name",
        Kind.TEXT,
        N_("What is the person's full name?\nAdd any other names they use."),
        required=True,
        min_length=2,
        max_length=300,
    ),
    replace(
        EVENT_DATE,
        id="last_seen_when",
        text=N_("When was the person last seen or heard from?"),
    ),
    replace(PLACE, id="last_seen_where", text=N_("Where was the person last seen?")),
    Question(
        "circumstances",
        Kind.CHOICE,
        N_("What do you know about how contact was lost?"),
        required=True,
        choices=(
            Choice("detained", N_("Taken by security forces")),
            Choice("taken_from_hospital", N_("Taken from a hospital")),  # KZ, January 2022
            Choice("at_protest", N_("At or near a protest")),
            Choice("did_not_return", N_("Did not return home")),
            Choice("internet_shutdown", N_("Internet shutdown")),  # KZ
            Choice("unknown", N_("I don't know")),
        ),
    ),
    NARRATIVE,
    replace(
        PERPETRATORS,
        id="believed_responsible",
        text=N_("Who do you believe is responsible?\nChoose all that apply, then press Done."),
        required=False,
    ),
    Question(
        "steps_taken",
        Kind.MULTI,
        N_("What has been done to find the person?\nChoose all that apply, then press Done."),
        choices=tuple(Choice(c, label) for c, label in zip(STEP_CODES, _STEP_LABELS, strict=True)),
    ),
)
"""Before the closing questions: WGEID needs all of them, and they are few."""

FAMILY_CONSENT = Question(
    "family_consent",
    Kind.CHOICE,
    N_("Does the family agree to sending this to UN bodies?"),
    when=AllOf((In("share_scope", ("un_bodies",)), Not(When("reporter_role", "relative")))),
    choices=(
        Choice("yes", N_("Yes")),
        Choice("no", N_("No")),
        Choice("i_am_family", N_("I am family")),
    ),
)

DETAILS_NODES = (
    SEX,
    AGE,
    CITIZENSHIP,
    Question(
        "id_number",
        Kind.TEXT,
        N_("Do you know the person's ID number (IIN)?\nOnly if you are comfortable sharing it."),
        prefer_not=True,
        max_length=50,
    ),
    Question(
        "description",
        Kind.TEXT,
        N_(
            "How would you describe the person?\n"
            "For example height, build, distinctive marks, clothes last worn."
        ),
        max_length=2000,
    ),
    replace(IDENTIFIERS, when=In("believed_responsible", KNOWN_RESPONSIBLE)),
    Question(
        "steps_detail",
        Kind.TEXT,
        N_("Anything more about what was done, and what you were told?"),
        when=In("steps_taken", STEP_CODES),
        max_length=2000,
    ),
    Question(
        "authorities_response",
        Kind.CHOICE,
        N_("What did the authorities say?"),
        choices=(
            Choice("acknowledged", N_("Confirmed detention")),
            Choice("denied", N_("Denied detention")),
            Choice("no_answer", N_("They gave no answer")),
            Choice("not_asked", N_("They have not been asked")),
        ),
    ),
    LOCATION_TYPE,
    SOURCE,
    replace(
        ATTACHMENTS,
        text=N_(
            "Do you have a recent photo of the person, or documents?\n"
            "Send them here one by one, then press Done. We keep them sealed."
        ),
    ),
)
"""ESF list 30 for the authorities' response."""

# Family consent right after the sharing choice it depends on.
_CLOSING = (*CLOSING[:3], FAMILY_CONSENT, *CLOSING[3:])


def _given(value: Answer) -> bool:
    """An answer with content: not missing, not skipped, not "don't know"."""
    return value not in (None, "", [], "skipped", "dont_know", "prefer_not")


def wgeid_gaps(answers: Mapping[str, Answer]) -> tuple[str, ...]:
    """Which WGEID elements are still missing, as field ids; empty means UN-ready.

    "share_scope" is listed when the witness did not allow sharing with UN bodies.
    """
    when, where = answers.get("last_seen_when"), answers.get("last_seen_where")
    responsible, steps = answers.get("believed_responsible"), answers.get("steps_taken")
    scope = answers.get("share_scope")
    family = answers.get("reporter_role") == "relative" or answers.get("family_consent") in (
        "yes",
        "i_am_family",
    )
    checks = {
        "full_name": _given(answers.get("full_name")),
        "last_seen_when": isinstance(when, dict) and when.get("precision") != "year",
        "last_seen_where": isinstance(where, dict)
        and (_given(where.get("region")) or where.get("lat") is not None),
        "believed_responsible": isinstance(responsible, list) and responsible != ["unknown"],
        "steps_taken": isinstance(steps, list) and steps != ["none_possible"],
        "submitter": answers.get("anonymous") == "no" and _given(answers.get("reporter_name")),
        "share_scope": isinstance(scope, list) and "un_bodies" in scope,
        "family_consent": family,
    }
    return tuple(name for name, present in checks.items() if not present)


def is_un_ready(answers: Mapping[str, Answer]) -> bool:
    """All six WGEID elements, permission to share with UN bodies, and the family's consent."""
    return not wgeid_gaps(answers)


def is_urgent(answers: Mapping[str, Answer], today: dt.date) -> bool:
    """Last seen less than three months before `today`, taking the latest day a rough date
    may mean: a false alarm costs a reviewer a minute, a missed one can cost a life.
    An unknown date is not flagged; reviewers ask for it."""
    last_seen = latest_day(answers.get("last_seen_when"), today)
    return last_seen is not None and last_seen > _months_before(today, 3)


def _months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier; 31 May less three months is the last of February."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _un_ready(answers: Mapping[str, Answer], today: dt.date) -> bool:
    return is_un_ready(answers)


MISSING_PERSON = Form(
    id="missing_person",
    version=1,
    title=N_("Missing person"),
    nodes=(
        CONSENT,
        others_only(REPORTER_ROLE),
        *ESSENTIALS,
        *_CLOSING,
        Section(DETAILS, DETAILS_NODES),
    ),
    flags=(Flag("un_ready", _un_ready), Flag("urgent", is_urgent)),
)
