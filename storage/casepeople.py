"""The people a decrypted case names, with what may tell one from another.

Read on the reviewer's laptop from `OpenedCase.document` (docs/FORMAT.md, "Case document"),
for `storage.sameperson` to compare. The field ids are those of handlers/forms/, written out
here because storage never imports handlers: the store stands alone. Pure, and forgiving: a
skipped answer, a "don't know" or a hand-sealed document of another shape yields what can
be read, never an exception.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

APPROXIMATE_DAYS = 7
"""Days either side of a date the witness marked as approximate."""

_NOT_GIVEN: tuple[object, ...] = (None, "", [], "skipped", "dont_know", "prefer_not", "unknown")


@dataclass(frozen=True)
class DaySpan:
    """The days a date answer may mean: one day, a week around "about", a month, a year."""

    earliest: dt.date
    latest: dt.date

    def gap(self, other: DaySpan) -> int:
        """Days between the two spans; 0 when they overlap."""
        return max((other.earliest - self.latest).days, (self.earliest - other.latest).days, 0)


@dataclass(frozen=True)
class PersonRecord:
    """One person named in one case, with what identifies them, read from the sealed answers."""

    case_id: str
    index: int
    """Counted from 1 within the case, as the export numbers `victims.1.name`."""
    form_id: str
    name: str
    """As the witness typed it; "" when skipped or not known."""
    sex: str | None = None
    """"male", "female" or "other"; None when not known."""
    age: int | None = None
    """As given when the report was made."""
    age_approximate: bool = False
    birth_year: int | None = None
    """Worked out from the age and the year of the report, so reports of different years
    compare; None without an age."""
    seen: DaySpan | None = None
    """Last seen (missing person) or the day it happened (detention, ill-treatment)."""
    received_day: dt.date | None = None
    region: str | None = None
    """Region code from the forms' list (`almaty`, `abroad`…)."""

    @property
    def key(self) -> str:
        """`<case id>.<index>`: one person, stable across exports."""
        return f"{self.case_id}.{self.index}"


@dataclass(frozen=True)
class _Shape:
    """Where a form keeps the people it names and the date and place of what happened."""

    name: str
    when: str
    where: str
    group: str | None = None
    """The repeat group holding one answer dict per person; None: the answers are the person."""


_SHAPES = {
    "missing_person": _Shape("full_name", "last_seen_when", "last_seen_where"),
    "detention": _Shape("name", "event_date", "place", group="victims"),
    "ill_treatment": _Shape("name", "event_date", "place", group="victims"),
}
"""Field ids from handlers/forms/ (storage does not import handlers: the store stands alone)."""


def people_of(
    case_id: str,
    form_id: str,
    document: Mapping[str, Any],
    *,
    received_day: dt.date | None = None,
) -> list[PersonRecord]:
    """The people a decrypted case document (`OpenedCase.document`) names, skipped answers
    and all: a person whose name was skipped is listed, with an empty name, and never grouped.

    A missing-person report names one person; detention and ill-treatment reports name each
    victim, or the witness when it happened to them (`reporter_role` "self") and they gave
    their name but listed no victim. Other forms (addenda) name nobody. A document of another
    shape (a hand-sealed one, say) yields what can be read from it, never an exception.
    """
    shape = _SHAPES.get(form_id)
    answers = document.get("answers")
    if shape is None or not isinstance(answers, Mapping):
        return []
    persons = _persons(shape, answers)
    seen, region = _span(answers.get(shape.when)), _region(answers.get(shape.where))
    year = _report_year(document, received_day)
    records = []
    for index, person in enumerate(persons, start=1):
        age = _age(person.get("age"), year)
        records.append(
            PersonRecord(
                case_id=case_id,
                index=index,
                form_id=form_id,
                name=_text(person.get(shape.name)),
                sex=_sex(person.get("sex")),
                age=age.years,
                age_approximate=age.approximate,
                birth_year=age.birth_year,
                seen=seen,
                received_day=received_day,
                region=region,
            )
        )
    return records


def _persons(shape: _Shape, answers: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    if shape.group is None:
        return [answers]
    group = answers.get(shape.group)
    persons = (
        [p if isinstance(p, Mapping) else {} for p in group] if isinstance(group, list) else []
    )
    if not persons and answers.get("reporter_role") == "self":
        return [{shape.name: answers.get("reporter_name")}]
    return persons


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) and value not in _NOT_GIVEN else ""


def _sex(value: object) -> str | None:
    return value if value in ("male", "female", "other") else None


def _report_year(document: Mapping[str, Any], received_day: dt.date | None) -> int | None:
    """The year the ages in a report were given in: submitted, else received."""
    submitted = document.get("submitted_at")
    if isinstance(submitted, str):
        try:
            return dt.datetime.fromisoformat(submitted).year
        except ValueError:
            pass
    return received_day.year if received_day else None


_OLDEST = 120
"""The forms' highest age; a bigger number in a hand-made document is a year of birth."""


@dataclass(frozen=True)
class _Age:
    years: int | None = None
    approximate: bool = False
    birth_year: int | None = None


def _age(value: object, report_year: int | None) -> _Age:
    """An age answer (34, or `{"number": 35, "approximate": true}`) and the birth year it
    implies in the year of the report."""
    approximate = isinstance(value, Mapping) and value.get("approximate") is True
    number = value.get("number") if isinstance(value, Mapping) else value
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        return _Age()
    if number > _OLDEST:
        age = report_year - number if report_year and number <= report_year else None
        return _Age(age, approximate, number)
    return _Age(number, approximate, report_year - number if report_year else None)


def _span(answer: object) -> DaySpan | None:
    """A stored date answer (`{"date": "2022-01", "precision": "month"}`) as days."""
    if not isinstance(answer, Mapping) or not isinstance(answer.get("date"), str):
        return None
    text: str = answer["date"]
    try:
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 3:
            day = dt.date(*parts)
            wide = dt.timedelta(
                days=APPROXIMATE_DAYS if answer.get("precision") == "approximate" else 0
            )
            return DaySpan(day - wide, day + wide)
        if len(parts) == 2:
            first = dt.date(parts[0], parts[1], 1)
            following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return DaySpan(first, following - dt.timedelta(days=1))
        if len(parts) == 1:
            return DaySpan(dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31))
    except (ValueError, TypeError, OverflowError):
        pass
    return None


def _region(place: object) -> str | None:
    region = place.get("region") if isinstance(place, Mapping) else None
    return region if isinstance(region, str) and region not in _NOT_GIVEN else None
