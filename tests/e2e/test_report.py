"""A witness's whole report in each language, and the case as a reviewer opens it.

Every message the bot sends must be in the witness's language: no English msgid leaks into
a Kazakh or Russian conversation, and Kazakh messages use Kazakh letters.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from handlers import texts
from handlers.i18n import _, language
from locales import LOCALES_DIR
from standin import BotApiStandin
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.export import ExportFormat, ExportRequest, export_cases
from tests.e2e.harness import running_bot

NARRATIVES = {
    "kk": "Ағамды <b>әкімдік</b> жанында азаматтық киімдегі адамдар & көлікке отырғызды.",
    "ru": "Брата увели люди в штатском <b>возле</b> акимата & посадили в машину.",
    "en": "Plainclothes men took my brother <b>near</b> the akimat & put him in a car.",
}
CYRILLIC = re.compile("[а-яА-ЯёЁ]")
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def english_lines(lang: str) -> set[str]:
    """Lines of English msgids whose translation differs: none may reach a kk/ru witness."""
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    lines: set[str] = set()
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        if message.string and message.string != message.id:
            assert isinstance(message.id, str)
            lines.update(line for line in message.id.split("\n") if len(line) > 3)
    return lines


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
async def test_a_detention_report_in_each_language_from_start_to_export(
    standin: BotApiStandin,
    database_url: str,
    db: Database,
    reviewer_key: ReviewerPrivateKey,
    tmp_path: Path,
    lang: str,
) -> None:
    narrative = NARRATIVES[lang]
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness(lang)
        await witness.command("/start")
        for code in (
            lang,
            "yes",
            "detention",
            "self",
            "today",
            "almaty",
            "skipped",
            "police",
            "done",
            "released",
        ):
            await witness.tap(code)
        await witness.say(narrative)
        for code in ("yes", "reviewers", "done", "none", "no"):
            await witness.tap(code)
        assert narrative in witness.screen.text, "the witness's words come back exactly"
        await witness.act("s")
        with language(lang):
            saved = _(texts.RECEIPT).split("\n", 1)[0]
        assert any(t.startswith(saved) for t in witness.texts())
        messages = [m.text for m in witness.user.bot_messages()][1:]  # the first is the picker

    if lang != "en":
        leaks = english_lines(lang)
        for text in messages:
            assert CYRILLIC.search(text), text
            assert not leaks & set(text.split("\n")), text
    if lang == "kk":
        assert len(KAZAKH_LETTERS & set("".join(messages))) >= 5

    out = tmp_path / "cases.jsonl"
    tally = await export_cases(db, reviewer_key, ExportRequest(out, ExportFormat.JSONL))
    assert tally.ok and tally.exported == 1
    case = json.loads(out.read_text("utf-8"))
    assert case["form"]["id"] == "detention" and case["language"] == lang
    answers = case["answers"]
    assert answers["narrative"] == narrative
    assert answers["detained_by"] == ["police"], "codes, whatever the language"
    assert answers["status_now"] == "released"
    assert answers["place"]["region"] == "almaty"
