"""The counts an analyst looks at first: cases per day by report type, by region, detention
status, and the places of detention witnesses name most often.

`summarise` is pure (decrypted cases in, counts out) and language-neutral: codes and the
witnesses' own spellings, so the same `Summary` serves the offline page (`kuager summary`) and
the reviewer's desk in any language. `read_summary` is the one part that touches the database.
Which answer says when and where differs per report type; the caller says, through
`SummaryFields` (`handlers.summary_page.summary_fields` derives them from the forms).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.export import ExportTally, OpenedCase, open_cases
from storage.regions import region_of_place

TOP_PLACES = 10
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class SummaryFields:
    """Which answers of each report type the summary reads."""

    when: Mapping[str, str]
    """Form id → its date question (`event_date`, `last_seen_when`)."""
    where: Mapping[str, str]
    """Form id → its place question (`place`, `last_seen_where`)."""
    status: str = "status_now"
    held: str = "held_where"
    held_detail: str = "held_where_detail"


@dataclass(frozen=True)
class HeldPlace:
    """A place of detention as witnesses named it."""

    name: str
    """The first spelling seen (witness text: escape it wherever it is shown)."""
    kind: str | None
    """The kind chosen with it (`ivs`, `sizo`, ...), the most frequent one."""
    count: int


@dataclass(frozen=True)
class Summary:
    """Counts over every case a key opened; codes, not words."""

    cases: int = 0
    forms: tuple[str, ...] = ()
    """Report types seen, most cases first: the series of the per-day chart."""
    per_day: tuple[tuple[dt.date, Mapping[str, int]], ...] = ()
    """Each day something happened (oldest first) → cases of each report type."""
    undated: int = 0
    """Cases whose date names no day (a month, a year, "don't know")."""
    by_region: tuple[tuple[str | None, int], ...] = ()
    """Region code (None: not given) → cases, most first."""
    by_status: tuple[tuple[str, int], ...] = ()
    """Detention status code → cases, most first."""
    held_places: tuple[HeldPlace, ...] = ()
    """The places of detention named most often, most first."""


@dataclass
class _Tally:
    cases: int = 0
    forms: Counter[str] = field(default_factory=Counter)
    days: dict[dt.date, Counter[str]] = field(default_factory=dict)
    undated: int = 0
    regions: Counter[str | None] = field(default_factory=Counter)
    status: Counter[str] = field(default_factory=Counter)
    places: Counter[str] = field(default_factory=Counter)
    spelling: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, Counter[str]] = field(default_factory=dict)


def _day(answer: Any) -> dt.date | None:
    """The day a date answer names; None for a month or a year alone (`2022-01`, `2022`),
    which cannot be put on a day's column, and for "don't know"."""
    if not isinstance(answer, Mapping):
        return None
    try:
        return dt.date.fromisoformat(str(answer.get("date")))
    except ValueError:
        return None


def _add(tally: _Tally, case: OpenedCase, fields: SummaryFields) -> None:
    answers = case.document.get("answers", {})
    tally.cases += 1
    tally.forms[case.form_id] += 1
    day = _day(answers.get(fields.when.get(case.form_id, "")))
    if day is None:
        tally.undated += 1
    else:
        tally.days.setdefault(day, Counter())[case.form_id] += 1
    region = region_of_place(answers.get(fields.where.get(case.form_id, "")))
    tally.regions[region] += 1
    status = answers.get(fields.status)
    if isinstance(status, str) and status:
        tally.status[status] += 1
    detail = answers.get(fields.held_detail)
    if isinstance(detail, str) and detail.strip() and detail != "skipped":
        key = _SPACES.sub(" ", detail.strip()).casefold()
        tally.places[key] += 1
        tally.spelling.setdefault(key, _SPACES.sub(" ", detail.strip()))
        kind = answers.get(fields.held)
        if isinstance(kind, str):
            tally.kinds.setdefault(key, Counter())[kind] += 1


def summarise(cases: Iterable[OpenedCase], fields: SummaryFields) -> Summary:
    """Count `cases`; ties are broken by code (or name) so the same cases give the same page."""
    tally = _Tally()
    for case in cases:
        _add(tally, case, fields)
    return _finish(tally)


def _most_first(counter: Counter[Any]) -> list[tuple[Any, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0] is None, str(item[0])))


def _finish(tally: _Tally) -> Summary:
    places = [
        HeldPlace(tally.spelling[key], _top_kind(tally.kinds.get(key)), count)
        for key, count in _most_first(tally.places)[:TOP_PLACES]
    ]
    return Summary(
        cases=tally.cases,
        forms=tuple(form for form, _ in _most_first(tally.forms)),
        per_day=tuple((day, dict(tally.days[day])) for day in sorted(tally.days)),
        undated=tally.undated,
        by_region=tuple(_most_first(tally.regions)),
        by_status=tuple(_most_first(tally.status)),
        held_places=tuple(places),
    )


def _top_kind(kinds: Counter[str] | None) -> str | None:
    return _most_first(kinds)[0][0] if kinds else None


async def read_summary(
    db: Database, private_key: ReviewerPrivateKey, fields: SummaryFields
) -> tuple[Summary, ExportTally]:
    """Decrypt every case this key opens and count them; the tally names the others."""
    tally, counts = ExportTally(), _Tally()
    async with db.sessions() as session, session.begin():
        async for case in open_cases(session, private_key, tally):
            _add(counts, case, fields)
            tally.exported += 1
    return _finish(counts), tally
