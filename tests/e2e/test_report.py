"""A witness's whole report, as they would make it, and the case as a reviewer opens it."""

from __future__ import annotations

import json
from pathlib import Path

from bot.standin import BotApiStandin
from storage.database import Database
from storage.export import ExportFormat, ExportRequest, export_cases
from storage.keys import ReviewerPrivateKey
from tests.e2e.harness import running_bot

NARRATIVE = "Брата увели люди в штатском <b>возле</b> акимата & посадили в машину."


async def test_a_detention_report_from_start_to_export(
    standin: BotApiStandin,
    database_url: str,
    db: Database,
    reviewer_key: ReviewerPrivateKey,
    tmp_path: Path,
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        witness = bot.witness("ru")
        await witness.command("/start")
        for code in (
            "ru",
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
        await witness.say(NARRATIVE)
        for code in ("yes", "reviewers", "done", "none", "no"):
            await witness.tap(code)
        assert NARRATIVE in witness.screen.text, "the witness's words come back exactly"
        await witness.act("s")
        receipt = next(t for t in witness.texts() if t.startswith("Saved."))
        assert "/followup" in receipt

    out = tmp_path / "cases.jsonl"
    tally = await export_cases(db, reviewer_key, ExportRequest(out, ExportFormat.JSONL))
    assert tally.ok and tally.exported == 1
    case = json.loads(out.read_text("utf-8"))
    assert case["form"]["id"] == "detention" and case["language"] == "ru"
    answers = case["answers"]
    assert answers["narrative"] == NARRATIVE
    assert answers["detained_by"] == ["police"]
    assert answers["status_now"] == "released"
    assert answers["place"]["region"] == "almaty"
