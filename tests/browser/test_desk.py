"""The reviewer's desk in a real headless Chromium, against cases sent through the real bot.

Given witnesses who reported through the bot (over HTTP to the Bot API stand-in) in Kazakh
and Russian, a reviewer opens the desk's one-time link and works as a person would: filters,
searches, opens a Kazakh case in the Russian interface, sees the photo, switches language,
locks. Screenshots of the pages are saved and checked for content.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from playwright.async_api import Page

from handlers import texts
from handlers.forms import REVIEW_LABELS
from handlers.i18n import _, language
from standin import BotApiStandin
from storage.crypto.keys import ReviewerPrivateKey
from tests.browser.desk_cases import PHOTO, detention, missing_person
from tests.browser.shots import assert_not_blank
from tests.desk_server import served_desk
from tests.e2e.conftest import standin as standin
from tests.e2e.harness import running_bot

KAZAKH = "Мені Алматыда полиция ұстады, ағам Махамбет Әбжан да сонда болды."
RUSSIAN_NAME = "Махамбет Абжан"


def label(lang: str, question_id: str) -> str:
    with language(lang):
        return _(REVIEW_LABELS[question_id])


async def test_a_reviewer_filters_searches_and_reads_a_kazakh_case_in_russian(
    standin: BotApiStandin,
    database_url: str,
    reviewer_key: ReviewerPrivateKey,
    page: Page,
    tmp_path: Path,
) -> None:
    # Given a Kazakh detention with a photo and a Russian missing-person report, sent by witnesses
    async with running_bot(standin, database_url, reviewer_key) as bot:
        await detention(bot, "kk", KAZAKH, region="almaty", photo=PHOTO)
        await missing_person(bot, "ru", RUSSIAN_NAME)

    async with served_desk(database_url, reviewer_key, lang="ru") as desk:
        # When the reviewer opens the one-time link
        await page.goto(desk.login_url)
        assert page.url.endswith("/cases")
        counts = await page.inner_text("#counts")
        assert "2 из 2 дел" in counts
        assert await page.locator("tr.case").count() == 2
        list_shot = tmp_path / "list.png"
        await page.screenshot(path=str(list_shot), full_page=True)
        assert_not_blank(list_shot)

        # And filters by type, then for urgent cases
        await page.select_option("select[name=type]", "missing_person")
        await page.click("form.filters button[type=submit]")
        rows = page.locator("tr.case")
        assert await rows.count() == 1
        assert "1 из 2 дел" in await page.inner_text("#counts")

        # And downloads what the list shows, as the export's workbook in the interface's language
        async with page.expect_download() as started:
            await page.click("#export a[href*='cases.xlsx']")
        download = await started.value
        assert re.fullmatch(r"kuager-cases-[0-9-]+\.xlsx", download.suggested_filename)
        saved = tmp_path / download.suggested_filename
        await download.save_as(saved)
        book = openpyxl.load_workbook(saved)
        assert book.sheetnames[:3] == ["Дела", "Люди", "РГННИ (WGEID)"]
        cells = {str(c) for sheet in book.worksheets for row in sheet.values for c in row}
        assert RUSSIAN_NAME in cells, "the missing-person report the list shows"
        assert KAZAKH not in cells, "not the detention the filter left out"
        await page.click("text=Сбросить фильтры")
        await page.check("input[name=urgent]")
        await page.click("form.filters button[type=submit]")
        assert await page.locator("tr.case").count() == 1
        await page.click("text=Сбросить фильтры")

        # And searches for a Kazakh word typed without Kazakh letters
        await page.fill("input[name=q]", "агам")
        await page.click("form.filters button[type=submit]")
        assert await rows.count() == 1
        assert "полиция" in (await rows.first.inner_text()).lower()
        # And a name as either witness spelled it finds each report
        await page.fill("input[name=q]", "абжан")
        await page.click("form.filters button[type=submit]")
        assert await rows.count() == 2

        # Then the Kazakh case opens in the Russian interface, the witness's words verbatim
        await page.fill("input[name=q]", "агам")
        await page.click("form.filters button[type=submit]")
        await rows.first.locator("a").click()
        case_text = await page.inner_text("#case")
        assert KAZAKH in case_text
        assert label("ru", "narrative") in case_text and label("ru", "place") in case_text
        assert "казахский" in case_text
        assert "skipped" not in case_text, "a skipped answer in words, not its code"
        assert label("en", "narrative") not in case_text

        # And the photo is shown inline, drawn by the browser
        image = page.locator("figure.file img")
        assert await image.count() == 1
        await image.evaluate("img => img.decode()")
        assert await image.evaluate("img => img.naturalWidth") == 120
        case_shot = tmp_path / "case.png"
        await page.screenshot(path=str(case_shot), full_page=True)
        assert_not_blank(case_shot)

        # And the interface switches to Kazakh on the same page
        await page.click("button[value=kk]")
        assert label("kk", "narrative") in await page.inner_text("#case")

        # And "Lock now" forgets the key: every page then asks to unlock in the terminal
        await page.click("form.lock button")
        assert desk.desk.vault.locked
        assert "kuager desk" in await page.inner_text("main")
        assert KAZAKH not in await page.content()


async def test_a_witness_script_and_image_handler_stay_text(
    standin: BotApiStandin,
    database_url: str,
    reviewer_key: ReviewerPrivateKey,
    page: Page,
) -> None:
    narrative = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'
    file_name = "<img src=x onerror=window.__xss=3>.pdf"
    async with running_bot(standin, database_url, reviewer_key) as bot:
        await detention(
            bot, "en", narrative, region="astana", document=(file_name, b"%PDF-1.4 ruling")
        )

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    async with served_desk(database_url, reviewer_key) as desk:
        await page.goto(desk.login_url)
        assert "<script>window.__xss" in await page.inner_text("tr.case .words")
        await page.click("tr.case a")
        text = await page.inner_text("#case")
        assert narrative in text, "shown as the witness typed it"
        assert file_name in text, "the file's name as the witness sent it, as text"
        assert await page.evaluate("() => window.__xss") is None
        assert await page.locator("main script").count() == 0
        assert await page.locator("#case img").count() == 0, "no element made from witness text"
        assert dialogs == []


RECEIPT = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")
REPLY = "Мы нашли его в ИВС Алматы, адвокат уже едет. Ответьте, когда его задержали?"


async def test_a_status_and_a_reply_from_the_desk_reach_the_witness_through_followup(
    standin: BotApiStandin,
    database_url: str,
    reviewer_key: ReviewerPrivateKey,
    page: Page,
    tmp_path: Path,
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        # Given a Kazakh witness who sent a detention and kept the receipt code
        witness = await detention(bot, "kk", KAZAKH, region="almaty")
        codes = [m.group(0) for t in witness.texts() if (m := RECEIPT.search(t))]
        assert codes, "a receipt code"
        async with served_desk(database_url, reviewer_key, lang="ru") as desk:
            await page.goto(desk.login_url)
            await page.click("tr.case a")
            # When the reviewer sets "needs information" with a note, in the Russian interface
            await page.select_option("#status-form select[name=status]", "needs_info")
            await page.fill("#status-form textarea[name=note]", "Уточнить дату задержания")
            await page.click("#status-form button")
            assert "Сохранено" in await page.inner_text("#notice")
            assert await page.inner_text("#status") == "Нужны сведения"
            # And writes a reply in Russian, sees it as the witness will (in Kazakh), and sends it
            await page.fill("#reply-form textarea[name=text]", REPLY)
            await page.click("#reply-form button")
            preview = await page.inner_text("#preview")
            with language("kk"):
                needs_info_kk = _(texts.STATUS_SENTENCES["needs_info"])
            assert needs_info_kk in preview and REPLY in preview
            await page.click("#send-form button")
            history = await page.inner_text("#history")
            assert REPLY in history and "Уточнить дату задержания" in history
            # And the list now filters by that status
            await page.goto(f"{desk.origin}/cases?status=needs_info")
            assert await page.locator("tr.case").count() == 1
            await page.goto(f"{desk.origin}/cases?status=closed")
            assert await page.locator("tr.case").count() == 0
            # And the summary draws its charts on the desk
            await page.click("text=Сводка")
            assert await page.locator("#summary figure svg").count() >= 2
            summary_shot = tmp_path / "summary.png"
            await page.screenshot(path=str(summary_shot), full_page=True)
            assert_not_blank(summary_shot)
            assert "Алматы" in await page.inner_text("#summary")

        # Then the witness's /followup shows the Kazakh status sentence and the reply, no note
        before = len(witness.texts())
        await witness.command("/followup", codes[-1])
        after = witness.texts()[before:]
        assert any(needs_info_kk in t for t in after), after
        assert any(REPLY in t for t in after), after
        assert not any("Уточнить дату" in t for t in after)
