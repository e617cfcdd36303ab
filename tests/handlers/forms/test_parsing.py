"""Typed dates and numbers, as witnesses in Kazakhstan write them."""

from __future__ import annotations

import datetime as dt

import pytest

from handlers.forms import Invalid
from handlers.forms.parsing import (
    BAD_DATE,
    FUTURE_DATE,
    NO_SUCH_DATE,
    OUT_OF_RANGE,
    TOO_EARLY,
    TOO_LATE,
    PartialDate,
    Precision,
    TypedNumber,
    check_date,
    check_number,
    latest_day,
    parse_date,
    parse_int,
    parse_number,
)

TODAY = dt.date(2024, 5, 10)


@pytest.mark.parametrize(
    ("typed", "iso", "precision"),
    [
        ("25.03.2024", "2024-03-25", Precision.EXACT),
        ("5.3.2024", "2024-03-05", Precision.EXACT),
        ("05.03.24", "2024-03-05", Precision.EXACT),
        ("5.3.98", "1998-03-05", Precision.EXACT),
        ("25/03/2024", "2024-03-25", Precision.EXACT),
        ("25-03-2024", "2024-03-25", Precision.EXACT),
        ("25 03 2024", "2024-03-25", Precision.EXACT),
        (" 25.03.2024 ", "2024-03-25", Precision.EXACT),
        ("25.03.2024 г.", "2024-03-25", Precision.EXACT),
        ("25.03.2024ж.", "2024-03-25", Precision.EXACT),
        ("2024-03-25", "2024-03-25", Precision.EXACT),
        ("2024-3-5", "2024-03-05", Precision.EXACT),
        ("03.2024", "2024-03", Precision.MONTH),
        ("3.2024", "2024-03", Precision.MONTH),
        ("03/2024", "2024-03", Precision.MONTH),
        ("2024-03", "2024-03", Precision.MONTH),
        ("2022", "2022", Precision.YEAR),
        ("2022 г.", "2022", Precision.YEAR),
        ("٢٥.٠٣.٢٠٢٤", "2024-03-25", Precision.EXACT),
    ],
)
def test_typed_dates_parse_with_their_precision(typed: str, iso: str, precision: Precision) -> None:
    parsed = parse_date(typed, TODAY)

    assert isinstance(parsed, PartialDate)
    assert (parsed.iso, parsed.precision) == (iso, precision)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", BAD_DATE),
        ("yesterday evening", BAD_DATE),
        ("25.03", BAD_DATE),
        ("2024.03.25.1", BAD_DATE),
        ("0000", BAD_DATE),
        ("31.02.2024", NO_SUCH_DATE),
        ("29.02.2023", NO_SUCH_DATE),
        ("13.2024", NO_SUCH_DATE),
        ("2024-13-01", NO_SUCH_DATE),
        ("00.00.0000", NO_SUCH_DATE),
    ],
)
def test_what_is_not_a_date_says_why(typed: str, message: str) -> None:
    assert parse_date(typed, TODAY) == Invalid(message)


def test_a_leap_day_exists_in_a_leap_year() -> None:
    assert isinstance(parse_date("29.02.2024", TODAY), PartialDate)


def test_month_precision_spans_the_whole_month() -> None:
    parsed = parse_date("02.2024", TODAY)

    assert isinstance(parsed, PartialDate)
    assert (parsed.earliest, parsed.latest) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert parsed.answer() == {"date": "2024-02", "precision": "month"}


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("11.05.2024", Invalid(FUTURE_DATE)),
        ("06.2024", Invalid(FUTURE_DATE)),
        ("2025", Invalid(FUTURE_DATE)),
        ("31.12.1989", Invalid(TOO_EARLY, {"year": 1990})),
        ("1989", Invalid(TOO_EARLY, {"year": 1990})),
        ("10.05.2024", None),
        ("05.2024", None),
        ("2024", None),
        ("01.01.1990", None),
    ],
)
def test_dates_in_the_future_or_before_1990_are_refused(typed: str, problem: Invalid) -> None:
    parsed = parse_date(typed, TODAY)

    assert isinstance(parsed, PartialDate)
    assert check_date(parsed, TODAY, earliest_year=1990) == problem


def test_a_planned_hearing_may_be_ahead_but_not_years_ahead() -> None:
    soon, later = parse_date("20.05.2024", TODAY), parse_date("01.01.2026", TODAY)

    assert isinstance(soon, PartialDate)
    assert isinstance(later, PartialDate)
    assert check_date(soon, TODAY, 1990, future_ok=True) is None
    assert check_date(later, TODAY, 1990, future_ok=True) == Invalid(TOO_LATE, {"year": 2025})


def test_latest_day_of_a_stored_date_is_capped_at_today() -> None:
    assert latest_day({"date": "2024-05", "precision": "month"}, TODAY) == TODAY
    assert latest_day({"date": "2024-03", "precision": "month"}, TODAY) == dt.date(2024, 3, 31)
    assert latest_day("dont_know", TODAY) is None


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("34", 34),
        (" 7 ", 7),
        ("1 000", 1000),
        ("-3", -3),
        ("+5", 5),
        ("34 years", None),
        ("", None),
        ("3.5", None),
        ("9" * 5000, None),
    ],
)
def test_whole_numbers_parse_and_nothing_else(typed: str, value: int | None) -> None:
    assert parse_int(typed) == value


@pytest.mark.parametrize(
    ("typed", "value", "approximate"),
    [
        ("35", 35, False),
        ("35 лет", 35, False),
        ("35-ти лет", 35, False),
        ("35 жаста", 35, False),
        ("35 жас", 35, False),
        ("35 years old", 35, False),
        ("около 35", 35, True),
        ("Около 35 лет.", 35, True),
        ("примерно 35 лет", 35, True),
        ("лет 35", 35, True),
        ("~35", 35, True),
        ("≈ 35", 35, True),
        ("шамамен 35", 35, True),
        ("шамамен 35 жаста", 35, True),
        ("about 35", 35, True),
        ("35ish", 35, True),
        ("35 or so", 35, True),
    ],
)
def test_numbers_are_read_as_people_type_them(typed: str, value: int, approximate: bool) -> None:
    assert parse_number(typed) == TypedNumber(value, approximate)


@pytest.mark.parametrize(
    "typed", ["", "abc", "35-40", "3.5", "около", "лет", "35 dogs", "9" * 5000]
)
def test_a_number_phrase_without_one_number_is_refused(typed: str) -> None:
    assert parse_number(typed) is None


def test_number_range_names_its_bounds() -> None:
    assert check_number(300, 0, 120) == Invalid(OUT_OF_RANGE, {"min": 0, "max": 120})
    assert check_number(120, 0, 120) is None
