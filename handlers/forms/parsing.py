"""Typed dates and numbers: the formats people in Kazakhstan type, and what we refuse.

Pure functions of the text and a `today` passed in (never the clock), so a test can pin the
day and a two-digit year or a "future" date is judged against the day the witness wrote.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from handlers.forms.model import N_, Answer, Invalid

# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# Keep the example dates as they are.
BAD_DATE = N_("Please type the date like 25.03.2024, or 03.2024 if you know only the month.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
NO_SUCH_DATE = N_("That date does not exist. Please check the day and the month.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
FUTURE_DATE = N_("That date is in the future. Please check it.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# {year} is a year such as 1990.
TOO_EARLY = N_("Please type a date from {year} or later.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# {year} is a year.
TOO_LATE = N_("Please type a date no later than {year}.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# Keep the example number.
NOT_A_NUMBER = N_("Please type a number, for example 25.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# {min} and {max} are numbers.
OUT_OF_RANGE = N_("Please type a number between {min} and {max}.")


class Precision(StrEnum):
    """How much of a date the witness knows (HURIDOCS ESF list 48, plus year only)."""

    EXACT = "exact"
    APPROXIMATE = "approximate"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True)
class PartialDate:
    """A date known to the day, the month or the year, with the span it may cover."""

    iso: str
    """`2024-03-25`, `2024-03` or `2024`: ISO 8601 cut to what is known."""
    precision: Precision
    earliest: dt.date
    latest: dt.date

    def answer(self) -> dict[str, str]:
        """The stored shape: `{"date": "2024-03", "precision": "month"}`."""
        return {"date": self.iso, "precision": self.precision.value}


# Separators people type: 25.03.2024, 25/03/2024, 25-03-2024, 25 03 2024; an optional
# trailing "г." (Russian "год") or "ж." (Kazakh "жыл") is common and means nothing here.
_SEP = r"\s*[./\-\s]\s*"
_DAY_FIRST = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{2}}|\d{{4}})")
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{4}})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_YEAR = re.compile(r"(\d{4})")
_TRAILER = re.compile(r"\s*(г|ж|год|жыл|y)?\.?\s*$", re.IGNORECASE)


def exact(day: dt.date) -> PartialDate:
    return PartialDate(day.isoformat(), Precision.EXACT, day, day)


def parse_date(text: str, today: dt.date) -> PartialDate | Invalid:
    """A typed date, or why it cannot be one. Range checks are `check_date`'s job."""
    cleaned = _TRAILER.sub("", text.strip())
    if match := _ISO_DAY.fullmatch(cleaned):
        year, month, day = (int(g) for g in match.groups())
        return _day(year, month, day)
    if match := _DAY_FIRST.fullmatch(cleaned):
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) == 2:
            year = _full_year(year, today)
        return _day(year, month, day)
    if match := _ISO_MONTH.fullmatch(cleaned):
        return _month(int(match.group(1)), int(match.group(2)))
    if match := _MONTH.fullmatch(cleaned):
        return _month(int(match.group(2)), int(match.group(1)))
    if match := _YEAR.fullmatch(cleaned):
        year = int(match.group(1))
        if dt.MINYEAR < year < dt.MAXYEAR:
            return PartialDate(f"{year:04d}", Precision.YEAR, dt.date(year, 1, 1), _dec31(year))
    return Invalid(BAD_DATE)


def _full_year(short: int, today: dt.date) -> int:
    """`24` is 2024; `98` is 1998 because 2098 has not happened yet."""
    year = 2000 + short
    return year if year <= today.year else year - 100


def _day(year: int, month: int, day: int) -> PartialDate | Invalid:
    try:
        return exact(dt.date(year, month, day))
    except ValueError:
        return Invalid(NO_SUCH_DATE)


def _month(year: int, month: int) -> PartialDate | Invalid:
    if not (1 <= month <= 12 and dt.MINYEAR <= year <= dt.MAXYEAR):
        return Invalid(NO_SUCH_DATE)
    last = calendar.monthrange(year, month)[1]
    start, end = dt.date(year, month, 1), dt.date(year, month, last)
    return PartialDate(f"{year:04d}-{month:02d}", Precision.MONTH, start, end)


def _dec31(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def check_date(
    date: PartialDate, today: dt.date, earliest_year: int, future_ok: bool = False
) -> Invalid | None:
    """Refuse a date that cannot be the event's: in the future, or before `earliest_year`.

    A month or year counts as in the future only when all of it is, so "this month" is fine.
    """
    if date.latest.year < earliest_year:
        return Invalid(TOO_EARLY, {"year": earliest_year})
    if future_ok:
        limit = today.year + 1
        return Invalid(TOO_LATE, {"year": limit}) if date.earliest.year > limit else None
    return Invalid(FUTURE_DATE) if date.earliest > today else None


def latest_day(answer: object, today: dt.date) -> dt.date | None:
    """The last day a stored date answer may mean, capped at `today`; None if not a date."""
    if not isinstance(answer, dict) or not isinstance(answer.get("date"), str):
        return None
    parsed = parse_date(str(answer["date"]), today)
    return None if isinstance(parsed, Invalid) else min(parsed.latest, today)


_INTEGER = re.compile(r"[+-]?\d{1,9}")


def parse_int(text: str) -> int | None:
    """A whole number; at most nine digits, because nothing we ask is bigger."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    return int(cleaned) if _INTEGER.fullmatch(cleaned) else None


@dataclass(frozen=True)
class TypedNumber:
    """A number as a witness typed it, with whether they said it was about that much."""

    value: int
    approximate: bool = False

    def answer(self) -> Answer:
        """The stored shape: a plain number, or `{"number": 35, "approximate": true}`."""
        return {"number": self.value, "approximate": True} if self.approximate else self.value


# Words around a number as people type an age or a count in kk, ru and en. "About" before it
# ("около 35", "шамамен 35", "~35") or after it ("35 или около того") marks it approximate; a
# unit ("35 лет", "35 жаста", "35 years old") or a case ending ("35-ти", "35-те") does not.
_ABOUT = (
    r"около|примерно|приблизительно|где-то|где то|почти|"
    r"шамамен|шамасы|шамалы|about|around|approximately|approx\.?|roughly|circa|ca\.?|"
    r"~|≈|±"
)
_ABOUT_AFTER = r"или около того|шамасында|шамалы|шамасы|or so|ish|\?"
_UNIT = (
    r"лет|год|года|годов|г\.?|жаста|жасар|жасында|жас|жыл|ж\.?|"
    r"years old|years|year old|yrs|y\.o\.?|yo|y"
)
_PHRASE = re.compile(
    rf"(?:(?P<about>{_ABOUT})\s*)?(?P<number>\d{{1,9}})(?:-?[а-яәіңғүұқөһ]{{1,3}})?"
    rf"(?:\s*(?:{_UNIT}))?(?:\s*(?P<after>{_ABOUT_AFTER}))?",
    re.IGNORECASE,
)
_INVERTED = re.compile(r"(?:лет|годов|года)\s+(?P<number>\d{1,9})", re.IGNORECASE)
"""Russian puts the unit first to say "about": "лет 35" is "35 or so"."""


def parse_number(text: str) -> TypedNumber | None:
    """A whole number as people type it: "35", "35 лет", "около 35", "шамамен 35 жаста"."""
    plain = parse_int(text)
    if plain is not None:
        return TypedNumber(plain)
    cleaned = " ".join(text.split()).rstrip(".!").strip()
    if match := _PHRASE.fullmatch(cleaned):
        about = bool(match.group("about") or match.group("after"))
        return TypedNumber(int(match.group("number")), approximate=about)
    if match := _INVERTED.fullmatch(cleaned):
        return TypedNumber(int(match.group("number")), approximate=True)
    return None


def check_number(value: int, minimum: int, maximum: int) -> Invalid | None:
    if minimum <= value <= maximum:
        return None
    return Invalid(OUT_OF_RANGE, {"min": minimum, "max": maximum})
