"""`kuager desk` through its real entry point: the link on stdout, loopback only, one use."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from storage.crypto.keys import ReviewerPrivateKey, lock_private_key
from storage.database import Database
from tests.bot.test_reviewer_cli import KUAGER, PASSPHRASE
from tests.conftest import FAST_KDF
from tests.storage.cases import detention, store

NARRATIVE = "Сотталмаған, бірақ ұсталған. CANARY-desk-5150"


@pytest.fixture
def key_file(tmp_path: Path, reviewer_key: ReviewerPrivateKey) -> Path:
    path = tmp_path / "reviewer.key"
    path.write_bytes(lock_private_key(reviewer_key, PASSPHRASE, FAST_KDF))
    return path


def desk_env(tmp_path: Path, passphrase: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUAGER_")}
    env["KUAGER_PASSPHRASE"] = passphrase
    env["KUAGER_DESK_STATE_DIR"] = str(tmp_path / "state")
    return env


@pytest.fixture
async def desk_process(
    tmp_path: Path,
    key_file: Path,
    database_url: str,
    db: Database,
    reviewer_key: ReviewerPrivateKey,
) -> AsyncIterator[str]:
    await store(db, detention("kk", narrative=NARRATIVE), [reviewer_key.public])
    process = await asyncio.create_subprocess_exec(
        KUAGER,
        "desk",
        "--key",
        str(key_file),
        "--database",
        database_url,
        "--no-browser",
        "--lang",
        "kk",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=desk_env(tmp_path, PASSPHRASE),
    )
    assert process.stdout is not None
    line = (await asyncio.wait_for(process.stdout.readline(), 120)).decode().strip()
    try:
        yield line
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 60)


async def test_the_link_is_printed_alone_and_opens_the_desk_once(
    desk_process: str, tmp_path: Path
) -> None:
    url = desk_process
    assert url.startswith("http://127.0.0.1:") and "/open/" in url and " " not in url
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        async with client.get(url) as response:
            page = await response.text()
            assert response.status == 200 and NARRATIVE[:20] in page
            assert 'lang="kk"' in page
        async with aiohttp.ClientSession() as stranger, stranger.get(url) as again:
            assert again.status == 403, "the link works once"
    seen = files_in(tmp_path / "state")
    assert len(seen) == 1 and seen[0].stat().st_mode & 0o777 == 0o600
    assert NARRATIVE.encode() not in seen[0].read_bytes(), "ids only"


def files_in(folder: Path) -> list[Path]:
    return list(folder.iterdir())


async def test_it_listens_on_loopback_only(
    desk_process: str,
) -> None:
    port = int(desk_process.split(":")[2].split("/")[0])
    addresses = listening(port)
    assert addresses and all(a.startswith("0100007F:") for a in addresses), addresses


def listening(port: int) -> list[str]:
    """Local addresses (hex, as the kernel lists them) of IPv4 and IPv6 sockets on `port`."""
    rows = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as f:
            rows += [line.split()[1] for line in f.readlines()[1:]]
    return [r for r in rows if r.endswith(f":{port:04X}")]


async def test_a_wrong_passphrase_is_one_line_and_no_link(
    tmp_path: Path, key_file: Path, database_url: str
) -> None:
    process = await asyncio.create_subprocess_exec(
        KUAGER,
        "desk",
        "--key",
        str(key_file),
        "--database",
        database_url,
        "--no-browser",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=desk_env(tmp_path, "not the passphrase"),
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 2
    assert out == b"" and err.decode().strip() == "kuager: wrong passphrase for this key file"
