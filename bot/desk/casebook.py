"""The desk's list of cases as plain values: what a row shows, how filters and search pick rows.

Pure: built from decrypted case documents (`storage.export.OpenedCase`) and plain mappings,
no HTTP and no database, so every filter and the search are tested with made-up cases. The
reviewer reads Kazakh, Russian and English reports side by side, so the search folds case,
diacritics and the Kazakh letters onto their Russian neighbours (қ→к, ө→о, і→и…): "махамбет
абжан" finds "Махамбет Әбжан", and a choice answer is found by its label in any of the three
languages ("полиция", "police", "полиция" in Kazakh) as well as by its code.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from handlers.forms import FORMS, Kind, is_urgent, wgeid_gaps
from handlers.i18n import LANGUAGES
from handlers.labels import labeller
from storage.casefile import flatten
from storage.cases import ADDENDUM_FORM
from storage.export import OpenedCase

MISSING_PERSON = "missing_person"
DEFAULT_STATUS = "new"
"""A case no reviewer has given a status yet."""
FIRST_WORDS = 90
"""How much of the narrative a row of the list shows."""

_KAZAKH_FOLD = str.maketrans("әғқңөұүһіı", "агкноуухии")
"""Kazakh letters with no decomposition, onto the Russian letter a Russian speaker types."""


def fold(text: str) -> str:
    """`text` for matching: casefolded, diacritics dropped (й→и, ё→е, ä→a), Kazakh letters
    onto their Russian neighbours, so one query finds a name however it was typed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.translate(_KAZAKH_FOLD)


@dataclass(frozen=True)
class Followup:
    """A witness's addendum sent through `/followup`: notes and files, on a day."""

    case_id: str
    received_day: dt.date
    notes: tuple[str, ...]
    attachments: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class DeskCase:
    """One case as the desk lists and shows it; the decrypted document stays in memory only."""

    case_id: str
    form_id: str
    received_day: dt.date
    language: str
    answers: Mapping[str, Any]
    attachments: tuple[Mapping[str, Any], ...]
    links: Mapping[str, Any]
    region: str | None
    urgent: bool
    gaps: tuple[str, ...]
    """WGEID elements still missing (a missing-person report only; empty otherwise)."""
    first_words: str
    search_text: str
    """Folded answers, choice labels in every language, and follow-up notes."""
    status: str = DEFAULT_STATUS
    new: bool = False
    """Not seen by this reviewer's desk before this visit."""
    followups: tuple[Followup, ...] = ()


@dataclass(frozen=True)
class CaseFilter:
    """The list's filters, as the reviewer set them in the page's form (all optional)."""

    form_id: str = ""
    status: str = ""
    region: str = ""
    urgent: bool = False
    gaps: bool = False
    """Only missing-person reports still missing a UN (WGEID) element."""
    since: dt.date | None = None
    until: dt.date | None = None
    query: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> tuple[CaseFilter, tuple[str, ...]]:
        """A filter from the page's query string, and the names of fields that did not parse
        (a date typed by hand); those are left unset and reported, never guessed."""
        bad: list[str] = []

        def day(name: str) -> dt.date | None:
            text = query.get(name, "").strip()
            if not text:
                return None
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                bad.append(name)
                return None

        chosen = cls(
            form_id=query.get("type", "").strip(),
            status=query.get("status", "").strip(),
            region=query.get("region", "").strip(),
            urgent=query.get("urgent", "") == "1",
            gaps=query.get("gaps", "") == "1",
            since=day("since"),
            until=day("until"),
            query=query.get("q", "").strip()[:200],
        )
        return chosen, tuple(bad)

    def as_query(self) -> dict[str, str]:
        """The filter back as query parameters (for export links), unset ones left out."""
        pairs = {
            "type": self.form_id,
            "status": self.status,
            "region": self.region,
            "urgent": "1" if self.urgent else "",
            "gaps": "1" if self.gaps else "",
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "q": self.query,
        }
        return {k: v for k, v in pairs.items() if v}

    def admits(self, case: DeskCase) -> bool:
        if self.form_id and case.form_id != self.form_id:
            return False
        if self.status and case.status != self.status:
            return False
        if self.region and case.region != self.region:
            return False
        if self.urgent and not case.urgent:
            return False
        if self.gaps and not (case.form_id == MISSING_PERSON and case.gaps):
            return False
        if self.since and case.received_day < self.since:
            return False
        if self.until and case.received_day > self.until:
            return False
        return all(word in case.search_text for word in fold(self.query).split())


@dataclass(frozen=True)
class Counts:
    """The figures at the top of the list."""

    total: int
    shown: int
    new: int
    urgent: int
    by_type: Mapping[str, int] = field(default_factory=dict)


def pick(cases: Iterable[DeskCase], chosen: CaseFilter) -> list[DeskCase]:
    """The cases a filter admits, newest day first (then by id, so the order is stable)."""
    admitted = [c for c in cases if chosen.admits(c)]
    admitted.sort(key=lambda c: c.case_id)
    admitted.sort(key=lambda c: c.received_day, reverse=True)
    return admitted


def documents_of(shown: Iterable[DeskCase], opened: Iterable[OpenedCase]) -> list[OpenedCase]:
    """The decrypted documents behind the listed cases, each with its follow-ups, in the order
    `kuager export` walks them (day, then id): what the list's download holds, and no more."""
    wanted = {case.case_id for case in shown}
    wanted |= {f.case_id for case in shown for f in case.followups}
    chosen = [case for case in opened if case.case_id in wanted]
    chosen.sort(key=lambda case: (case.received_day, case.case_id))
    return chosen


def count(cases: Sequence[DeskCase], shown: Sequence[DeskCase]) -> Counts:
    return Counts(
        total=len(cases),
        shown=len(shown),
        new=sum(c.new for c in cases),
        urgent=sum(c.urgent for c in cases),
        by_type=dict(Counter(c.form_id for c in shown)),
    )


def region_of(form_id: str, answers: Mapping[str, Any]) -> str | None:
    """The region of the report's first place answer (where it happened, or last seen)."""
    form = FORMS.get(form_id)
    if form is None:
        return None
    for question in form.questions():
        value = answers.get(question.id)
        if question.kind is Kind.PLACE and isinstance(value, dict):
            region = value.get("region")
            return region if isinstance(region, str) else None
    return None


def _first_words(answers: Mapping[str, Any]) -> str:
    narrative = answers.get("narrative")
    if not isinstance(narrative, str):
        return ""
    words = " ".join(narrative.split())
    return words if len(words) <= FIRST_WORDS else words[: FIRST_WORDS - 1] + "…"


def _search_text(form_id: str, answers: Mapping[str, Any], notes: Iterable[str]) -> str:
    """Every answer as the witness gave it and, for codes, as each language labels them."""
    columns = flatten(dict(answers))
    parts = [*columns.values(), *notes]
    for lang in LANGUAGES:
        label = labeller(lang)
        parts += [label(form_id, column, value) for column, value in columns.items()]
    return fold("\n".join(parts))


def _followup(opened: OpenedCase) -> Followup:
    notes = opened.document.get("answers", {}).get("notes", [])
    return Followup(
        case_id=opened.case_id,
        received_day=opened.received_day,
        notes=tuple(str(n) for n in notes) if isinstance(notes, list) else (),
        attachments=tuple(opened.document.get("attachments", [])),
    )


def build(
    opened: Iterable[OpenedCase],
    today: dt.date,
    *,
    seen_before: frozenset[str] | None = None,
    statuses: Mapping[str, str] | None = None,
) -> list[DeskCase]:
    """Desk cases from decrypted documents: addenda folded into the case they add to.

    `seen_before`: ids a previous visit listed (None on a first visit: nothing is marked new,
    since everything would be). Urgency and UN gaps are computed here from the answers, as
    the bot computes them, rather than read from the sealed flags: urgency changes with `today`.
    """
    documents: list[OpenedCase] = []
    followups: dict[str, list[Followup]] = {}
    for case in opened:
        parent = case.document.get("links", {}).get("addendum_to")
        if case.form_id == ADDENDUM_FORM and isinstance(parent, str):
            followups.setdefault(parent, []).append(_followup(case))
        else:
            documents.append(case)
    statuses = statuses or {}
    made = []
    for case in documents:
        answers = case.document.get("answers", {})
        later = tuple(sorted(followups.get(case.case_id, ()), key=lambda f: f.received_day))
        missing = case.form_id == MISSING_PERSON
        made.append(
            DeskCase(
                case_id=case.case_id,
                form_id=case.form_id,
                received_day=case.received_day,
                language=str(case.document.get("language", "")),
                answers=answers,
                attachments=tuple(case.document.get("attachments", [])),
                links=case.document.get("links", {}),
                region=region_of(case.form_id, answers),
                urgent=missing and is_urgent(answers, today),
                gaps=wgeid_gaps(answers) if missing else (),
                first_words=_first_words(answers),
                search_text=_search_text(
                    case.form_id, answers, (n for f in later for n in f.notes)
                ),
                status=statuses.get(case.case_id, DEFAULT_STATUS),
                new=seen_before is not None and case.case_id not in seen_before,
                followups=later,
            )
        )
    return made


def with_statuses(cases: Iterable[DeskCase], statuses: Mapping[str, str]) -> list[DeskCase]:
    """The same cases with their statuses as the events now say (another desk may set them)."""
    return [replace(c, status=statuses.get(c.case_id, DEFAULT_STATUS)) for c in cases]
