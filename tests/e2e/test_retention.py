"""A case's life on the server ends, end to end: a witness reports in Kazakh, a reviewer answers
and exports (acks), housekeeping purges the report once it is old enough — and the witness's
code still brings the status and the reply, while the server no longer holds the report.

The bot runs as in production (PTB over HTTP to the stand-in, a real database); the reviewer
runs the real `kuager` executable against the same database.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select

from standin import BotApiStandin
from storage.crypto.keys import ReviewerPrivateKey, lock_private_key
from storage.database import Database
from storage.models import Case, Purge
from tests.e2e.harness import running_bot
from tests.e2e.seizure import leaks, opened_rows
from tests.e2e.test_loop import (
    CODE,
    NEEDS_INFO_KK,
    PASSPHRASE,
    REPLY,
    kazakh_report,
    kuager,
    only_case,
)
from tests.e2e.test_seizure import run_housekeeping
from tests.storage.test_store import raw_database_bytes

PURGED_KK = "Бастапқы хабарламаңыз бұл серверде енді сақталмайды: ол тексерушілерде."


async def sealed_body(database_url: str, case_id: str) -> bytes:
    db = Database(database_url)
    try:
        async with db.reading() as session:
            found = await session.execute(select(Case.body).where(Case.id == case_id))
            return found.scalar_one()
    finally:
        await db.close()


def export_jsonl(with_key: tuple[str, ...], out: Path) -> tuple[str, ...]:
    return ("export", *with_key, "--format", "jsonl", "--out", str(out))


async def test_a_purged_case_verifies_as_purged_and_still_answers_followup(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    key_file = tmp_path / "alice.key"
    key_file.write_bytes(lock_private_key(reviewer_key, PASSPHRASE))
    with_key = ("--key", str(key_file), "--database", database_url)
    async with running_bot(standin, database_url, reviewer_key) as bot:
        # Given a witness who sent a report in Kazakh, a status and a reply from a reviewer
        witness, canaries, receipt = await kazakh_report(bot)
        found = CODE.search(receipt)
        assert found is not None
        code = found.group(0)
        case_id = await only_case(database_url)
        for args in (("status", case_id, "needs_info"), ("reply", case_id, "--text", REPLY)):
            done = kuager(args[0], *with_key, *args[1:], key=reviewer_key, cwd=tmp_path)
            assert done.returncode == 0, done.stderr

        # And housekeeping keeps it while no reviewer has fetched it, however old
        services = bot.services
        assert services is not None
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=91)
        services.clock = lambda: later
        await run_housekeeping(bot)
        body = await sealed_body(database_url, case_id)
        assert body != b""

        # When the reviewer exports it (on the live database: the export acks it there)
        out = tmp_path / "cases.jsonl"
        exported = kuager(*export_jsonl(with_key, out), key=reviewer_key, cwd=tmp_path)
        assert exported.returncode == 0, exported.stderr
        held = out.read_text(encoding="utf-8")
        assert all(c in held for c in canaries), "the reviewer holds the report"
        # And housekeeping runs, keep_days after it was received
        await run_housekeeping(bot)

        # Then verify reports it as purged, not missing
        verified = kuager("verify", "--database", database_url, key=reviewer_key, cwd=tmp_path)
        assert verified.returncode == 0, verified.stderr
        assert "1 purged" in verified.stdout and "chain intact" in verified.stdout

        # And the witness, back months later (the old session long erased), chooses a language
        # and consents again; then /followup shows the Kazakh status sentence, says plainly
        # that the report is with the reviewers, and shows the reply
        await witness.command("/start")
        for tapped in ("kk", "yes"):
            await witness.tap(tapped)
        before = len(witness.texts())
        await witness.command("/followup", code)
        after = witness.texts()[before:]
        assert any(
            t.startswith("Күйі.\n") and NEEDS_INFO_KK in t and PURGED_KK in t for t in after
        ), after
        assert any(t.startswith("Жауап: 1/1.") and REPLY in t for t in after), after
        assert witness.screen.text.startswith("Табылды.")

    # And the thief's view: the raw database holds neither the canaries nor the sealed report
    # they were in; even the reviewer's key opens nothing of it there any more
    raw = raw_database_bytes(database_url)
    for canary in canaries:
        assert canary.encode() not in raw
    assert body[-64:] not in raw, "the sealed report's bytes are gone, not only unlinked"
    again = tmp_path / "again.jsonl"
    after_purge = kuager(*export_jsonl(with_key, again), key=reviewer_key, cwd=tmp_path)
    assert after_purge.returncode == 0, after_purge.stderr
    assert again.read_text() == "" and "1 cases purged" in after_purge.stdout
    shown = kuager("show", *with_key, case_id, key=reviewer_key, cwd=tmp_path)
    assert shown.returncode == 2 and "was purged" in shown.stderr
    rows = await opened_rows(database_url, witness.user.id)
    assert leaks(rows, [code, case_id, REPLY, *canaries]) == []
    # And the tombstone names the reviewer key whose ack justified it, and no content
    db = Database(database_url)
    try:
        async with db.reading() as session:
            tombstone = await session.get(Purge, case_id)
    finally:
        await db.close()
    assert tombstone is not None
    ack_file = json.loads((tmp_path / "cases.jsonl.acks.json").read_text())
    assert ack_file["acks"][0]["secret"] in tombstone.acks.hex()
