"""The summary's counts: per day by type, by region (shared locations placed), status, places."""

from __future__ import annotations

import datetime as dt
from typing import Any

from handlers.summary_page import summary_fields
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.export import OpenedCase
from storage.summary import HeldPlace, read_summary, summarise
from tests.storage.cases import detention, missing_person, store

FIELDS = summary_fields()


def opened(form_id: str, answers: dict[str, Any], number: int) -> OpenedCase:
    document = {"case_id": f"{number:032x}", "answers": answers}
    return OpenedCase(f"{number:032x}", form_id, dt.date(2022, 1, 9), document)


def on(day: str, precision: str = "exact") -> dict[str, str]:
    return {"date": day, "precision": precision}


CASES = [
    opened(
        "detention",
        {
            "event_date": on("2022-01-06"),
            "place": {"region": "almaty", "town": "Алматы"},
            "status_now": "still_held",
            "held_where": "ivs",
            "held_where_detail": "ИВС  Алматы ",
        },
        1,
    ),
    opened(
        "detention",
        {
            "event_date": on("2022-01-06", "approximate"),
            "place": {"region": None, "lat": 50.4111, "lon": 80.2275},  # Semey
            "status_now": "still_held",
            "held_where": "ivs",
            "held_where_detail": "ивс алматы",
        },
        2,
    ),
    opened(
        "missing_person",
        {"last_seen_when": on("2022-01-07"), "last_seen_where": {"region": "almaty"}},
        3,
    ),
    opened("ill_treatment", {"event_date": on("2022-01", "month"), "place": "dont_know"}, 4),
    opened(
        "detention",
        {"event_date": on("2022-01-05"), "place": {"region": "abroad"}, "status_now": "released"},
        5,
    ),
]


def test_cases_are_counted_per_day_type_region_status_and_place() -> None:
    summary = summarise(CASES, FIELDS)
    assert summary.cases == 5
    assert summary.forms == ("detention", "ill_treatment", "missing_person")
    assert summary.per_day == (
        (dt.date(2022, 1, 5), {"detention": 1}),
        (dt.date(2022, 1, 6), {"detention": 2}),
        (dt.date(2022, 1, 7), {"missing_person": 1}),
    )
    assert summary.undated == 1, "a month alone is not put on a day"
    assert summary.by_region == (("almaty", 2), ("abai", 1), ("abroad", 1), (None, 1))
    assert summary.by_status == (("still_held", 2), ("released", 1))
    # One place however it is spaced or capitalised, in the first spelling seen.
    assert summary.held_places == (HeldPlace("ИВС Алматы", "ivs", 2),)


def test_an_empty_store_gives_an_empty_summary() -> None:
    summary = summarise([], FIELDS)
    assert summary.cases == 0 and summary.per_day == () and summary.by_region == ()


async def test_read_summary_opens_what_the_key_opens(
    db: Database, reviewer_key: ReviewerPrivateKey, other_key: ReviewerPrivateKey
) -> None:
    await store(db, detention("kk"), [reviewer_key.public])
    await store(db, missing_person("ru"), [reviewer_key.public])
    await store(db, detention("en"), [other_key.public])
    summary, tally = await read_summary(db, reviewer_key, FIELDS)
    assert summary.cases == 2 and tally.not_for_this_key == 1 and tally.exported == 2
    assert dict(summary.by_region) == {"almaty": 2}, "one chosen, one from coordinates"
    assert summary.by_status == (("whereabouts_unknown", 1),)
