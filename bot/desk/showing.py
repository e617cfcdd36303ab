"""How a decrypted case reads on the desk, in the reviewer's language: labels, answers, files.

The witness's review screen already says every answer in words (`handlers.screens`): the desk
shows the same labels and the same wording, so a reviewer and a witness read one report the
same way. Free text is the witness's own words, passed to the template as it was typed (the
template escapes it and keeps its line breaks); `format_value` output is HTML it has escaped
itself, marked safe only here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from babel import Locale
from babel.dates import format_date
from markupsafe import Markup

from bot.desk import words as w
from bot.desk.casebook import DeskCase, Followup
from handlers.forms import FORMS, REGIONS, REVIEW_LABELS, Draft, Kind, Special, review_items
from handlers.i18n import _, current_language
from handlers.screens import format_value, review_label
from storage.casepeople import PersonRecord
from storage.events import OpenedEvent
from storage.sameperson import SamePersonGroup


@dataclass(frozen=True)
class ShownAnswer:
    """One answer under its label: `text` (verbatim, escaped by the template) or `words`."""

    label: str
    text: str | None = None
    words: Markup | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a case's history: a witness's follow-up (with its files) or an event."""

    day: dt.date
    followup: Followup | None = None
    files: Sequence[ShownFile] = ()
    event: OpenedEvent | None = None


@dataclass(frozen=True)
class ShownFile:
    """An attachment on the page; `image` once its first bytes proved it one."""

    document_id: str
    index: int
    name: str
    size: int
    image: bool


def day(value: dt.date) -> str:
    return format_date(value, format="long", locale=current_language())


def form_title(form_id: str) -> str:
    form = FORMS.get(form_id)
    return _(form.title) if form else form_id


def region_label(code: str | None) -> str:
    if code is None:
        return ""
    return next((_(c.label) for c in REGIONS if c.code == code), code)


def language_name(code: str) -> str:
    """The witness's language named in the reviewer's ("казахский", "Kazakh")."""
    try:
        return Locale.parse(code).get_display_name(current_language()) or code
    except (ValueError, TypeError):
        return code


def gap_label(field_id: str) -> str:
    special = {"submitter": w.GAP_SUBMITTER, "share_scope": w.GAP_SHARE}
    msgid = special.get(field_id) or REVIEW_LABELS.get(field_id)
    return _(msgid) if msgid else field_id


def answers(case: DeskCase) -> tuple[list[ShownAnswer], list[ShownAnswer]]:
    """The answers the form describes, in its order, then any it does not (an older form's)."""
    form = FORMS.get(case.form_id)
    shown: list[ShownAnswer] = []
    covered: set[str] = set()
    if form is not None:
        draft = Draft(
            form=form.id,
            version=form.version,
            answers=dict(case.answers),
            closed=frozenset(g.id for g in form.groups()),
        )
        for item in review_items(form, draft):
            covered.add(item.path.split(".", 1)[0])
            if item.question.kind is Kind.MEDIA:
                continue  # listed with the files
            if (
                item.question.kind is Kind.TEXT
                and isinstance(item.value, str)
                and not _special(item.value)
            ):
                shown.append(ShownAnswer(review_label(item), text=item.value))
            else:
                # format_value escapes whatever came from the witness itself.
                words = Markup(format_value(item.question, item.value))  # noqa: S704
                shown.append(ShownAnswer(review_label(item), words=words))
    others = [
        ShownAnswer(key, text=_plain(value))
        for key, value in case.answers.items()
        if key not in covered
    ]
    return shown, others


def _special(value: str) -> bool:
    """ "skipped", "dont_know", "prefer_not": worded like any choice, not shown as typed."""
    return value in {s.value for s in Special}


def _plain(value: Any) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_plain(v) for v in value)
    return "" if value is None else str(value)


def shown_file(document_id: str, index: int, ref: Mapping[str, Any], image: bool) -> ShownFile:
    size = ref.get("size")
    return ShownFile(
        document_id,
        index,
        str(ref.get("name") or ref.get("kind") or ""),
        size if isinstance(size, int) else 0,
        image,
    )


def linked(case: DeskCase, cases: Sequence[DeskCase]) -> list[DeskCase]:
    """The other reports the witness sent together with this one (same `links.group`)."""
    group = case.links.get("group")
    if not group:
        return []
    return [c for c in cases if c.case_id != case.case_id and c.links.get("group") == group]


@dataclass(frozen=True)
class PersonColumn:
    """One person of a same-person group, a column of the side-by-side table."""

    case_id: str
    form_id: str
    this_case: bool
    name: str
    age: str
    region: str
    seen: str


def side_by_side(case_id: str, groups: Sequence[SamePersonGroup]) -> list[list[PersonColumn]]:
    """Each group naming this case, its people as columns: this case's first, then by day."""
    tables = []
    for group in groups:
        people = sorted(
            (m.person for m in group.members),
            key=lambda p: (p.case_id != case_id, p.received_day or dt.date.min, p.key),
        )
        tables.append([_column(p, case_id) for p in people])
    return tables


def _column(person: PersonRecord, case_id: str) -> PersonColumn:
    seen = ""
    if person.seen is not None:
        first, last = day(person.seen.earliest), day(person.seen.latest)
        seen = first if first == last else f"{first} – {last}"
    age = "" if person.age is None else ("≈ " if person.age_approximate else "") + str(person.age)
    return PersonColumn(
        person.case_id,
        person.form_id,
        person.case_id == case_id,
        person.name,
        age,
        region_label(person.region),
        seen,
    )
