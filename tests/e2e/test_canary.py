"""The audit a thief would run: canaries a witness typed and sent, searched for everywhere the
running bot leaves bytes — the database file and its WAL (or a pg_dump), the logs at DEBUG,
and the temporary folder of the process — and, with the draft key and the witness's id (a
seizure of server and config), in every drafts row decrypted."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from standin import BotApiStandin
from storage.crypto.keys import ReviewerPrivateKey
from tests.e2e.seizure import leaks, opened_rows
from tests.e2e.test_crash import BotProcess, Phone, press_send, reply_to, tap
from tests.storage.test_store import raw_database_bytes

NAME = "Жанболат-CANARY-NAME"
STORY = "CANARY-STORY-7f31 увезли на белой машине"
FILE = b"CANARY-FILE-BYTES-" * 2000
FILE_NAME = "CANARY-FILENAME.pdf"


async def test_nothing_a_witness_sent_is_left_in_clear_anywhere(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    scratch = tmp_path / "process-tmp"
    scratch.mkdir()
    log = tmp_path / "bot.log"
    bot = BotProcess(standin, database_url, reviewer_key)
    bot.env.update(KUAGER_LOGGING_LEVEL="DEBUG", TMPDIR=str(scratch))
    witness = Phone(standin, 8_400_000_001)
    with log.open("wb") as sink:
        bot.process = await asyncio.create_subprocess_exec(
            *bot.command, env=bot.env, stdin=asyncio.subprocess.DEVNULL, stdout=sink, stderr=sink
        )
        await bot.wait_polling()
        await reply_to(witness, witness.send_command("/start"))
        for code in ("en", "yes", "detention", "self", "today", "almaty"):
            await tap(witness, code)
        await reply_to(witness, witness.send_text(f"{NAME}, улица Абая"))
        for code in ("police", "done", "released"):
            await tap(witness, code)
        await reply_to(witness, witness.send_text(STORY))
        for code in ("yes", "reviewers", "done", "none", "yes"):
            await tap(witness, code)
        await reply_to(witness, witness.send_text(NAME))
        for _ in range(4):
            await tap(witness, "skipped")
        await tap(witness, "no")
        for _ in range(10):
            await tap(witness, "skipped")
        await reply_to(witness, witness.send_document(FILE, FILE_NAME, "application/pdf"))
        await tap(witness, "done")
        await press_send(witness)
        await witness.wait_for_reply(timeout=15)
        await standin.wait_idle(quiet=0.3)
        await bot.kill(signal.SIGTERM)

    assert any(m.text.startswith("Saved.") for m in witness.bot_messages())
    logged = log.read_bytes()
    assert b"case_sealed form=detention" in logged, "the log records events"
    places = {
        "database": raw_database_bytes(database_url),
        "log": logged,
        **{f"tmp/{p.name}": p.read_bytes() for p in scratch.rglob("*") if p.is_file()},
    }
    for where, raw in places.items():
        for canary in (NAME, STORY.split()[0], FILE[:18].decode(), FILE_NAME, str(witness.id)):
            assert canary.encode() not in raw, f"{canary!r} found in {where}"
    assert os.listdir(scratch) == [], "the process left temporary files"
    opened = await opened_rows(database_url, witness.id)
    assert opened, "the witness's row is there, and opens"
    assert leaks(opened, [NAME, STORY.split()[0], FILE_NAME]) == []
