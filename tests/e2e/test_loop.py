"""The loop closed, end to end: a witness reports in Kazakh, a reviewer answers in Russian
through `kuager`, and the witness reads it with the receipt code — and nobody else can.

The bot runs as in production (PTB over HTTP to the stand-in, a real database); the reviewer
runs the real `kuager` executable against the same database, as on a laptop with a copy.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from sqlalchemy import delete, select

from standin import BotApiStandin
from storage.cases import read_receipt
from storage.crypto.keys import ReviewerPrivateKey, lock_private_key
from storage.database import Database
from storage.events import witness_events
from storage.models import Case, Event
from tests.e2e.harness import RunningBot, Witness, running_bot
from tests.e2e.seizure import leaks, opened_rows
from tests.e2e.test_seizure import answer_with_canaries
from tests.e2e.test_wipe import wipe
from tests.storage.test_store import raw_database_bytes

KUAGER = shutil.which("kuager", path=str(Path(sys.executable).parent)) or "kuager"
PASSPHRASE = "a long test passphrase"
REPLY = "Здравствуйте. Скажите, какого числа и где именно его задержали?"
NOTE = "Проверить списки ИВС Алматы"
NEEDS_INFO_KK = "Тексерушілерге сізден қосымша ақпарат керек."
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def kuager(*args: str, key: ReviewerPrivateKey, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The reviewer's command as they run it, with the bot's reviewer key in a key file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUAGER_")}
    env["KUAGER_PASSPHRASE"] = PASSPHRASE
    env["KUAGER_REVIEWERS_PUBLIC_KEYS"] = key.public.line
    return subprocess.run(
        [KUAGER, *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        cwd=cwd,
        check=False,
    )


async def only_case(database_url: str) -> str:
    db = Database(database_url)
    try:
        async with db.reading() as session:
            (case_id,) = (await session.execute(select(Case.id))).scalars().all()
    finally:
        await db.close()
    return case_id


async def kazakh_report(bot: RunningBot) -> tuple[Witness, list[str], str]:
    """A detention report sent in Kazakh: the witness, its canaries, the receipt's text."""
    witness = bot.witness("kk")
    await witness.command("/start")
    for code in ("kk", "yes", "detention"):
        await witness.tap(code)
    canaries = await answer_with_canaries(witness, "KK")
    await witness.act("s")
    receipt = next(t for t in witness.texts() if t.startswith("Сақталды."))
    return witness, canaries, receipt


async def test_a_kazakh_witness_reads_a_russian_reply_that_nobody_else_can(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    key_file = tmp_path / "alice.key"
    key_file.write_bytes(lock_private_key(reviewer_key, PASSPHRASE))
    with_key = ("--key", str(key_file), "--database", database_url)
    async with running_bot(standin, database_url, reviewer_key) as bot:
        # Given a witness who sent a detention report in Kazakh and got a receipt that says
        # answers come back through the code, never pushed
        witness, canaries, receipt = await kazakh_report(bot)
        assert "тексерушілердің жауабын оқи аласыз" in receipt
        assert "Бот сізге өзі бірінші жазбайды" in receipt
        found = CODE.search(receipt)
        assert found is not None
        code = found.group(0)
        case_id = await only_case(database_url)

        # When a reviewer sets needs_info with a note, and replies in Russian, through kuager
        status = kuager(
            "status",
            *with_key,
            case_id,
            "needs_info",
            "--note",
            NOTE,
            key=reviewer_key,
            cwd=tmp_path,
        )
        assert status.returncode == 0, status.stderr
        reply = kuager("reply", *with_key, case_id, "--text", REPLY, key=reviewer_key, cwd=tmp_path)
        assert reply.returncode == 0, reply.stderr
        assert "witness's reply key" in reply.stdout
        reply_id = reply.stdout.split()[1]
        shown = kuager("show", *with_key, case_id, "--lang", "ru", key=reviewer_key, cwd=tmp_path)
        assert shown.returncode == 0, shown.stderr
        assert f"reply: {REPLY}" in shown.stdout and f"note: {NOTE}" in shown.stdout
        assert "status needs_info" in shown.stdout
        listed = kuager(
            "cases", *with_key, "--status", "needs_info", key=reviewer_key, cwd=tmp_path
        )
        assert listed.returncode == 0 and listed.stdout.startswith(case_id), listed

        # Then the witness's /followup shows the Kazakh status sentence and the reply, not the
        # note, and still offers to add information
        before = len(witness.texts())
        await witness.command("/followup", code)
        after = witness.texts()[before:]
        assert any(t.startswith("Күйі.\n") and NEEDS_INFO_KK in t for t in after), after
        assert any(t.startswith("Жауап: 1/1.") and REPLY in t for t in after), after
        assert not any(NOTE in t for t in after)
        assert witness.screen.text.startswith("Табылды.")

        # And the raw database holds neither the reply, nor the note, nor the status
        raw = raw_database_bytes(database_url)
        for secret in (REPLY, NOTE, "needs_info", NEEDS_INFO_KK):
            assert secret.encode() not in raw and secret.encode().hex().encode() not in raw

        # And a thief with the database, the config's draft key and the witness's id finds no
        # code in their row, and without the code no reply opens
        rows = await opened_rows(database_url, witness.user.id)
        assert leaks(rows, [code, case_id, REPLY, *canaries]) == []
        db = Database(database_url)
        try:
            async with db.reading() as session:
                guessed = await read_receipt("0000-0000-0000-0000")
                assert await witness_events(session, guessed, case_id) is None
        finally:
            await db.close()

        # And /delete wipes the status and the reply off the phone with everything else
        await wipe(witness)
        assert witness.user.visible_messages() == []

    # And when the reply's event row is deleted, verify fails and names an event
    assert (
        kuager("verify", "--database", database_url, key=reviewer_key, cwd=tmp_path).returncode == 0
    )
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            stored = (await session.execute(select(Event.id))).scalars().all()
            assert reply_id in stored and len(stored) == 3
            await session.execute(delete(Event).where(Event.id == reply_id))
    finally:
        await db.close()
    broken = kuager("verify", "--database", database_url, key=reviewer_key, cwd=tmp_path)
    assert broken.returncode == 1 and "event of this link was deleted" in broken.stderr
