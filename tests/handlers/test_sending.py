"""The review, changing an answer on it, sending, the receipt, and adding to a sent report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.export import ExportFormat, ExportRequest, export_cases
from tests.handlers.conftest import HandlerBot, Witness

START = ("yes", "detention", "self", "today", "almaty", "skipped", "police", "done")
CLOSE = ("yes", "reviewers", "done", "none", "no")


async def at_review(bot: HandlerBot, status: tuple[str, ...] = ("released",)) -> Witness:
    """An English witness at the review of a short detention report."""
    witness = await bot.started((*START, *status))
    await witness.say("Мой собственный текст")
    for code in CLOSE:
        await witness.tap(code)
    return witness


async def exported(db: Database, key: ReviewerPrivateKey, folder: Path) -> list[dict[str, Any]]:
    """The cases as a reviewer opens them with their private key."""
    out = folder / "cases.jsonl"
    tally = await export_cases(db, key, ExportRequest(out, ExportFormat.JSONL))
    assert tally.ok, tally
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def receipt_code(witness: Witness) -> str:
    receipt = next(t for t in witness.texts() if t.startswith("Saved."))
    return receipt.split("Your receipt code:\n", 1)[1].split("\n", 1)[0].strip()


async def test_the_review_lists_the_answers_and_sending_seals_them(
    bot: HandlerBot, db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    # Given a witness at the review
    witness = await at_review(bot)
    review = witness.screen.text
    assert review.startswith("Almost done.")
    assert "Police" in review and "Мой собственный текст" in review
    # When they send, a receipt with a code replaces the review, then the wipe is offered
    await witness.act("s")
    assert len(receipt_code(witness)) == len("ABCD-EFGH-JKMN-PQRS")
    assert witness.screen.text.startswith("One more thing.")
    # And the reviewer opens exactly what was answered
    (case,) = await exported(db, reviewer_key, tmp_path)
    assert case["form"]["id"] == "detention" and case["language"] == "en"
    assert case["answers"]["narrative"] == "Мой собственный текст"
    assert case["answers"]["detained_by"] == ["police"]


async def test_once_sent_the_answers_leave_the_chat_and_the_receipt_stays(
    bot: HandlerBot,
) -> None:
    """A phone searched after sending shows the receipt, not a list of the answers, even if
    the witness declines the wipe."""
    witness = await at_review(bot)
    await witness.act("s")
    await witness.act("w", "no")
    shown = witness.texts()
    assert len([t for t in shown if t.startswith("Saved.")]) == 1
    assert not any("Police" in t or "Released" in t for t in shown), shown


async def test_changing_an_answer_on_review_drops_the_branch_no_longer_taken(
    bot: HandlerBot, db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    # Given a review where the person is still held, with the place of detention
    witness = await at_review(bot, status=("still_held", "sizo", "skipped"))
    assert "Pre-trial prison" in witness.screen.text
    # When the witness changes "the situation now" to released
    await witness.act("e", "status_now")
    assert "Current answer: Still held" in witness.screen.text
    await witness.tap("released")
    # Then the review no longer shows where they were held, nor does the sealed case
    assert witness.screen.text.startswith("Almost done.")
    assert "Pre-trial prison" not in witness.screen.text
    await witness.act("s")
    (case,) = await exported(db, reviewer_key, tmp_path)
    assert case["answers"]["status_now"] == "released"
    assert "held_where" not in case["answers"]


async def test_a_receipt_that_could_not_be_shown_is_shown_on_the_next_visit(
    bot: HandlerBot,
) -> None:
    """The case is sealed, then Telegram refuses the receipt: it must reach the witness later."""
    witness = await at_review(bot)
    for method in ("editMessageText", "sendMessage"):
        bot.standin.fail_next(method, "Forbidden: bot was blocked by the user", error_code=403)
    await witness.act("s")
    assert not any(t.startswith("Saved.") for t in witness.texts())
    await witness.command("/start")
    assert len([t for t in witness.texts() if t.startswith("Saved.")]) == 1
    await witness.command("/start")
    assert len([t for t in witness.texts() if t.startswith("Saved.")]) == 1, "and only once"


async def test_a_followup_with_a_file_is_sealed_to_the_right_case(
    bot: HandlerBot, db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    # Given a sent report and its receipt code
    witness = await at_review(bot)
    await witness.act("s")
    code = receipt_code(witness)
    # When another witness gives a wrong code, then the right one, a note and a file
    other = await bot.started(["yes"])
    await other.command("/followup", "AAAA-BBBB-CCCC-DDDD")
    assert other.screen.text.startswith("That code was not found.")
    await other.command("/followup", code.lower().replace("-", " "))
    assert other.screen.text.startswith("Found.")
    await other.say("Его перевели в СИЗО")
    await other.user.send_document(b"%PDF-1.4 court ruling", "ruling.pdf", "application/pdf")
    await other.settle()
    await other.act("f", "done")
    assert any(t.startswith("Saved.\nYour addition is sealed") for t in other.texts())
    # Then the addendum, with the file byte for byte, is linked to the original case
    cases = await exported(db, reviewer_key, tmp_path)
    original = next(c for c in cases if c["form"]["id"] == "detention")
    addendum = next(c for c in cases if c["form"]["id"] == "addendum")
    assert addendum["links"] == {"addendum_to": original["case_id"]}
    assert addendum["answers"] == {"notes": ["Его перевели в СИЗО"]}
    files = list((tmp_path / "kuager_attachments" / str(addendum["case_id"])).iterdir())
    assert [f.read_bytes() for f in files] == [b"%PDF-1.4 court ruling"]
