"""/followup CODE shows the witness where their report stands and what reviewers answered."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.events import EventKind, append_event, case_access, status_event, text_event
from storage.models import Case
from tests.handlers.conftest import HandlerBot
from tests.handlers.test_sending import at_review, receipt_code

DAY = dt.date(2022, 1, 12)


async def answer(db: Database, key: ReviewerPrivateKey, *events: tuple[str, str]) -> None:
    """What `kuager status` and `kuager reply` write, in the order given."""
    async with db.transaction() as session:
        case_id = (await session.execute(select(Case.id))).scalar_one()
        access = await case_access(session, key, case_id)
        for kind, value in events:
            author = key.public.key_id
            event = (
                status_event(case_id, value, author, DAY)
                if kind == "status"
                else text_event(case_id, EventKind(kind), value, author, DAY)
            )
            await append_event(session, access, event, [key.public], today=DAY)


async def test_before_any_reviewer_acts_the_witness_reads_that_it_was_received(
    bot: HandlerBot,
) -> None:
    witness = await at_review(bot)
    await witness.act("s")
    code = receipt_code(witness)
    receipt = next(t for t in witness.texts() if t.startswith("Saved."))
    assert "read the reviewers' answers" in receipt and "never writes to you first" in receipt
    await witness.command("/followup", code)
    assert any(
        t == "Status.\nYour report has been received and is waiting for a reviewer."
        for t in witness.texts()
    )
    assert witness.screen.text.startswith("Found.")


async def test_the_newest_status_and_every_reply_oldest_first_never_a_note(
    bot: HandlerBot, db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    # Given a sent report a reviewer moved on twice, with two replies and a note between
    witness = await at_review(bot)
    await witness.act("s")
    code = receipt_code(witness)
    await answer(
        db,
        reviewer_key,
        ("status", "in_review"),
        ("reply", "First <b>question</b>"),
        ("note", "internal: check the lists"),
        ("status", "forwarded_lawyer"),
        ("reply", "Second"),
    )
    # When the witness comes back with the code
    before = len(witness.texts())
    await witness.command("/followup", code)
    shown = witness.texts()[before:]
    # Then the newest status, then each reply numbered, the reviewer's markup escaped
    assert shown[0] == "Status.\nYour report has been passed to a lawyer."
    assert shown[1].startswith("Reply 1 of 2.\nFrom the reviewers, January 12, 2022:")
    assert shown[1].endswith("\n\nFirst <b>question</b>"), "shown as typed, not as markup"
    assert shown[2].startswith("Reply 2 of 2.") and shown[2].endswith("Second")
    assert not any("internal" in t for t in shown)
    assert shown[-1].startswith("Found.")
