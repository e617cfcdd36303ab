"""The reviewer's commands: keygen, export, verify, reseal. Each returns an exit status.

They run on a reviewer's own laptop against a copy of the sealed database (or on the server
for `verify`, which needs no key). Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.passphrase import PassphraseUnavailable, read_passphrase
from handlers.labels import labeller
from storage import chain
from storage.database import Database
from storage.export import ExportFormat, ExportRequest, count_cases, export_cases
from storage.keys import (
    InvalidKeyFile,
    InvalidPublicKey,
    KeyKind,
    ReviewerPrivateKey,
    ReviewerPublicKey,
    WrongPassphrase,
    lock_private_key,
    unlock_private_key,
)
from storage.reseal import reseal

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def fail(message: str, status: int = EXIT_USAGE) -> int:
    err.print(f"kuager: {message}", markup=False)
    return status


def load_private_key(path: Path) -> ReviewerPrivateKey:
    """Read and unlock a key file; raises the storage.keys errors for the caller to word."""
    contents = path.read_bytes()
    return unlock_private_key(contents, read_passphrase(confirm=False))


def cmd_keygen(args: argparse.Namespace) -> int:
    out_dir: Path = args.out
    private_path, public_path = out_dir / f"{args.name}.key", out_dir / f"{args.name}.pub"
    if private_path.exists() or public_path.exists():
        return fail(f"{private_path} or {public_path} exists already; choose another --name")
    try:
        passphrase = read_passphrase(confirm=True)
    except PassphraseUnavailable as exc:
        return fail(str(exc))
    key = ReviewerPrivateKey.generate(KeyKind.MLKEM768_X25519 if args.pq else KeyKind.X25519)
    out_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(lock_private_key(key, passphrase))
    public_path.write_text(key.public.line + "\n", encoding="ascii")
    err.print(f"private key (keep it on this machine): {private_path}", markup=False)
    err.print(
        f"key id {key.public.key_id}; add this line to [reviewers] public_keys:", markup=False
    )
    print(key.public.line)
    return EXIT_OK


def _open_key(path: Path) -> ReviewerPrivateKey | int:
    try:
        return load_private_key(path)
    except FileNotFoundError:
        return fail(f"key file {path} not found")
    except WrongPassphrase:
        return fail("wrong passphrase for this key file")
    except (InvalidKeyFile, PassphraseUnavailable) as exc:
        return fail(str(exc))


def cmd_export(args: argparse.Namespace, database_url: str) -> int:
    key = _open_key(args.key)
    if isinstance(key, int):
        return key
    since = None
    if args.since:
        try:
            since = dt.date.fromisoformat(args.since)
        except ValueError:
            return fail("--since takes a date such as 2022-01-05")
    request = ExportRequest(
        out=args.out,
        format=ExportFormat(args.format),
        form_id=args.type,
        since=since,
        labeller=labeller(args.lang) if args.lang else None,
    )
    return _run(_export(database_url, key, request))


async def _export(database_url: str, key: ReviewerPrivateKey, request: ExportRequest) -> int:
    db = Database(database_url)
    try:
        total = await count_cases(db, request.form_id, request.since)
        columns = (
            TextColumn("decrypting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=err, transient=True) as progress:
            task = progress.add_task("export", total=total)
            tally = await export_cases(
                db, key, request, progress=lambda n: progress.advance(task, n)
            )
    finally:
        await db.close()
    out.print(f"exported {tally.exported} cases to {request.out}", markup=False)
    if tally.attachments:
        out.print(f"decrypted {tally.attachments} attachments", markup=False)
    if tally.not_for_this_key:
        out.print(f"skipped {tally.not_for_this_key} cases not sealed to this key", markup=False)
    for case_id in tally.tampered:
        err.print(f"TAMPERED: case {case_id} does not authenticate; skipped", markup=False)
    for problem in tally.attachment_problems:
        err.print(f"TAMPERED: {problem}", markup=False)
    return EXIT_OK if tally.ok else EXIT_PROBLEM


def cmd_verify(args: argparse.Namespace, database_url: str) -> int:
    return _run(_verify(database_url, args.head))


async def _verify(database_url: str, head: str | None) -> int:
    db = Database(database_url)
    try:
        async with db.sessions() as session:
            report = await chain.verify(session, expected_head=head)
    finally:
        await db.close()
    out.print(f"{report.links} links, {report.cases} cases", markup=False)
    if report.broken is not None:
        broken = report.broken
        where = f"link {broken.seq}" + (f" (case {broken.case_id})" if broken.case_id else "")
        err.print(f"BROKEN at {where}: {broken.reason}", markup=False)
        return EXIT_PROBLEM
    out.print(f"chain intact; head {report.head}", markup=False)
    return EXIT_OK


def cmd_reseal(args: argparse.Namespace, database_url: str) -> int:
    try:
        new_key = ReviewerPublicKey.from_line(Path(args.add).read_text(encoding="ascii"))
    except FileNotFoundError:
        try:
            new_key = ReviewerPublicKey.from_line(args.add)
        except InvalidPublicKey as exc:
            return fail(f"--add: {exc}")
    except InvalidPublicKey as exc:
        return fail(f"--add: {exc}")
    old_key = _open_key(args.key)
    if isinstance(old_key, int):
        return old_key
    return _run(_reseal(database_url, old_key, new_key))


async def _reseal(database_url: str, old: ReviewerPrivateKey, new: ReviewerPublicKey) -> int:
    db = Database(database_url)
    try:
        tally = await reseal(db, old, new)
    finally:
        await db.close()
    out.print(
        f"key {new.key_id} can now open {tally.added} more sealed objects "
        f"({tally.already} already open to it)",
        markup=False,
    )
    for object_id in tally.damaged:
        err.print(f"TAMPERED: wrapped key of {object_id} does not open; skipped", markup=False)
    out.print("add the new key to [reviewers] public_keys so new cases reach it too", markup=False)
    return EXIT_PROBLEM if tally.damaged else EXIT_OK


def _run(coroutine: Coroutine[Any, Any, int]) -> int:
    try:
        return asyncio.run(coroutine)
    except OSError as exc:
        return fail(f"cannot reach the database: {exc}", EXIT_PROBLEM)
