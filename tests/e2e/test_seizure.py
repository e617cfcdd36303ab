"""A seized server and its config must not reveal who reported, or what, once a report is sent.

The thief holds the database (file and WAL, or PostgreSQL), the draft key and a witness's
Telegram id; `tests.e2e.seizure` does what they would. Every text answer carries a canary.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from standin import BotApiStandin
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.models import Case
from tests.conftest import on_postgres
from tests.e2e.harness import RunningBot, Witness, answer_codes, running_bot
from tests.e2e.seizure import carve, leaks, opened_rows, sqlite_files

SPECIAL = {"skipped", "dont_know", "prefer_not"}
PREFERRED = ("whereabouts_unknown", "beaten", "police", "today", "astana", "self")
"""Answers that lead to both linked reports and to every text question on the way."""
CONTENT_FREE = re.compile(
    rb'\{"language":"[a-z]{2}","stage":"menu","consented":true,"draft":null,"case_id":null,'
    rb'"receipt":null,'
)
"""How a row that holds nothing of a report begins (`Session.to_json` keeps this order)."""


def on_review(witness: Witness) -> bool:
    return any(d and d.split("|")[1] == "s" for row in witness.screen.button_data for d in row)


async def answer_with_canaries(witness: Witness, tag: str) -> list[str]:
    """Answer until the review, a canary in every text the bot takes; returns the canaries."""
    canaries: list[str] = []
    for _ in range(120):
        if on_review(witness):
            return canaries
        screen = witness.screen
        codes = answer_codes(screen)
        free = [c for c in codes if c not in SPECIAL and c != "done"]
        labels = " ".join(label for row in screen.buttons for label in row)
        if "done" in codes and ("✓" in labels or not free):
            await witness.tap("skipped" if "skipped" in codes and "✓" not in labels else "done")
        elif "yes" in codes and "no" in codes:
            await witness.tap("no")
        elif free:
            await witness.tap(next((c for c in PREFERRED if c in free), free[0]))
        else:
            canary = f"CANARY-{tag}-{len(canaries)}"
            header = screen.text.split("\n", 1)[0]
            await witness.say(canary)
            if witness.screen.text.startswith(header):  # not taken here (a number, say)
                await witness.tap(next(c for c in ("skipped", "dont_know") if c in codes))
            else:
                canaries.append(canary)
    raise AssertionError("the review never came")


async def sent_report(bot: RunningBot, tag: str) -> tuple[Witness, list[str], str]:
    """A detention sent in English; its canaries and the receipt code."""
    witness = bot.witness("en")
    await witness.command("/start")
    for code in ("en", "yes", "detention"):
        await witness.tap(code)
    canaries = await answer_with_canaries(witness, tag)
    assert len(canaries) >= 3, canaries
    await witness.act("s")
    receipt = next(t for t in witness.texts() if t.startswith("Saved."))
    code = receipt.split("Your receipt code:\n", 1)[1].split("\n", 1)[0].strip()
    assert witness.screen.text.startswith("There is one more thing you can do.")
    return witness, canaries, code


async def case_ids(database_url: str) -> list[str]:
    db = Database(database_url)
    try:
        async with db.reading() as session:
            return list((await session.execute(select(Case.id))).scalars())
    finally:
        await db.close()


async def assert_nothing_of_it_opens(
    database_url: str, witness: Witness, secrets: list[str]
) -> None:
    """Database + draft key + the witness's id: neither answers, nor case, nor code, nor a
    stage that says a report was sent."""
    rows = await opened_rows(database_url, witness.user.id)
    assert rows, "the witness's row (language, message ids) is there to open"
    everything = [*secrets, *await case_ids(database_url)]
    assert leaks(rows, everything) == []
    for row in rows:
        assert row.state["stage"] not in ("sent", "offer", "followup"), row.state["stage"]
        assert not {"carry", "offers", "group", "followup_case"} & set(row.state), row.state
    if not on_postgres():
        # And no version from before Send, in the database file or its WAL: one written
        # since (the menu, more message ids) may wait there for the next checkpoint.
        (current,) = rows
        carved = carve(sqlite_files(database_url), witness.user.id)
        earlier = [
            c
            for c in carved
            if c.nonce != current.nonce
            and (
                not CONTENT_FREE.match(c.plain)
                or any(secret.encode() in c.plain for secret in everything)
            )
        ]
        assert carved, "the carving finds the current row at least"
        assert earlier == [], [(c.where, c.offset, c.plain[:120]) for c in earlier]


@pytest.mark.parametrize("answer", ["unanswered", "declined", "accepted"])
async def test_after_send_the_drafts_hold_nothing_of_the_report(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey, answer: str
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        # Given a detention sent with a canary in every text answer, and linked reports offered
        witness, secrets, code = await sent_report(bot, "A")
        secrets.append(code)
        # When the offers are left, declined, or accepted and that report sent too
        if answer == "declined":
            while witness.screen.text.startswith("There is one more thing you can do."):
                await witness.tap("")
            assert any(d for row in witness.screen.button_data for d in row if d and "|w|" in d)
        elif answer == "accepted":
            await witness.tap("missing_person")
            secrets += await answer_with_canaries(witness, "B")
            await witness.act("s")
            second = [t for t in witness.texts() if t.startswith("Saved.")][-1]
            secrets.append(second.split("Your receipt code:\n", 1)[1].split("\n", 1)[0].strip())
        # Then nothing of what was sent opens with the draft key and the witness's id
        await assert_nothing_of_it_opens(database_url, witness, secrets)
        assert len(await case_ids(database_url)) == (2 if answer == "accepted" else 1)


async def test_the_offer_lives_in_memory_and_a_restart_forgets_it(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        # Given a sent report whose linked report is suggested
        witness, _secrets, _code = await sent_report(bot, "C")
        # When the bot restarts before the witness answers
        await bot.restart()
        await witness.tap("missing_person")
        # Then the suggestion is gone: the witness finds the menu, and may start it there,
        # its answers not carried over (asked again, from the first after consent)
        assert witness.screen.text.startswith("Ready.")
        await witness.tap("missing_person")
        assert "What is your connection to what happened?" in witness.screen.text


async def test_after_a_followup_the_drafts_hold_neither_case_nor_code_nor_notes(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        # Given a sent report, and a relative who holds its receipt code
        _witness, secrets, code = await sent_report(bot, "D")
        relative = bot.witness("en")
        await relative.command("/start")
        for code_ in ("en", "yes"):
            await relative.tap(code_)
        # When they add a note to it
        await relative.command("/followup", code)
        assert relative.screen.text.startswith("Found.")
        await relative.say("CANARY-NOTE-moved to SIZO")
        await relative.act("f", "done")
        assert any(t.startswith("Saved.\nYour addition is sealed") for t in relative.texts())
        # Then their row holds neither the case, nor its code, nor the note
        await assert_nothing_of_it_opens(database_url, relative, [*secrets, code, "CANARY-NOTE"])


async def run_housekeeping(bot: RunningBot) -> None:
    assert bot.app is not None and bot.app.job_queue is not None
    (job,) = bot.app.job_queue.jobs()
    await job.run(bot.app)


@pytest.mark.skipif(on_postgres(), reason="SQLite's WAL")
async def test_a_checkpoint_a_reader_held_back_is_done_by_housekeeping(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        # Given a reader holding an old snapshot while a report is sent (an export, say)
        reader = Database(database_url)
        try:
            async with reader.reading() as snapshot:
                await snapshot.execute(select(Case.id))
                witness, secrets, _code = await sent_report(bot, "E")
        finally:
            await reader.close()
        # Then the versions from before Send are still in the WAL: the checkpoint could not end
        versions = carve(sqlite_files(database_url), witness.user.id)
        assert any(b'"stage":"form"' in c.plain for c in versions)
        # When housekeeping runs, it checkpoints them away
        await run_housekeeping(bot)
        await assert_nothing_of_it_opens(database_url, witness, secrets)


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL's dead rows")
async def test_housekeeping_vacuums_the_dead_versions_of_drafts(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            await session.execute(text("CREATE EXTENSION IF NOT EXISTS pgstattuple"))

        async def dead_drafts() -> int:
            async with db.reading() as session:
                query = text("SELECT dead_tuple_count FROM pgstattuple('drafts')")
                return int((await session.execute(query)).scalar_one())

        async with running_bot(standin, database_url, reviewer_key) as bot:
            # Given a sent report: every answer left a dead version of the witness's row
            await sent_report(bot, "F")
            assert await dead_drafts() > 0
            # When housekeeping runs, they are vacuumed (their space free to be written over)
            await run_housekeeping(bot)
            assert await dead_drafts() == 0
    finally:
        await db.close()
