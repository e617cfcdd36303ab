"""`kuager summary` as a reviewer sees it: the page rendered by a real headless Chromium."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import Page

from handlers.i18n import _, language
from storage.database import Database
from tests.bot.test_reviewer_cli import kuager, public
from tests.storage.cases import detention, missing_person, store

HOSTILE_PLACE = '<img src="http://127.0.0.1:9/x.png" onerror="alert(1)">ИВС №1'


@pytest.fixture(scope="module")
def alice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    assert kuager("keygen", "--out", str(folder), "--name", "alice").returncode == 0
    return folder


async def seed(alice: Path, database_url: str) -> None:
    """Four cases on three days in three regions; one names a place with markup in it."""
    key = [public(alice, "alice")]
    held = {"status_now": "still_held", "held_where": "ivs", "held_where_detail": HOSTILE_PLACE}
    db = Database(database_url)
    try:
        await store(db, detention("kk", extra=held), key)
        await store(
            db,
            detention(
                "ru",
                extra={
                    "event_date": {"date": "2022-01-07", "precision": "exact"},
                    "place": {"region": "shymkent"},
                },
            ),
            key,
        )
        await store(db, missing_person("ru"), key)  # 6 Jan, a location in Almaty
        await store(
            db,
            missing_person(
                "en",
                extra={
                    "last_seen_when": {"date": "2022-01-08", "precision": "exact"},
                    "last_seen_where": {"region": None, "lat": 50.4111, "lon": 80.2275},  # Semey
                },
            ),
            key,
        )
    finally:
        await db.close()


async def test_the_summary_renders_offline_with_its_charts_in_russian(
    alice: Path, database_url: str, tmp_path: Path, page: Page
) -> None:
    await seed(alice, database_url)
    out = tmp_path / "summary.html"
    result = await asyncio.to_thread(
        kuager,
        "summary",
        "--key",
        str(alice / "alice.key"),
        "--out",
        str(out),
        "--lang",
        "ru",
        "--database",
        database_url,
    )
    assert result.returncode == 0, result.stderr
    assert "summary of 4 cases" in result.stdout

    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    await page.goto(out.as_uri())
    await page.wait_for_load_state("networkidle")

    # Given / then: the charts are drawn, one bar per thing counted.
    assert await page.locator("#by-region rect.bar").count() == 3  # almaty, shymkent, abai
    # Per day: 6 Jan detention + missing person, 7 Jan detention, 8 Jan missing person.
    assert await page.locator("#per-day rect.bar").count() == 4
    assert await page.locator("#by-status rect.bar").count() == 2
    assert await page.locator("#held-places rect.bar").count() == 1

    # In Russian, from the catalogs.
    with language("ru"):
        expected = [
            _("Cases per day, by report type"),
            _("Cases by region"),
            _("Detention: status now"),
            _("Places of detention named most often"),
        ]
        region = _("Shymkent")
    assert await page.locator("figcaption").all_inner_texts() == expected
    assert any("а" <= ch <= "я" for ch in expected[1]), "a Russian title, not the English one"
    assert await page.get_attribute("html", "lang") == "ru"
    assert region in await page.locator("#by-region").inner_text()

    # The witness's markup is text on the page, not an element, and nothing was fetched.
    assert await page.locator("img").count() == 0
    assert HOSTILE_PLACE[:20] in await page.locator("#held-places").inner_text()
    assert requests == [out.as_uri()], "the page loads nothing but itself"

    # A picture, not a blank page: the chart's pixels are not all one colour.
    chart = tmp_path / "region.png"
    await page.locator("#by-region svg").screenshot(path=str(chart))
    await page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    blank = tmp_path / "blank.png"
    box = await page.locator("#by-region svg").bounding_box()
    assert box is not None
    await page.set_content(f'<div style="width:{box["width"]}px;height:{box["height"]}px"></div>')
    await page.locator("div").screenshot(path=str(blank))
    assert chart.stat().st_size > 3 * blank.stat().st_size
