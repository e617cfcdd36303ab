"""Answers as people type them, and the witness's day: Kazakhstan's, for every date we keep."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from tests.handlers.conftest import HandlerBot
from tests.handlers.test_sending import CLOSE, START, exported
from tests.witness import hurry

ABOUT_35 = {
    "kk": ("шамамен 35", "шамамен 35"),
    "ru": ("около 35", "около 35"),
    "en": ("about 35", "about 35"),
}
"""Per language: what the witness types, and how the review reads it back."""


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
async def test_an_approximate_age_is_kept_as_approximate(
    bot: HandlerBot,
    db: Database,
    reviewer_key: ReviewerPrivateKey,
    tmp_path: Path,
    language: str,
) -> None:
    # Given a witness who adds details and reaches the person's age
    witness = await bot.started((*START, "released"), language_code=language)
    await witness.say("Его увезли")
    for code in (*CLOSE[:-1], "yes", "skipped", "prefer_not"):
        await witness.tap(code)
    typed, shown = ABOUT_35[language]
    # When they type it as people do
    await witness.say(typed)
    await hurry(witness)
    # Then the review reads it back as approximate, and the reviewer gets the number and that
    assert f"— {shown}\n" in "\n".join(witness.texts()[-3:])
    await witness.act("s")
    (case,) = await exported(db, reviewer_key, tmp_path)
    assert case["answers"]["victims"][0]["age"] == {"number": 35, "approximate": True}


async def test_today_is_the_witness_day_in_kazakhstan_for_the_event_and_the_case(
    bot: HandlerBot, db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    # Given 20:00 UTC on 25 March: already 01:00 on 26 March in Almaty (UTC+5)
    late = dt.datetime(2024, 3, 25, 20, 0, tzinfo=dt.UTC)
    bot.services.clock = lambda: late
    # When the witness says it happened "today" and sends the report
    witness = await bot.started((*START, "released"))
    await witness.say("Его увезли")
    for code in CLOSE:
        await witness.tap(code)
    await witness.act("s")
    # Then the event's day and the day the case was received are the same Almaty day
    (case,) = await exported(db, reviewer_key, tmp_path)
    assert case["answers"]["event_date"] == {"date": "2024-03-26", "precision": "exact"}
    assert case["received_day"] == "2024-03-26"
