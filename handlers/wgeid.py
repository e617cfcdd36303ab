"""A missing-person case's answers as a WGEID submission draft (`storage.wgeid.Submission`).

Beside the forms because it reads their answers and words their codes; pure (today is passed
in). The draft is in English, a working language of the Working Group, whatever language the
witness wrote in: the witness's own words are copied as typed, for the reviewer to translate.

The witness's name is never copied into the draft: a .docx travels by e-mail and sits in
folders, and the Working Group's "source" is the organisation that submits the case. The draft
says whether the informant gave a name in confidence (it stays in the sealed case, for
`kuager export`) and leaves the organisation's details to the reviewer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from handlers.forms import FORMS, is_urgent, wgeid_gaps
from handlers.labels import SEPARATOR, labeller
from storage.defuse import cell_text
from storage.regions import region_of_place
from storage.wgeid import Entry, Section, Submission

MISSING_WORDS = {
    "full_name": "the person's full name",
    "last_seen_when": "the date the person was last seen (at least the month and year)",
    "last_seen_where": "the place the person was last seen (at least the town)",
    "believed_responsible": "who is believed to be responsible",
    "steps_taken": "the steps taken to find the person",
    "submitter": "the source of the submission (name and address)",
    "share_scope": "the informant's permission to share the case with UN bodies",
    "family_consent": "the family's consent to the submission",
}
"""`wgeid_gaps` field ids as the reviewer's to-do list."""

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_ENGLISH = labeller("en")
MISSING_PERSON = FORMS["missing_person"]
_NOT_GIVEN = (None, "", "skipped", "dont_know", "prefer_not")


class NotMissingPerson(ValueError):
    """The case is another report type: the Working Group takes only disappearances."""


def _words(field: str, value: Any) -> str | None:
    """A choice answer (or list of them) as English words; None for no real answer ("I don't
    know" included: the reviewer must find it out)."""
    codes = value if isinstance(value, list) else [value]
    given = [str(c) for c in codes if c not in _NOT_GIVEN and c != "unknown"]
    if not given:
        return None
    return _ENGLISH(MISSING_PERSON.id, field, SEPARATOR.join(given))


def _text(value: Any) -> str | None:
    """A witness's typed text, safe inside a document; a voice account is pointed to."""
    if isinstance(value, dict) and "voice" in value:
        seconds = value.get("seconds")
        length = f" of {seconds} seconds" if isinstance(seconds, int) else ""
        return f"(given as a voice message{length}, sealed with the case: transcribe it)"
    if isinstance(value, str) and value not in _NOT_GIVEN:
        return cell_text(value)
    return None


def date_words(value: Any) -> str | None:
    """`{"date": "2022-01", "precision": "month"}` as "January 2022"."""
    date = value.get("date") if isinstance(value, dict) else None
    if not isinstance(date, str):
        return None
    parts = date.split("-")
    try:
        numbers = [int(p) for p in parts]
        words = [str(numbers[0])]
        if len(numbers) > 1:
            words.insert(0, _MONTHS[numbers[1] - 1])
        if len(numbers) > 2:
            words.insert(0, str(numbers[2]))
    except (ValueError, IndexError):
        return None
    about = "about " if value.get("precision") == "approximate" else ""
    return about + " ".join(words)


def place_words(value: Any) -> str | None:
    """Region, town, and shared coordinates with the region they lie in."""
    if not isinstance(value, dict):
        return None
    region = region_of_place(value)
    parts = [_ENGLISH(MISSING_PERSON.id, "last_seen_where.region", region)] if region else []
    town = _text(value.get("town"))
    if town:
        parts.append(town)
    lat, lon = value.get("lat"), value.get("lon")
    if isinstance(lat, float | int) and isinstance(lon, float | int):
        parts.append(f"shared location {lat:.5f}, {lon:.5f}")
    return ", ".join(parts) or None


def _age(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict) and isinstance(value.get("number"), int):
        return f"about {value['number']}"
    return None


def _source(answers: Mapping[str, Any]) -> tuple[Entry, ...]:
    role = _words("reporter_role", answers.get("reporter_role"))
    relation = _words("relationship", answers.get("relationship"))
    named = answers.get("anonymous") == "no" and _text(answers.get("reporter_name")) is not None
    return (
        Entry(
            "Submitted by",
            None,
            "your organisation's name, address and contact person; say whether the Working "
            "Group should keep the source's identity confidential",
        ),
        Entry(
            "Information received from",
            f"{role} ({relation})" if role and relation else role,
            "how the informant knows the person",
        ),
        Entry(
            "Informant's identity",
            "given in confidence; kept in the sealed case, not copied into this draft"
            if named
            else None,
            "the informant stayed anonymous: the Working Group needs a source it can contact",
        ),
    )


def _consent(answers: Mapping[str, Any]) -> tuple[Entry, ...]:
    relation = _words("relationship", answers.get("relationship"))
    if answers.get("reporter_role") == "relative":
        consent: str | None = f"the informant is a relative ({relation or 'relation not given'})"
    else:
        consent = {
            "yes": "yes, the family agrees to this submission",
            "i_am_family": "yes, the informant is family",
            "no": "NO: the family has not agreed; do not send without their consent",
        }.get(str(answers.get("family_consent")))
    scope = answers.get("share_scope")
    shared = isinstance(scope, list) and "un_bodies" in scope
    return (
        Entry("Family's consent", consent, "ask the family whether they agree to the submission"),
        Entry(
            "Informant's permission to share with UN bodies",
            "given" if shared else None,
            "the informant did not allow sharing with UN bodies: ask them first",
        ),
    )


def draft_submission(
    case_id: str, form_id: str, received_day: dt.date, answers: Mapping[str, Any], today: dt.date
) -> Submission:
    """The draft for one case; `NotMissingPerson` for any other report type."""
    if form_id != MISSING_PERSON.id:
        raise NotMissingPerson(form_id)
    gaps = wgeid_gaps(answers)
    get = answers.get

    def section(title: str, element: str | None, gap: str | None, *entries: Entry) -> Section:
        return Section(title, entries, element, gap in gaps)

    sections = (
        section(
            "I. Identity of the disappeared person",
            "1. Full name",
            "full_name",
            Entry("Full name", _text(get("full_name")), "family name, first name, other names"),
            Entry("Sex", _words("sex", get("sex"))),
            Entry("Age", _age(get("age")), "age or date of birth"),
            Entry("Citizenship", _words("citizenship", get("citizenship"))),
            Entry("Identity document number", _text(get("id_number"))),
            Entry("Description", _text(get("description"))),
        ),
        section(
            "II. Date of the disappearance",
            "2. Date (at least month and year)",
            "last_seen_when",
            Entry("Last seen", date_words(get("last_seen_when")), "at least the month and year"),
        ),
        section(
            "III. Place of the disappearance",
            "3. Place (at least the town)",
            "last_seen_where",
            Entry("Place last seen", place_words(get("last_seen_where")), "at least the town"),
            Entry("Kind of place", _words("location_type", get("location_type"))),
            Entry("How contact was lost", _words("circumstances", get("circumstances"))),
            Entry("Account of what happened", _text(get("narrative")), "the circumstances"),
        ),
        section(
            "IV. Forces believed to be responsible",
            "4. Parties believed responsible",
            "believed_responsible",
            Entry(
                "Believed responsible",
                _words("believed_responsible", get("believed_responsible")),
                "State agents or those acting with their support, and why they are believed "
                "responsible",
            ),
            Entry("Uniforms, vehicles, names or ranks", _text(get("identifiers"))),
        ),
        section(
            "V. Steps taken to locate the person",
            "5. Steps taken",
            "steps_taken",
            Entry(
                "Steps taken by the family and others",
                _words("steps_taken", get("steps_taken")),
                "inquiries, complaints, habeas corpus: when, by whom, to which body",
            ),
            Entry("What was done and what they were told", _text(get("steps_detail"))),
            Entry(
                "Response of the authorities",
                _words("authorities_response", get("authorities_response")),
            ),
        ),
        section("VI. Source of the submission", "6. Source", "submitter", *_source(answers)),
        Section(
            "VII. Consent",
            _consent(answers),
            "Consent of the family",
            bool({"family_consent", "share_scope"} & set(gaps)),
        ),
    )
    return Submission(
        case_id=case_id,
        received_day=received_day,
        prepared_on=today,
        urgent=is_urgent(answers, today),
        sections=sections,
        missing=tuple(MISSING_WORDS[g] for g in gaps if g in MISSING_WORDS),
    )
