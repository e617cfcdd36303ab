"""Reports about one missing man, in three spellings, sit side by side on each of their pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from storage.cases import CaseDocument
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from tests.bot.desk.test_door import logged_in
from tests.desk_server import served_desk
from tests.storage.cases import store

SPELLINGS = {"kk": "Махамбет Әбжан", "ru": "Махамбет Абжан", "en": "Makhambet Abzhan"}


def missing(lang: str, name: str, age: int, region: str = "almaty") -> CaseDocument:
    answers: dict[str, Any] = {
        "reporter_role": "relative",
        "consent": "yes",
        "full_name": name,
        "age": age,
        "sex": "male",
        "last_seen_when": {"date": "2022-01-06", "precision": "exact"},
        "last_seen_where": {"region": region, "town": None, "lat": None, "lon": None},
    }
    submitted = dt.datetime(2022, 1, 9, 10, 30, tzinfo=dt.UTC)
    return CaseDocument("missing_person", 1, lang, answers, submitted)


async def test_three_spellings_of_one_man_are_shown_side_by_side_and_a_near_miss_is_not(
    database_url: str, db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    keys = [reviewer_key.public]
    ids = {
        lang: (await store(db, missing(lang, name, 34), keys)).case_id
        for lang, name in SPELLINGS.items()
    }
    other = (await store(db, missing("ru", "Махамбет Абжанов", 61, "atyrau"), keys)).case_id
    async with served_desk(database_url, reviewer_key, lang="ru") as desk:
        client = await logged_in(desk)
        async with client:
            for case_id in ids.values():
                async with client.get(f"{desk.origin}/cases/{case_id}") as response:
                    page = await response.text()
                same = page.split('id="same-person"', 1)[1].split("</section>", 1)[0]
                assert all(name in same for name in SPELLINGS.values()), case_id
                assert "Махамбет Абжанов" not in same
            async with client.get(f"{desk.origin}/cases/{other}") as response:
                assert 'id="same-person"' not in await response.text()
