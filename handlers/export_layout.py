"""The reviewers' export as an analyst reads it: tables, columns and words from the forms.

The store writes whatever `storage.export.Layout` it is given and knows no form; this module
makes that layout from the form definitions, in the reviewer's language (`kuager export
--lang`): a sheet per report type with its questions in the order a witness meets them, People
(one row per person, whatever the report type), Cases (one row per case, with counts), WGEID
(missing persons with the UN's six elements), Additions and, for a type no form defines,
Other. Headers and choices are an analyst's words (`handlers.forms.ANALYST_*`), not a
witness's buttons. A question with "Don't know" or "Prefer not to say" gets a status column,
so an empty cell still says whether it was skipped or not known.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

from handlers.forms import (
    ADDENDUM_FORM,
    ANALYST_HEADERS,
    ANALYST_WORDS,
    ANY_QUESTION,
    FORMS,
    N_,
    REGIONS,
    REVIEW_LABELS,
    WGEID_ELEMENTS,
    Form,
    Kind,
    Question,
    base_choices,
    wgeid_gaps,
)
from handlers.i18n import _, language
from storage.export import Column, Fact, FormLayout, Layout, Part, Shape, Source, Table

# TRANSLATORS: Column header in the reviewers' spreadsheet: the case's id.
CASE = N_("Case")
# TRANSLATORS: Column header in the reviewers' spreadsheet: detention, ill-treatment...
REPORT_TYPE = N_("Report type")
# TRANSLATORS: Column header in the reviewers' spreadsheet: the day the report arrived.
RECEIVED = N_("Received on")
# TRANSLATORS: Column header in the reviewers' spreadsheet: when the witness pressed Send.
SUBMITTED = N_("Sent at (UTC)")
# TRANSLATORS: Column header in the reviewers' spreadsheet: the language the witness used.
LANGUAGE = N_("Witness's language")
# TRANSLATORS: Column header in the reviewers' spreadsheet: an id shared by reports the same
# witness filed together (a detention and the missing-person report that followed it).
GROUP = N_("Linked reports")
# TRANSLATORS: Column header in the reviewers' spreadsheet: an id shared by cases that may be
# about the same person.
SAME_PERSON = N_("Possible same person")
# TRANSLATORS: Column header in the reviewers' spreadsheet: how many follow-up additions.
ADDITIONS = N_("Additions")
# TRANSLATORS: Column header in the reviewers' spreadsheet: how many people the case names.
PEOPLE_COUNT = N_("People listed")
# TRANSLATORS: Column header in the reviewers' spreadsheet: how many files were sent.
FILE_COUNT = N_("Number of files")
# TRANSLATORS: Column header in the reviewers' spreadsheet: where the decrypted files are.
FILES = N_("Decrypted files")
# TRANSLATORS: Column header in the reviewers' spreadsheet: which UN WGEID elements a
# missing-person case still lacks.
UN_GAPS = N_("Missing UN elements")
# TRANSLATORS: Column header in the reviewers' spreadsheet: whether a case has everything the
# UN Working Group on Disappearances needs.
UN_READY = N_("UN-ready")
# TRANSLATORS: Column header in the reviewers' spreadsheet: missing for less than 3 months.
URGENT = N_("Urgent")
# TRANSLATORS: Column header in the reviewers' spreadsheet: the person's number in the case.
PERSON_NO = N_("Person no.")
# TRANSLATORS: Column header in the reviewers' spreadsheet (People sheet): held, released...
DETENTION_STATUS = N_("Detention status")
# TRANSLATORS: Column header in the reviewers' spreadsheet: the case an addition adds to.
ADDITION_TO = N_("Addition to")
# TRANSLATORS: Column header in the reviewers' spreadsheet: a follow-up's messages.
NOTES = N_("Notes")
# TRANSLATORS: Column header in the reviewers' spreadsheet: all answers of a report type this
# version does not know, as JSON.
ANSWERS_JSON = N_("Answers (JSON)")

# TRANSLATORS: Sheet name in the reviewers' spreadsheet (at most 31 characters): one row a case.
CASES_SHEET = N_("Cases")
# TRANSLATORS: Sheet name in the reviewers' spreadsheet (at most 31 characters): one row per
# victim or missing person.
PEOPLE_SHEET = N_("People")
# TRANSLATORS: Sheet name in the reviewers' spreadsheet (at most 31 characters): the UN
# Working Group on Enforced or Involuntary Disappearances; usually kept as WGEID.
WGEID_SHEET = N_("WGEID")
# TRANSLATORS: Sheet name in the reviewers' spreadsheet (at most 31 characters): follow-ups.
ADDITIONS_SHEET = N_("Additions")
# TRANSLATORS: Sheet name in the reviewers' spreadsheet (at most 31 characters): report types
# this version does not know.
OTHER_SHEET = N_("Other types")
# TRANSLATORS: A cell in the reviewers' spreadsheet (Report type): a follow-up to a report.
ADDITION = N_("Addition")

# TRANSLATORS: Column header in the reviewers' spreadsheet; {field} is another column's header.
PRECISION = N_("{field}: precision")
# TRANSLATORS: Column header in the reviewers' spreadsheet; {field} is another column's header.
# The column says why that column is empty: skipped, not known, declined, not asked.
STATUS = N_("{field}: status")
# TRANSLATORS: Column header in the reviewers' spreadsheet; {field} is another column's header.
PLACE_REGION = N_("{field}: region")
# TRANSLATORS: Column header in the reviewers' spreadsheet; {field} is another column's header.
PLACE_TOWN = N_("{field}: town or spot")
# TRANSLATORS: Column header in the reviewers' spreadsheet; {field} is another column's header.
PLACE_LAT = N_("{field}: latitude")
# TRANSLATORS: Column header in the reviewers' spreadsheet; {field} is another column's header.
PLACE_LON = N_("{field}: longitude")
# TRANSLATORS: Column header in the reviewers' spreadsheet; {field} is another column's header.
CONTACT_METHOD = N_("{field}: method")
# TRANSLATORS: Column header in the reviewers' spreadsheet; {field} is another column's header.
CONTACT_DETAIL = N_("{field}: details")

STATUS_WORDS = {
    # TRANSLATORS: A cell in the reviewers' spreadsheet: the witness skipped the question.
    "skipped": N_("Skipped"),
    # TRANSLATORS: A cell in the reviewers' spreadsheet: the witness answered "Don't know".
    "dont_know": N_("Not known"),
    # TRANSLATORS: A cell in the reviewers' spreadsheet: the witness preferred not to say.
    "prefer_not": N_("Declined to say"),
    # TRANSLATORS: A cell in the reviewers' spreadsheet: the question was not asked (an earlier
    # answer made it not apply).
    "not_asked": N_("Not asked"),
    # TRANSLATORS: A cell in the reviewers' spreadsheet: a number or a date is approximate.
    "approximate": N_("Approximate"),
    # TRANSLATORS: A cell in the reviewers' spreadsheet: the account was a voice message;
    # {seconds} is its length in seconds. The file is among the decrypted files.
    "voice": N_("Voice message, {seconds} s"),
}
PRECISION_WORDS = {
    # TRANSLATORS: A cell in the reviewers' spreadsheet: how precise a date is.
    "exact": N_("Exact"),
    "approximate": N_("Approximate"),
    # TRANSLATORS: A cell in the reviewers' spreadsheet: only the month of a date is known.
    "month": N_("Month only"),
    # TRANSLATORS: A cell in the reviewers' spreadsheet: only the year of a date is known.
    "year": N_("Year only"),
}

REPORT_TYPES = (*FORMS, ADDENDUM_FORM)
"""What `kuager export --type` takes."""

LEFT_OUT = frozenset({"consent", "more_details"})
"""Questions every report answers alike (consent) or that only steer the form."""

PEOPLE_FROM: Mapping[str, tuple[str, ...]] = {
    "date": ("event_date", "last_seen_when"),
    "place": ("place", "last_seen_where"),
    "status": ("status_now", "condition_now", "authorities_response"),
    "perpetrators": ("detained_by", "perpetrators", "believed_responsible"),
}
"""A People column → the question that fills it, the first one a form asks."""

PERSON_QUESTIONS = ("name", "sex", "age", "citizenship", "occupation")
MISSING_PERSON_FIELDS = {"name": "full_name"}
"""A form without a people group is about one person, whose answers are the case's own."""

_WIDTHS = {
    Shape.TEXT: 40,
    Shape.WORD: 18,
    Shape.WORDS: 30,
    Shape.DATE: 12,
    Shape.NUMBER: 9,
    Shape.PLACE: 18,
    Shape.CONTACT: 18,
    Shape.FILES: 9,
    Shape.NOTES: 50,
}
_SHAPES = {
    Kind.CHOICE: Shape.WORD,
    Kind.YES_NO: Shape.WORD,
    Kind.MULTI: Shape.WORDS,
    Kind.TEXT: Shape.TEXT,
    Kind.DATE: Shape.DATE,
    Kind.NUMBER: Shape.NUMBER,
    Kind.PLACE: Shape.PLACE,
    Kind.CONTACT: Shape.CONTACT,
    Kind.MEDIA: Shape.FILES,
}


def header(question_id: str) -> str:
    """The analyst's header of a question's column, translated."""
    return _(ANALYST_HEADERS.get(question_id) or REVIEW_LABELS.get(question_id, question_id))


def words(question: Question) -> dict[str, str]:
    """Code → the analyst's word, translated, for a question's choices (regions for a place)."""
    choices = REGIONS if question.kind is Kind.PLACE else base_choices(question)
    own = ANALYST_WORDS.get(question.id, {})
    return {c.code: _(own.get(c.code) or ANY_QUESTION.get(c.code) or c.label) for c in choices}


_FACT_WIDTHS: Mapping[Fact, int] = {
    Fact.LANGUAGE: 8,
    Fact.PERSON_NO: 8,
    Fact.ADDITIONS: 9,
    Fact.PEOPLE: 9,
    Fact.FILE_COUNT: 9,
    Fact.FLAG: 9,
    Fact.RECEIVED: 12,
    Fact.SAME_PERSON: 12,
    Fact.FORM: 20,
    Fact.FORM_ID: 20,
    Fact.SUBMITTED: 20,
    Fact.CASE_ID: 34,
    Fact.ADDENDUM_TO: 34,
    Fact.GROUP: 34,
    Fact.UN_GAPS: 40,
    Fact.FILES: 40,
    Fact.ANSWERS_JSON: 60,
}
"""Each fact's column width in characters, the same on every sheet it appears in."""


def _fact(title: str, fact: Fact, field: str = "") -> Column:
    return Column(_(title), field or fact.value, Source.CASE, fact=fact, width=_FACT_WIDTHS[fact])


def question_columns(
    question: Question, source: Source = Source.ANSWER, name: str | None = None
) -> Iterator[Column]:
    """A question's columns: its value (a date's precision, a place's parts) and, where an
    empty cell could mean skipped, not known or declined, its status. `name` replaces the
    question's header, for a column that different questions fill (People's "Date")."""
    name = name or header(question.id)
    shape, codes = _SHAPES[question.kind], words(question)

    def part(title: str, part: Part, width: int, given: dict[str, str] = codes) -> Column:
        return Column(title, question.id, source, shape, part, given, width=width)

    if question.kind is Kind.DATE:
        yield part(name, Part.VALUE, 12)
        yield part(_(PRECISION).format(field=name), Part.PRECISION, 12, _words(PRECISION_WORDS))
    elif question.kind is Kind.PLACE:
        yield part(_(PLACE_REGION).format(field=name), Part.REGION, 20)
        yield part(_(PLACE_TOWN).format(field=name), Part.TOWN, 24)
        yield part(_(PLACE_LAT).format(field=name), Part.LATITUDE, 10)
        yield part(_(PLACE_LON).format(field=name), Part.LONGITUDE, 10)
    elif question.kind is Kind.CONTACT:
        yield part(_(CONTACT_METHOD).format(field=name), Part.METHOD, 18)
        yield part(_(CONTACT_DETAIL).format(field=name), Part.DETAIL, 24)
    else:
        width = 60 if question.voice else _WIDTHS[shape]  # an account in own words
        yield part(name, Part.VALUE, width)
    if question.dont_know or question.prefer_not or question.kind is Kind.NUMBER:
        yield part(_(STATUS).format(field=name), Part.STATUS, 14)


def _words(table: Mapping[str, str]) -> dict[str, str]:
    return {code: _(msgid) for code, msgid in table.items()}


def _asked(form: Form) -> dict[str, Question]:
    """Every question of a form by id, the first wording of a reworded one."""
    found: dict[str, Question] = {}
    for question in form.questions():
        found.setdefault(question.id, question)
    return found


def _group_ids(form: Form) -> set[str]:
    return {q.id for group in form.groups() for q in group.questions}


def form_columns(form: Form) -> tuple[Column, ...]:
    """A report type's own sheet: case facts, then its questions in order, then flags."""
    columns = [
        _fact(CASE, Fact.CASE_ID),
        _fact(RECEIVED, Fact.RECEIVED),
        _fact(LANGUAGE, Fact.LANGUAGE),
        _fact(GROUP, Fact.GROUP),
        _fact(SAME_PERSON, Fact.SAME_PERSON),
        _fact(ADDITIONS, Fact.ADDITIONS),
    ]
    if any(form.groups()):
        columns.append(_fact(PEOPLE_COUNT, Fact.PEOPLE))
    in_groups = _group_ids(form)
    for question in _asked(form).values():
        if question.id not in LEFT_OUT and question.id not in in_groups:
            columns += question_columns(question)
    for flag in form.flags:
        columns.append(_fact(_FLAG_HEADERS.get(flag.name, flag.name), Fact.FLAG, flag.name))
    if any(flag.name == "un_ready" for flag in form.flags):
        columns.append(_fact(UN_GAPS, Fact.UN_GAPS))
    columns.append(_fact(FILES, Fact.FILES))
    return tuple(columns)


_FLAG_HEADERS = {"un_ready": UN_READY, "urgent": URGENT}


def _role(form: Form, role: str, name: str, parts: tuple[Part, ...] = ()) -> list[Column]:
    """The columns of the question that plays `role` in this form, under a shared `name`;
    empty columns under the same headers when the form asks no such question."""
    asked = _asked(form)
    question = next((asked[i] for i in PEOPLE_FROM[role] if i in asked), None)
    model = question or next(
        q for f in FORMS.values() for i, q in _asked(f).items() if i in PEOPLE_FROM[role]
    )
    columns = [c for c in question_columns(model, name=name) if not parts or c.part in parts]
    return columns if question else [replace(c, field="") for c in columns]


def _person_questions() -> tuple[Question, ...]:
    """The questions asked about each person of a report, as the People sheet lists them."""
    group = next(g for form in FORMS.values() for g in form.groups())
    return tuple(q for q in group.questions if q.id in PERSON_QUESTIONS)


def people_columns(form: Form) -> tuple[Column, ...]:
    """People: one row per person, the same columns whatever the report type."""
    person = [c for q in _person_questions() for c in question_columns(q, Source.PERSON)]
    return (
        _fact(CASE, Fact.CASE_ID),
        _fact(REPORT_TYPE, Fact.FORM),
        _fact(PERSON_NO, Fact.PERSON_NO),
        *person,
        *_role(form, "date", _("Date"), (Part.VALUE, Part.PRECISION)),
        *_role(form, "place", _("Place"), (Part.REGION,)),
        *_role(form, "status", _(DETENTION_STATUS)),
        *_role(form, "perpetrators", _(ANALYST_HEADERS["perpetrators"])),
        _fact(SAME_PERSON, Fact.SAME_PERSON),
    )


def case_columns(form: Form) -> tuple[Column, ...]:
    """Cases: one row per report with what an analyst counts."""
    return (
        _fact(CASE, Fact.CASE_ID),
        _fact(REPORT_TYPE, Fact.FORM),
        _fact(RECEIVED, Fact.RECEIVED),
        *_role(form, "date", _("Date"), (Part.VALUE, Part.PRECISION)),
        *_role(form, "place", _("Place"), (Part.REGION,)),
        _fact(PEOPLE_COUNT, Fact.PEOPLE),
        _fact(FILE_COUNT, Fact.FILE_COUNT),
        _fact(ADDITIONS, Fact.ADDITIONS),
        _fact(GROUP, Fact.GROUP),
        _fact(SAME_PERSON, Fact.SAME_PERSON),
        _fact(UN_GAPS, Fact.UN_GAPS),
        _fact(URGENT, Fact.FLAG, "urgent"),
    )


WGEID_QUESTIONS = (
    "full_name",
    "last_seen_when",
    "last_seen_where",
    "believed_responsible",
    "steps_taken",
    "steps_detail",
    "reporter_name",
    "anonymous",
    "relationship",
    "family_consent",
    "share_scope",
)
"""The six elements the UN WGEID needs (name, date, place, who is responsible, steps taken,
submitter), then the family's consent and the permission to share."""


def wgeid_columns(form: Form) -> tuple[Column, ...]:
    asked = _asked(form)
    return (
        _fact(CASE, Fact.CASE_ID),
        _fact(RECEIVED, Fact.RECEIVED),
        _fact(URGENT, Fact.FLAG, "urgent"),
        _fact(UN_READY, Fact.FLAG, "un_ready"),
        _fact(UN_GAPS, Fact.UN_GAPS),
        *(c for i in WGEID_QUESTIONS if i in asked for c in question_columns(asked[i])),
    )


def addition_columns() -> tuple[Column, ...]:
    return (
        _fact(CASE, Fact.CASE_ID),
        _fact(ADDITION_TO, Fact.ADDENDUM_TO),
        _fact(RECEIVED, Fact.RECEIVED),
        _fact(LANGUAGE, Fact.LANGUAGE),
        Column(_(NOTES), "notes", shape=Shape.NOTES, width=60),
        _fact(FILE_COUNT, Fact.FILE_COUNT),
        _fact(FILES, Fact.FILES),
    )


def other_columns() -> tuple[Column, ...]:
    return (
        _fact(CASE, Fact.CASE_ID),
        _fact(REPORT_TYPE, Fact.FORM_ID),
        _fact(RECEIVED, Fact.RECEIVED),
        _fact(SUBMITTED, Fact.SUBMITTED),
        _fact(LANGUAGE, Fact.LANGUAGE),
        _fact(ANSWERS_JSON, Fact.ANSWERS_JSON),
        _fact(FILES, Fact.FILES),
    )


def _form_layout(form: Form) -> FormLayout:
    group = next((g.id for g in form.groups()), None)
    fields = {} if group else {q: MISSING_PERSON_FIELDS.get(q, q) for q in PERSON_QUESTIONS}
    un_ready = any(flag.name == "un_ready" for flag in form.flags)
    return FormLayout(group, fields, un_gaps=wgeid_gaps if un_ready else None)


def export_layout(lang: str) -> Layout:
    """Every table of a reviewer's export, in `lang`."""
    with language(lang):
        return _layout()


def _layout() -> Layout:
    reports = FORMS.values()
    un_forms = [f for f in reports if any(flag.name == "un_ready" for flag in f.flags)]
    tables = (
        Table("cases", _(CASES_SHEET), {f.id: case_columns(f) for f in reports}, always=True),
        Table(
            "people",
            _(PEOPLE_SHEET),
            {f.id: people_columns(f) for f in reports},
            per_person=True,
            always=True,
        ),
        Table("wgeid", _(WGEID_SHEET), {f.id: wgeid_columns(f) for f in un_forms}),
        *(Table(f.id, _(f.title), {f.id: form_columns(f)}) for f in reports),
        Table("additions", _(ADDITIONS_SHEET), {ADDENDUM_FORM: addition_columns()}),
        Table("other", _(OTHER_SHEET), {}, fallback=other_columns()),
    )
    forms = {f.id: _form_layout(f) for f in reports}
    forms[ADDENDUM_FORM] = FormLayout(addition=True)
    names = {f.id: _(f.title) for f in reports}
    names[ADDENDUM_FORM] = _(ADDITION)
    return Layout(
        tables,
        forms,
        names,
        statuses=_words(STATUS_WORDS),
        yes_no=(_("Yes"), _("No")),
        gap_words=_words(WGEID_ELEMENTS),
    )
