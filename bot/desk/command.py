"""`kuager desk`: unlock the key in the terminal, serve the desk on loopback, print its link.

The one-time link goes to standard output on a line of its own (scripts and tests read it);
everything else goes to standard error. When the desk locks itself after idle time, the
terminal asks for the passphrase again; where there is no terminal to ask on (the passphrase
came from KUAGER_PASSPHRASE), the desk stays locked until it is started again — a variable
that could unlock it forever would make the lock pointless.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path

from aiohttp import web

from bot.config import DeskConfig
from bot.desk.app import Desk, make_app
from bot.desk.guard import LOOPBACK, Gate
from bot.desk.vault import Vault
from bot.desk.visits import load_seen, save_seen, seen_path
from bot.passphrase import PassphraseUnavailable, read_passphrase
from bot.reviewer import EXIT_OK, _open_key, _run, err, fail, say
from storage.crypto.keys import (
    InvalidKeyFile,
    ReviewerPrivateKey,
    ReviewerPublicKey,
    WrongPassphrase,
    unlock_private_key,
)
from storage.database import Database


def cmd_desk(
    args: argparse.Namespace,
    database_url: str,
    settings: DeskConfig,
    reviewers: Sequence[ReviewerPublicKey],
) -> int:
    if not 0 <= args.port <= 65535:
        return fail("--port takes a number from 1 to 65535 (0: any free port)")
    key = _open_key(args.key)
    if isinstance(key, int):
        return key
    key_file = args.key.read_bytes()
    return _run(
        serve(
            database_url,
            key,
            port=args.port,
            lang=args.lang,
            settings=settings,
            reviewers=reviewers,
            open_browser=not args.no_browser,
            ask_again=_terminal_unlock(key_file) if sys.stdin.isatty() else None,
        ),
        database_url,
    )


def _terminal_unlock(key_file: bytes) -> Callable[[], ReviewerPrivateKey | None]:
    """Ask on the terminal until the passphrase opens the key; None if the reviewer gives up."""

    def ask() -> ReviewerPrivateKey | None:
        while True:
            try:
                passphrase = read_passphrase(confirm=False, env={}, interactive=True)
                return unlock_private_key(key_file, passphrase)
            except WrongPassphrase:
                say(err, "kuager: wrong passphrase; try again (Ctrl-C stops the desk)")
            except (InvalidKeyFile, PassphraseUnavailable, EOFError) as exc:
                say(err, f"kuager: cannot unlock: {exc}")
                return None

    return ask


async def serve(
    database_url: str,
    key: ReviewerPrivateKey,
    *,
    port: int,
    lang: str | None,
    settings: DeskConfig,
    reviewers: Sequence[ReviewerPublicKey],
    open_browser: bool,
    ask_again: Callable[[], ReviewerPrivateKey | None] | None,
) -> int:
    db = Database(database_url)
    seen_file = seen_path(Path(settings.state_dir), key.public.key_id)
    vault = Vault(
        db,
        idle_seconds=settings.idle_seconds,
        seen_before=load_seen(seen_file),
        reviewers=reviewers,
    )
    gate = Gate(lang) if lang else Gate()
    runner = web.AppRunner(make_app(Desk(gate, vault)), access_log=None)
    try:
        await vault.unlock(key)
        del key  # the vault holds it, and drops it when idle
        save_seen(seen_file, (c.case_id for c in vault.cases()))
        await runner.setup()
        # Loopback only, whatever the machine's other interfaces: nothing else may reach it.
        site = web.TCPSite(runner, LOOPBACK, port)
        await site.start()
        gate.port = _bound_port(runner)
        url = gate.login_url()
        say(err, f"kuager desk: {len(vault.cases())} cases; open the link below (it works once)")
        print(url, flush=True)
        if open_browser:
            await asyncio.to_thread(webbrowser.open, url)
        await _stay_open(vault, ask_again)
    finally:
        await runner.cleanup()
        await db.close()
    return EXIT_OK


def _bound_port(runner: web.AppRunner) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple):
            return int(address[1])
    raise OSError("the desk is not listening")


async def _stay_open(
    vault: Vault, ask_again: Callable[[], ReviewerPrivateKey | None] | None
) -> None:
    """Serve until interrupted; each time the vault locks, ask for the passphrase again."""
    locked = asyncio.Event()
    vault.on_lock.append(locked.set)
    while True:
        await locked.wait()
        locked.clear()
        if ask_again is None:
            say(err, "kuager desk: locked (idle or Lock now); start kuager desk again to unlock")
            continue
        say(
            err,
            "kuager desk: locked (idle or Lock now); type the passphrase to unlock",
        )
        key = await asyncio.to_thread(ask_again)
        if key is None:
            continue
        try:
            await vault.unlock(key)
        except Exception as exc:
            # The database may have gone away meanwhile: say so, stay locked, keep serving.
            vault.lock()
            say(err, f"kuager desk: cannot unlock: {type(exc).__name__}: {exc}")
            continue
        say(err, "kuager desk: unlocked; reload the page")
