"""Richer reports end to end: people, files, linked reports, changing an answer on review."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bot.config import ReviewersConfig
from handlers.head import ALERT_LANGUAGE
from handlers.i18n import _ as translate
from handlers.i18n import language
from handlers.texts import NEW_CASE_ALERT
from standin import BotApiStandin
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.export import ExportFormat, ExportRequest, export_cases
from tests.e2e.harness import Witness, hurry, running_bot

PHOTO = b"\xff\xd8\xff\xe0" + b"injury photo " * 5000
RULING = b"%PDF-1.4 " + "Постановление суда".encode() * 100
CANARY = "CANARY-Жәнібек-4242"


async def export(db: Database, key: ReviewerPrivateKey, folder: Path) -> list[dict]:  # type: ignore[type-arg]
    out = folder / "cases.jsonl"
    tally = await export_cases(db, key, ExportRequest(out, ExportFormat.JSONL))
    assert tally.ok, tally
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


async def detailed_detention(witness: Witness) -> None:
    await witness.command("/start")
    for code in (
        "en",
        "yes",
        "detention",
        "self",
        "today",
        "astana",
        "skipped",
        "police",
        "done",
        "whereabouts_unknown",
    ):
        await witness.tap(code)
    await witness.say(f"Его увезли. {CANARY}")
    for code in ("yes", "reviewers", "done", "skipped", "yes"):
        await witness.tap(code)
    await witness.say("Ерлан")
    for _ in range(4):
        await witness.tap("skipped")
    await witness.tap("yes")
    await witness.say("Айгүл")
    for _ in range(4):
        await witness.tap("skipped")
    await witness.tap("no")
    await witness.tap("beaten")
    for _ in range(9):
        await witness.tap("skipped")
    assert "Photos" in witness.screen.text or "photo" in witness.screen.text.lower()
    await witness.user.send_photo(PHOTO)
    await witness.settle()
    await witness.user.send_document(RULING, "постановление.pdf", "application/pdf")
    await witness.settle()
    assert "Files received: 2" in witness.screen.text
    await witness.tap("done")


async def test_people_files_and_linked_reports(
    standin: BotApiStandin,
    database_url: str,
    db: Database,
    reviewer_key: ReviewerPrivateKey,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness()
        await detailed_detention(witness)
        review = witness.screen.text
        assert "Ерлан" in review and "Айгүл" in review and "2 files" in review
        await witness.act("s")
        assert witness.screen.text.startswith("There is one more thing you can do.")
        await witness.tap("missing_person")
        steps = await hurry(witness, text="Ерлан Серікұлы")
        assert steps < 25
        await witness.act("s")
        assert witness.screen.text.startswith("There is one more thing you can do.")
        await witness.tap("")  # "No, thank you" carries an empty form id
        assert any(t.startswith("One more thing.") for t in witness.texts()[-2:])
        first_lines = [t.split("\n", 1)[0] for t in witness.texts()]
        for line in first_lines:
            for leak in ("Ерлан", "Айгүл", "Astana", "Астана", "detention", "Detention", "missing"):
                assert leak not in line, line

    cases = await export(db, reviewer_key, tmp_path)
    detention = next(c for c in cases if c["form"]["id"] == "detention")
    missing = next(c for c in cases if c["form"]["id"] == "missing_person")
    assert len(cases) == 2
    assert [v["name"] for v in detention["answers"]["victims"]] == ["Ерлан", "Айгүл"]
    assert detention["links"]["group"] == missing["links"]["group"]
    assert missing["answers"]["last_seen_where"]["region"] == "astana", "carried from the detention"
    assert missing["answers"]["believed_responsible"] == ["police"]
    assert set(missing["flags"]) == {"un_ready", "urgent"}
    files = sorted((tmp_path / "kuager_attachments" / detention["case_id"]).iterdir())
    assert [f.read_bytes() for f in files] == [PHOTO, RULING]
    assert files[1].name == "02_постановление.pdf"
    logged = caplog.text
    assert CANARY not in logged and "Ерлан" not in logged
    assert str(witness.user.id) not in logged


async def test_changing_an_answer_on_review_drops_the_branch_no_longer_taken(
    standin: BotApiStandin,
    database_url: str,
    db: Database,
    reviewer_key: ReviewerPrivateKey,
    tmp_path: Path,
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness()
        await witness.command("/start")
        for code in (
            "en",
            "yes",
            "detention",
            "self",
            "today",
            "astana",
            "skipped",
            "police",
            "done",
            "still_held",
            "sizo",
            "skipped",
        ):
            await witness.tap(code)
        await witness.say("Held in SIZO")
        for code in ("yes", "reviewers", "done", "skipped", "no"):
            await witness.tap(code)
        review = witness.screen.text
        assert "Pre-trial prison" in review
        line = next(n for n in review.splitlines() if ". Situation now — " in n)
        await witness.act("e", "status_now")
        assert "Current answer: Still held" in witness.screen.text
        await witness.tap("released")
        assert "Pre-trial prison" not in witness.screen.text
        assert line.split(".")[0].isdigit()
        await witness.act("s")
    (case,) = await export(db, reviewer_key, tmp_path)
    assert case["answers"]["status_now"] == "released"
    assert "held_where" not in case["answers"]


async def test_an_alert_names_only_the_case_and_its_type(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        await bot.stop()
        reviewers = standin.group(-100777, "Reviewers")
        await reviewers.add_bot(standin.user(42, "Coordinator"))

        bot.with_config(
            reviewers=ReviewersConfig(
                public_keys=(reviewer_key.public.line,), alert_chat_id=-100777
            )
        )
        await bot.start()
        witness = bot.witness()
        await witness.command("/start")
        for code in ("en", "yes", "ill_treatment"):
            await witness.tap(code)
        await hurry(witness, text=CANARY)
        await witness.act("s")
        await reviewers.send_text(standin.user(42, "Coordinator"), "anything new?")
        await witness.settle()
        assert reviewers.bot_is_member, "the alert chat is the one group the bot stays in"
        alerts = reviewers.bot_messages()
        assert len(alerts) == 1
        text = alerts[0].text
        # In the alert chat's language, through the catalogs, as the chain head is posted
        assert ALERT_LANGUAGE == "ru"
        assert text.startswith("Получено новое сообщение: ") and text.endswith("(ill_treatment)")
        case_id = text.split(": ", 1)[1].split(" ", 1)[0]
        for lang, start in (("kk", "Жаңа хабарлама келді: "), ("en", "New case ")):
            with language(lang):
                shown = translate(NEW_CASE_ALERT).format(case_id=case_id, form="ill_treatment")
            assert shown == f"{start}{case_id} (ill_treatment)"
        assert CANARY not in text
