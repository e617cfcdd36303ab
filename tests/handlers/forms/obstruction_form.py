"""A fourth report type, defined in a test only: obstruction of journalists' work.

It exists to prove that a new type of report is a definition and nothing else: it reuses the
shared questions, adds its own, has its own repeat group with a small maximum, and offers
follow-up reports — and the engine is not told about it.
"""

from __future__ import annotations

from handlers.forms import N_
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
)
from handlers.forms.model import Choice, Form, In, Kind, Offer, Question, Repeat, Section, When

OBSTRUCTION = Form(
    id="obstruction",
    version=1,
    title=N_("Journalist stopped from working"),
    nodes=(
        CONSENT,
        REPORTER_ROLE,
        EVENT_DATE,
        PLACE,
        Question(
            "obstruction_kind",
            Kind.MULTI,
            N_("What was done to stop the work?\nChoose all that apply, then press Done."),
            required=True,
            choices=(
                Choice("equipment_seized", N_("Equipment taken")),
                Choice("footage_deleted", N_("Photos or video deleted")),
                Choice("blocked", N_("Not allowed to film or enter")),
                Choice("accreditation", N_("Accreditation refused or taken")),
                Choice("detained", N_("Detained")),
                Choice("attacked", N_("Attacked")),
            ),
        ),
        PERPETRATORS,
        NARRATIVE,
        *CLOSING,
        Section(
            DETAILS,
            (
                Repeat(
                    "journalists",
                    N_("Journalist"),
                    (
                        Question("name", Kind.TEXT, N_("What is their name?"), max_length=200),
                        Question(
                            "outlet",
                            Kind.TEXT,
                            N_("Which media do they work for?"),
                            when=In("name", ("skipped",)),
                            max_length=200,
                        ),
                    ),
                    more_text=N_("Do you want to add another journalist?"),
                    max_count=2,
                ),
                ATTACHMENTS,
            ),
        ),
    ),
    offers=(
        Offer(
            "detention",
            When("obstruction_kind", "detained"),
            N_("There is one more thing you can do.\nYou can also report the detention."),
        ),
        Offer(
            "ill_treatment",
            When("obstruction_kind", "attacked"),
            N_("There is one more thing you can do.\nYou can also report the attack."),
        ),
    ),
)
