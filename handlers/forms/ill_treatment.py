"""Beating or ill-treatment: what was done, by whom, the injuries, and what happened since.

Methods follow HURIDOCS ESF list 5 and the Istanbul Protocol; sexual violence is one choice
among others, with "prefer not to say" offered, because asking it as its own question would
press a witness who is not ready. Optional questions sit behind "add more details?".
"""

from __future__ import annotations

from dataclasses import replace

from handlers.forms.common import (
    ATTACHMENTS,
    CLOSING,
    CONSENT,
    DETAILS,
    EVENT_DATE,
    NARRATIVE,
    PERPETRATORS,
    PLACE,
    REPORTER_ROLE,
    TAIL,
    VICTIMS,
)
from handlers.forms.model import N_, Choice, Form, In, Kind, Not, Question, Section, When

UNKNOWN = Choice("unknown", N_("I don't know"))

SELF = When("reporter_role", "self")
"""A survivor reporting about themselves: asked as "you", never as "the person"."""


def to_the_survivor(question: Question, text: str) -> tuple[Question, Question]:
    """The question about someone else, then the same question (same id and answers) put to
    a survivor in the second person; exactly one of the two is asked."""
    return replace(question, when=Not(SELF)), replace(question, text=text, when=SELF)


IN_CUSTODY = Question(
    "in_custody",
    Kind.YES_NO,
    N_("Next, about the moment it happened.\nWas the person detained or in custody at the time?"),
    required=True,
    dont_know=True,
)

METHODS = Question(
    "methods",
    Kind.MULTI,
    N_(
        "What was done to the person?\n"
        "Choose all that apply, then press Done. Some of these are hard to talk about: "
        "share only what you are ready to."
    ),
    required=True,
    prefer_not=True,
    choices=(
        Choice("punches_kicks", N_("Punches or kicks")),
        Choice("pushed_dragged", N_("Pushed or dragged")),
        Choice("batons", N_("Batons or rifle butts")),
        Choice("electric_shock", N_("Electric shock")),
        Choice("suffocation", N_("Suffocation")),
        Choice("stress_positions", N_("Painful positions")),
        Choice("cold_heat", N_("Cold or heat")),
        Choice("deprivation", N_("No food, water, sleep")),
        Choice("threats", N_("Threats")),
        Choice("humiliation", N_("Humiliation, stripping")),
        Choice("sexual_violence", N_("Sexual violence")),
        Choice("other", N_("Something else")),
    ),
)

METHODS_OTHER = Question(
    "methods_other",
    Kind.TEXT,
    N_("What else was done?\nIn a few words, only if you are ready to."),
    when=When("methods", "other"),
    prefer_not=True,
    max_length=1000,
)

INJURY_CODES = ("bruises", "wounds", "fractures", "gunshot", "lost_consciousness", "other")

INJURIES = Question(
    "injuries",
    Kind.MULTI,
    N_("Were there injuries?\nChoose all that apply, then press Done."),
    dont_know=True,
    choices=(
        Choice("none_visible", N_("None visible")),
        Choice("bruises", N_("Bruises")),
        Choice("wounds", N_("Wounds or cuts")),
        Choice("fractures", N_("Broken bones")),
        Choice("gunshot", N_("Gunshot wounds")),
        Choice("lost_consciousness", N_("Lost consciousness")),
        Choice("other", N_("Something else")),
    ),
)

INJURIES_DETAIL = Question(
    "injuries_detail",
    Kind.TEXT,
    N_("Can you describe the injuries?\nFor example where on the body, and how serious."),
    when=In("injuries", INJURY_CODES),
    max_length=2000,
)

MEDICAL_HELP = Question(
    "medical_help",
    Kind.CHOICE,
    N_("Did the person get medical help?"),
    choices=(
        Choice("none", N_("No")),
        Choice("refused", N_("Asked, but was refused")),
        Choice("received", N_("Yes")),
        Choice("in_hospital", N_("In hospital now")),
        UNKNOWN,
    ),
)
"""ESF list 37."""

FORCED_CONFESSION = Question(
    "forced_confession",
    Kind.CHOICE,
    N_("Was the person made to confess, or to speak on video?"),
    choices=(
        Choice("forced", N_("Forced to confess")),
        Choice("on_video", N_("Forced to speak on video")),  # KZ: shown on state TV
        Choice("no", N_("No")),
        UNKNOWN,
    ),
)

COMPLAINT = Question(
    "complaint",
    Kind.CHOICE,
    N_("Has a complaint been made?"),
    choices=(Choice("not_filed", N_("No")), Choice("filed", N_("Yes")), UNKNOWN),
)

COMPLAINT_DETAIL = Question(
    "complaint_detail",
    Kind.TEXT,
    N_("To whom, and what came of it?"),
    when=When("complaint", "filed"),
    max_length=1000,
)

CONDITION_NOW = Question(
    "condition_now",
    Kind.CHOICE,
    N_("How is the person now?"),
    choices=(
        Choice("in_custody", N_("Still held")),
        Choice("released", N_("Free")),
        Choice("in_hospital", N_("In hospital")),
        Choice("died", N_("Has died")),
        UNKNOWN,
    ),
)

EVIDENCE = replace(
    ATTACHMENTS,
    text=N_(
        "Do you have photos of injuries, a medical certificate, or other files?\n"
        "Send them here one by one, then press Done. We keep them sealed."
    ),
)

ILL_TREATMENT = Form(
    id="ill_treatment",
    version=1,
    title=N_("Beating or ill-treatment"),
    nodes=(
        CONSENT,
        REPORTER_ROLE,
        EVENT_DATE,
        PLACE,
        *to_the_survivor(
            IN_CUSTODY,
            N_("Next, about the moment it happened.\nWere you detained or in custody at the time?"),
        ),
        PERPETRATORS,
        # Their own account first, in their own words; the checklist (which names sexual
        # violence) only after it, so nobody meets that list before they have spoken.
        NARRATIVE,
        *to_the_survivor(
            METHODS,
            N_(
                "What was done to you?\n"
                "Choose all that apply, then press Done. Some of these are hard to talk about: "
                "share only what you are ready to."
            ),
        ),
        METHODS_OTHER,
        *CLOSING,
        Section(
            DETAILS,
            (
                VICTIMS,
                INJURIES,
                INJURIES_DETAIL,
                *to_the_survivor(MEDICAL_HELP, N_("Did you get medical help?")),
                *to_the_survivor(
                    FORCED_CONFESSION, N_("Were you made to confess, or to speak on video?")
                ),
                COMPLAINT,
                COMPLAINT_DETAIL,
                replace(CONDITION_NOW, when=Not(SELF)),
                *TAIL,
                EVIDENCE,
            ),
        ),
    ),
)
