"""Reports about one missing man, in three spellings, sit side by side on each of their pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bot.casework import append_events
from bot.desk.guard import CSRF_FIELD
from storage.casefile import CaseQuery, list_cases
from storage.cases import CaseDocument
from storage.crypto.keys import ReviewerPrivateKey, ReviewerPublicKey
from storage.database import Database
from storage.events import EventDocument, same_person_event
from tests.bot.desk.test_door import csrf_of, logged_in
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


async def three_spellings(db: Database, keys: list[ReviewerPublicKey]) -> dict[str, str]:
    """One missing man reported in Kazakh, Russian and English spelling: language → case id."""
    return {
        lang: (await store(db, missing(lang, name, 34), keys)).case_id
        for lang, name in SPELLINGS.items()
    }


async def test_three_spellings_of_one_man_are_shown_side_by_side_and_a_near_miss_is_not(
    database_url: str, db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    keys = [reviewer_key.public]
    ids = await three_spellings(db, keys)
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


def same_section(page: str) -> str:
    if 'id="same-person"' not in page:
        return ""
    return page.split('id="same-person"', 1)[1].split("</section>", 1)[0]


async def test_a_decision_from_the_terminal_shows_in_the_history_and_splits_the_group(
    database_url: str, db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    keys = [reviewer_key.public]
    ids = await three_spellings(db, keys)
    today = dt.date(2022, 1, 20)
    others = [ids["ru"], ids["en"]]

    def rejected(case_id: str, author: str) -> list[EventDocument]:
        return [same_person_event(case_id, others, False, author, today)]

    # `kuager same KK RU EN --reject` records exactly this
    await append_events(db, reviewer_key, ids["kk"], rejected, keys, today)
    async with served_desk(database_url, reviewer_key, lang="ru") as desk:
        client = await logged_in(desk)
        async with client:
            async with client.get(f"{desk.origin}/cases/{ids['kk']}") as response:
                assert response.status == 200
                page = await response.text()
            assert same_section(page) == "", "rejected: no longer side by side"
            history = page.split('id="history"', 1)[1]
            assert "не тот же человек" in history
            assert all(f'href="/cases/{other}"' in history for other in others)
            async with client.get(f"{desk.origin}/cases/{ids['ru']}") as response:
                assert same_section(await response.text()) == ""


async def test_the_desk_confirms_and_then_rejects_a_group_as_kuager_same_does(
    database_url: str, db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    keys = [reviewer_key.public]
    ids = await three_spellings(db, keys)
    async with served_desk(database_url, reviewer_key, lang="ru") as desk:
        client = await logged_in(desk)
        async with client:
            token = await csrf_of(client, desk)
            page_url = f"{desk.origin}/cases/{ids['kk']}"

            async def decide(group: str, verdict: str) -> int:
                form = {CSRF_FIELD: token, "group": group, "verdict": verdict}
                async with client.post(
                    f"{page_url}/same",
                    data=form,
                    headers={"Origin": desk.origin},
                    allow_redirects=False,
                ) as response:
                    return response.status

            async def group_shown() -> tuple[str, str]:
                async with client.get(page_url) as response:
                    section = same_section(await response.text())
                found = re.search(r'data-group="([^"]+)"', section)
                return (found.group(1) if found else ""), section

            group, section = await group_shown()
            assert group and "подтвердил" not in section
            # A group the page never showed, or a verdict the form has no button for: refused
            assert await decide("0" * 16, "same") == 409
            assert await decide(group, "maybe") == 409

            assert await decide(group, "same") == 303
            confirmed, section = await group_shown()
            assert "проверяющий подтвердил" in section
            assert all(name in section for name in SPELLINGS.values())

            assert await decide(confirmed, "not") == 303
            assert await group_shown() == ("", "")

    # The CLI reads the same decisions: `kuager cases` sees no group left either
    listed = await list_cases(db, reviewer_key, CaseQuery())
    assert len(listed.files) == 3 and listed.groups == []
