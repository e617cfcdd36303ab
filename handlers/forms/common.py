"""Questions every report shares, and the Kazakhstan-specific lists they choose from.

Fields and vocabularies follow /work/shared/REPORTS.md (HURIDOCS ESF lists in brackets). The
forms compose these in the order a witness meets them; a form that needs another wording uses
`dataclasses.replace(PLACE, id="last_seen_where", text=...)` rather than a new question.

First lines of question texts stay neutral (no person, place or report type): a locked
phone's notification shows them.
"""

from __future__ import annotations

from dataclasses import replace

from handlers.forms.model import N_, Choice, Kind, Not, Question, Repeat, When

# TRANSLATORS: Shown twice: on the consent screen and under the first question of each form.
# {organisation} is the group's name, or the text "the reviewers of the human-rights group that runs
# this bot"; {hours} is a number. Keep the bullets and the line breaks.
CONSENT_TERMS = N_(
    "• Who will read your report: {organisation}.\n"
    "• Telegram sees this chat, as it sees every chat, and knows your phone number. "
    "If your phone may be checked, send /delete when you finish.\n"
    "• Until you press Send, the computer that runs this bot can read your answers. "
    "Answers you do not send are erased after about {hours} hours.\n"
    "• After you press Send, only the reviewers can read your report."
)
"""The same terms on the consent screen and under the form's own consent question."""

REGIONS = (
    Choice("astana", N_("Astana (Nur-Sultan)")),
    Choice("almaty", N_("Almaty (city)")),
    Choice("shymkent", N_("Shymkent")),
    Choice("abai", N_("Abai Region")),
    Choice("akmola", N_("Akmola Region")),
    Choice("aktobe", N_("Aktobe Region")),
    Choice("almaty_region", N_("Almaty Region")),
    Choice("atyrau", N_("Atyrau Region")),
    Choice("east_kazakhstan", N_("East Kazakhstan Region")),
    Choice("jambyl", N_("Jambyl Region")),
    Choice("jetisu", N_("Jetisu Region")),
    Choice("karaganda", N_("Karaganda Region")),
    Choice("kostanay", N_("Kostanay Region")),
    Choice("kyzylorda", N_("Kyzylorda Region")),
    Choice("mangystau", N_("Mangystau Region")),
    Choice("north_kazakhstan", N_("North Kazakhstan Region")),
    Choice("pavlodar", N_("Pavlodar Region")),
    Choice("turkistan", N_("Turkistan Region")),
    Choice("ulytau", N_("Ulytau Region")),
    Choice("west_kazakhstan", N_("West Kazakhstan Region")),
    Choice("abroad", N_("Outside Kazakhstan")),
)
"""The three cities of national significance first: most reports come from them."""

PERPETRATOR_CHOICES = (
    Choice("police", N_("Police")),
    Choice("national_guard", N_("National Guard")),
    Choice("armed_forces", N_("Armed forces")),
    Choice("knb", N_("KNB")),
    Choice("plainclothes", N_("Plainclothes officers")),
    Choice("csto", N_("CSTO troops")),
    Choice("prison_staff", N_("Prison or jail staff")),
    Choice("civilians", N_("A group of civilians")),
    Choice("unknown", N_("I don't know")),
)
"""ESF list 24, with the forces seen in Kazakhstan in January 2022."""

CONSENT = Question(
    "consent",
    Kind.YES_NO,
    N_("Before we start: may we record what you tell us?"),
    hint=CONSENT_TERMS,
    required=True,
    choices=(Choice("yes", N_("Yes, I agree")), Choice("no", N_("No"))),
    stop_unless="yes",
    stop_text=N_("Understood. Nothing has been saved. You can come back at any time."),
)

REPORTER_ROLE = Question(
    "reporter_role",
    Kind.CHOICE,
    N_("What is your connection to what happened?"),
    required=True,
    choices=(
        Choice("self", N_("It happened to me")),
        Choice("eyewitness", N_("I saw it happen")),
        Choice("relative", N_("I am a relative")),
        Choice("colleague", N_("I am a colleague")),
        Choice("lawyer", N_("I am a lawyer")),
        Choice("medical_worker", N_("I am a medical worker")),
        Choice("journalist", N_("I am a journalist")),
        Choice("other", N_("Other")),
    ),
)
"""ESF list 19."""

EVENT_DATE = Question(
    "event_date",
    Kind.DATE,
    N_("When did it happen?"),
    hint=N_(
        "Press a button or type the date, like 25.03.2024. "
        "If you know only the month, type 03.2024."
    ),
    required=True,
    dont_know=True,
)

PLACE = Question(
    "place",
    Kind.PLACE,
    N_("Where did it happen?"),
    hint=N_(
        "Choose the region or city, or share a location. "
        "Then you can add the town and the exact spot."
    ),
    required=True,
    dont_know=True,
    choices=REGIONS,
)

PERPETRATORS = Question(
    "perpetrators",
    Kind.MULTI,
    N_("Who did it?\nChoose all that apply, then press Done."),
    required=True,
    choices=PERPETRATOR_CHOICES,
)

NARRATIVE = Question(
    "narrative",
    Kind.TEXT,
    N_("In your own words, what happened?\nWrite as much or as little as you can."),
    required=True,
    voice=True,
)

ANONYMOUS = Question(
    "anonymous",
    Kind.YES_NO,
    N_(
        "Would you like to stay anonymous?\n"
        "That is fine with us. But UN bodies do not accept anonymous reports: they need to "
        "know who sent a report, and they keep it confidential."
    ),
    required=True,
    choices=(Choice("yes", N_("Yes, stay anonymous")), Choice("no", N_("No, I can give my name"))),
)

REPORTER_NAME = Question(
    "reporter_name",
    Kind.TEXT,
    N_(
        "What is your name?\n"
        "We keep it confidential. It is needed only if the case goes to UN bodies."
    ),
    when=When("anonymous", "no"),
    max_length=200,
)

SHARE_SCOPE = Question(
    "share_scope",
    Kind.MULTI,
    N_("Who may we share this with?\nChoose all that apply, then press Done."),
    hint=N_("Partners are human rights organisations we work with."),
    required=True,
    choices=(
        Choice("reviewers", N_("Only our reviewers")),
        Choice("partners", N_("Partner organisations")),
        Choice("un_bodies", N_("UN bodies"), when=Not(When("anonymous", "yes"))),
        Choice("publish", N_("Publish, without names")),
    ),
)

FOLLOW_UP = Question(
    "follow_up",
    Kind.CONTACT,
    N_("May we contact you later, if we have questions?"),
    choices=(
        Choice("none", N_("No, please don't")),
        Choice("this_chat", N_("Yes, in this chat")),
        Choice("signal", N_("Yes, on Signal"), detail=True),
        Choice("phone", N_("Yes, by phone"), detail=True),
        Choice("trusted_person", N_("Through a person I trust"), detail=True),
    ),
)

MORE_DETAILS = Question(
    "more_details",
    Kind.YES_NO,
    N_(
        "Thank you. The main facts are saved.\n"
        "Would you like to add more details? It takes a few minutes, and you can skip any "
        "question."
    ),
    required=True,
    choices=(Choice("yes", N_("Add details")), Choice("no", N_("Finish now"))),
)

DETAILS = When("more_details", "yes")
"""Condition of the section holding every optional question, so a hurried report is short."""

CLOSING = (ANONYMOUS, REPORTER_NAME, SHARE_SCOPE, FOLLOW_UP, MORE_DETAILS)
"""Asked after the facts: who may see them, and whether to go on to the details."""

SEX = Question(
    "sex",
    Kind.CHOICE,
    N_("What is the person's sex?"),
    prefer_not=True,
    choices=(
        Choice("male", N_("Male")),
        Choice("female", N_("Female")),
        Choice("other", N_("Other")),
        Choice("unknown", N_("I don't know")),
    ),
)

AGE = Question(
    "age",
    Kind.NUMBER,
    N_("How old is the person?\nAn approximate age is fine. You can also type the year of birth."),
    dont_know=True,
    maximum=120,
    birth_year=True,
)

CITIZENSHIP = Question(
    "citizenship",
    Kind.CHOICE,
    N_("What is the person's citizenship?"),
    dont_know=True,
    choices=(
        Choice("kazakhstan", N_("Kazakhstan")),
        Choice("kyrgyzstan", N_("Kyrgyzstan")),
        Choice("uzbekistan", N_("Uzbekistan")),
        Choice("tajikistan", N_("Tajikistan")),
        Choice("russia", N_("Russia")),
        Choice("other", N_("Other")),
    ),
)

VICTIMS = Repeat(
    "victims",
    N_("Person"),
    (
        Question(
            "name",
            Kind.TEXT,
            N_("What is the person's name?\nInitials are fine. You can skip this."),
            prefer_not=True,
            max_length=200,
        ),
        SEX,
        AGE,
        CITIZENSHIP,
        Question(
            "occupation",
            Kind.CHOICE,
            N_("What does the person do, or what was their role there?"),
            dont_know=True,
            choices=(
                Choice("protester", N_("Protester")),
                Choice("journalist", N_("Journalist or blogger")),
                Choice("activist", N_("Activist")),
                Choice("lawyer", N_("Lawyer")),
                Choice("medical_worker", N_("Medical worker")),
                Choice("bystander", N_("Passer-by")),
                Choice("other", N_("Other")),
            ),
        ),
    ),
    more_text=N_("Do you want to add another person?"),
)
"""The people it happened to (ESF victim; occupation from list 23)."""

IDENTIFIERS = Question(
    "identifiers",
    Kind.TEXT,
    N_(
        "Is there anything that could identify them?\n"
        "For example uniforms, badges, vehicles, number plates, names or ranks."
    ),
    max_length=1000,
)

LOCATION_TYPE = Question(
    "location_type",
    Kind.CHOICE,
    N_("What kind of place was it?"),
    choices=(
        Choice("street", N_("Street or square")),
        Choice("home", N_("Home")),
        Choice("workplace", N_("Workplace")),
        Choice("police_station", N_("Police station")),
        Choice("detention_facility", N_("Detention facility")),
        Choice("court", N_("Court")),
        Choice("hospital", N_("Hospital")),
        Choice("vehicle", N_("Vehicle")),
        Choice("border_crossing", N_("Border crossing")),
        Choice("media_office", N_("Media office")),
        Choice("other", N_("Other")),
    ),
)
"""ESF list 17."""

NUMBER_OF_PEOPLE = Question(
    "number_of_people",
    Kind.NUMBER,
    N_("About how many people were affected in total?\nA rough number is fine."),
    dont_know=True,
    minimum=1,
    maximum=100_000,
)

SOURCE = Question(
    "source",
    Kind.MULTI,
    N_("How do you know what happened?\nChoose all that apply, then press Done."),
    choices=(
        Choice("saw", N_("I saw it myself")),
        Choice("victim_told", N_("The person told me")),
        Choice("others_told", N_("Others told me")),
        Choice("photo_video", N_("Photo or video")),
        Choice("medical_record", N_("Medical record")),
        Choice("court_document", N_("Court document")),
    ),
)
"""ESF list 16."""

ATTACHMENTS = Question(
    "attachments",
    Kind.MEDIA,
    N_(
        "Do you have photos, videos, documents or voice messages?\n"
        "Send them here one by one, then press Done. We keep them sealed."
    ),
    max_files=20,
)

TAIL = (IDENTIFIERS, LOCATION_TYPE, NUMBER_OF_PEOPLE, SOURCE)
"""Optional questions near the end of every report's details, before the files."""

CARRIED = (
    "reporter_role",
    "anonymous",
    "reporter_name",
    "share_scope",
    "follow_up",
    "event_date",
    "place",
    "victims",
)
"""Answers a linked follow-up report may start with (`engine.start(form, carry=...)`); the
engine drops any the new form does not ask. Consent is asked again: it is given per report."""


def others_only(question: Question) -> Question:
    """The reporter-role question without "it happened to me" (a missing person's report)."""
    return replace(question, choices=tuple(c for c in question.choices if c.code != "self"))
