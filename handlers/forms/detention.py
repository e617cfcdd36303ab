"""Detention (arbitrary arrest): who took the person, where they are now, what the court did.

Required facts first, then the shared closing questions; everything optional sits behind "add
more details?". HURIDOCS ESF list numbers in brackets; KZ marks Kazakhstan-specific choices.
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
from handlers.forms.model import N_, Choice, Form, In, Kind, Offer, Question, Section, When

UNKNOWN = Choice("unknown", N_("I don't know"))

STATUS_NOW = Question(
    "status_now",
    Kind.CHOICE,
    N_("What is the situation now?"),
    required=True,
    choices=(
        Choice("still_held", N_("Still held")),
        Choice("released", N_("Released")),
        Choice("admin_arrest", N_("Administrative arrest")),
        Choice("charged", N_("Criminally charged")),
        Choice("whereabouts_unknown", N_("Whereabouts unknown")),
        UNKNOWN,
    ),
)
"""ESF list 25."""

HELD_WHERE = Question(
    "held_where",
    Kind.CHOICE,
    N_("Where are they now?"),
    required=True,
    when=When("status_now", "still_held"),
    choices=(
        Choice("police_station", N_("Police station")),
        Choice("ivs", N_("Police lockup (IVS)")),  # KZ
        Choice("sizo", N_("Pre-trial prison (SIZO)")),  # KZ
        Choice("special_centre", N_("Special detention centre")),  # KZ
        Choice("other", N_("Somewhere else")),
        UNKNOWN,
    ),
)

HELD_WHERE_DETAIL = Question(
    "held_where_detail",
    Kind.TEXT,
    N_("Which one? A name or an address helps.\nYou can skip this."),
    when=In("held_where", ("police_station", "ivs", "sizo", "special_centre", "other")),
    max_length=300,
)

FORCE_USED = Question(
    "force_used",
    Kind.CHOICE,
    N_("Was force used?"),
    choices=(
        Choice("none", N_("No force")),
        Choice("pushed", N_("Pushed or dragged")),
        Choice("beaten", N_("Beaten")),
        Choice("weapons", N_("Weapons were used")),
        UNKNOWN,
    ),
)

REASON_GIVEN = Question(
    "reason_given",
    Kind.CHOICE,
    N_("What reason was given?"),
    choices=(
        Choice("unsanctioned_protest", N_("Taking part in a protest")),  # KZ
        Choice("mass_riots", N_('"Mass riots"')),  # KZ: January 2022 charges
        Choice("extremism", N_("Terrorism or extremism")),
        Choice("none_given", N_("No reason was given")),
        Choice("other", N_("Something else")),
    ),
)

REASON_DETAIL = Question(
    "reason_detail",
    Kind.TEXT,
    N_("What reason did they give?\nIn a few words."),
    when=When("reason_given", "other"),
    max_length=500,
)

LAWYER_ACCESS = Question(
    "lawyer_access",
    Kind.CHOICE,
    N_("Could the person see a lawyer?"),
    choices=(
        Choice("own_lawyer", N_("Yes, their own lawyer")),
        Choice("state_lawyer", N_("State-appointed lawyer")),
        Choice("denied", N_("No, it was refused")),
        Choice("not_requested", N_("No lawyer was asked for")),
        UNKNOWN,
    ),
)
"""ESF list 31."""

FAMILY_INFORMED = Question(
    "family_informed",
    Kind.CHOICE,
    N_("Was the family told?"),
    choices=(Choice("yes", N_("Yes")), Choice("no", N_("No")), UNKNOWN),
)
"""ESF list 30."""

IN_COURT = In("court", ("administrative", "criminal"))

COURT = (
    Question(
        "court",
        Kind.CHOICE,
        N_("Has there been a court hearing?"),
        choices=(
            Choice("administrative", N_("Yes, administrative case")),
            Choice("criminal", N_("Yes, criminal case")),
            Choice("none_yet", N_("Not yet")),
            UNKNOWN,
        ),
    ),
    Question(
        "hearing_date",
        Kind.DATE,
        N_("When was the hearing, or when is it planned?"),
        when=IN_COURT,
        dont_know=True,
        future_ok=True,
    ),
    Question(
        "court_outcome",
        Kind.CHOICE,
        N_("What was decided?"),
        when=IN_COURT,
        choices=(
            Choice("fine", N_("A fine")),
            Choice("arrest", N_("Arrest for some days")),
            Choice("released", N_("Released")),
            Choice("pending", N_("Not decided yet")),
            UNKNOWN,
        ),
    ),
    Question(
        "arrest_days",
        Kind.NUMBER,
        N_("For how many days?\nOften it is 10 to 15 days."),  # KZ administrative arrest
        when=When("court_outcome", "arrest"),
        dont_know=True,
        minimum=1,
        maximum=365,
    ),
    Question(
        "article",
        Kind.TEXT,
        N_(
            "Which article of law was cited, if you know?\n"
            "For example: Article 488 of the Code of Administrative Offences."
        ),
        when=IN_COURT,
        max_length=200,
    ),
)

FORCED_STATEMENT = Question(
    "forced_statement",
    Kind.CHOICE,
    N_("Was the person made to sign anything?"),
    choices=(
        Choice("forced", N_("Forced to sign")),
        Choice("refused", N_("Refused to sign")),
        Choice("not_understood", N_("Signed unknowingly")),
        Choice("no", N_("No")),
        UNKNOWN,
    ),
)
"""ESF list 36."""

DETENTION = Form(
    id="detention",
    version=1,
    title=N_("Detention or arrest"),
    nodes=(
        CONSENT,
        REPORTER_ROLE,
        EVENT_DATE,
        PLACE,
        replace(PERPETRATORS, id="detained_by"),
        STATUS_NOW,
        HELD_WHERE,
        HELD_WHERE_DETAIL,
        NARRATIVE,
        *CLOSING,
        Section(
            DETAILS,
            (
                VICTIMS,
                FORCE_USED,
                REASON_GIVEN,
                REASON_DETAIL,
                LAWYER_ACCESS,
                FAMILY_INFORMED,
                *COURT,
                FORCED_STATEMENT,
                *TAIL,
                ATTACHMENTS,
            ),
        ),
    ),
    offers=(
        Offer(
            "missing_person",
            When("status_now", "whereabouts_unknown"),
            N_(
                "There is one more thing you can do.\n"
                "If nobody knows where the person is, you can also report them as missing. "
                "What you told us already will be filled in."
            ),
            renames=(
                ("event_date", "last_seen_when"),
                ("place", "last_seen_where"),
                ("detained_by", "believed_responsible"),
            ),
        ),
        Offer(
            "ill_treatment",
            When("force_used", "beaten"),
            N_(
                "There is one more thing you can do.\n"
                "You said the person was beaten. You can also report the beating, linked "
                "to this report. What you told us already will be filled in."
            ),
        ),
    ),
)
