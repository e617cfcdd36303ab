"""The reviewer's commands: keygen, export, wgeid, summary, verify, reseal. Each returns a status.

They run on a reviewer's own laptop against a copy of the sealed database (or on the server
for `verify`, which needs no key). Errors are one line on stderr, never a traceback, and
whatever came out of the database (a case id, a file name) is printed escaped: a forged case
must not be able to send escape sequences to the reviewer's terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
from collections.abc import Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot.passphrase import PassphraseUnavailable, read_passphrase
from bot.reaching import describe, place
from handlers.export_layout import REPORT_TYPES, export_layout
from handlers.summary_page import summary_fields, summary_html
from handlers.wgeid import NotMissingPerson, draft_submission
from storage import chain
from storage.cases import UnknownReceipt, case_for_receipt, derive_receipt, is_object_id
from storage.crypto.keys import (
    InvalidKeyFile,
    InvalidPublicKey,
    KeyKind,
    ReviewerPrivateKey,
    ReviewerPublicKey,
    WrongPassphrase,
    lock_private_key,
    unlock_private_key,
)
from storage.database import Database, DatabaseMissing, StorageUnavailable, UnsupportedDatabase
from storage.defuse import one_line
from storage.export import (
    ExportFormat,
    ExportRequest,
    ExportTally,
    OpenedCase,
    Selection,
    count_cases,
    export_cases,
    open_cases,
)
from storage.reseal import reseal
from storage.retention import AckFile, InvalidAckFile, ack_file_path, acked_by, record_acks
from storage.sameperson import export_column
from storage.summary import read_summary
from storage.summary_html import write_page
from storage.wgeid_docx import DraftNotWritten, check_target, write_submission

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
out = Console(highlight=False, soft_wrap=True, emoji=False)


def say(console: Console, message: str) -> None:
    """Print one line, escaped: no markup, no emoji codes, no control characters."""
    console.print(one_line(message), markup=False)


def fail(message: str, status: int = EXIT_USAGE) -> int:
    say(err, f"kuager: {message}")
    return status


def load_private_key(path: Path) -> ReviewerPrivateKey:
    """Read and unlock a key file; raises the storage.crypto.keys errors for the caller to word."""
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
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(lock_private_key(key, passphrase))
        public_path.write_text(key.public.line + "\n", encoding="ascii")
    except OSError as exc:
        return fail(f"cannot write the key: {exc}", EXIT_PROBLEM)
    say(err, f"private key (keep it on this machine): {private_path}")
    say(err, f"key id {key.public.key_id}; add this line to [reviewers] public_keys:")
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
    if args.type is not None and args.type not in REPORT_TYPES:
        return fail(f"unknown report type {args.type!r}; the types are: {', '.join(REPORT_TYPES)}")
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
        layout=export_layout(args.lang or "en"),
        attachments=not args.no_attachments,
        same_person=export_column,
    )
    return _run(_export(database_url, key, request, args.receipt, only_new=args.new), database_url)


async def _export(
    database_url: str,
    key: ReviewerPrivateKey,
    request: ExportRequest,
    receipt: str | None,
    *,
    only_new: bool = False,
) -> int:
    db = Database(database_url)
    try:
        if receipt is not None:
            try:
                found = derive_receipt(receipt)
                async with db.sessions() as session:
                    case_id = await case_for_receipt(session, found)
            except UnknownReceipt:
                return fail("no case has this receipt code; check it with the witness")
            request = replace(request, case_id=case_id)
        if only_new:
            async with db.reading() as session:
                known = await acked_by(session, key.public.key_id)
            request = replace(request, skip=known)
        # By receipt, every addition is opened to find the case's own: no total to show.
        total = None if receipt is not None else await count_cases(db, request.selection)
        columns = (
            TextColumn("decrypting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        # Off without a terminal: a script reading stderr gets only the lines below.
        bar = Progress(*columns, console=err, transient=True, disable=not err.is_terminal)
        with bar as progress:
            task = progress.add_task("export", total=total)
            try:
                tally = await export_cases(
                    db, key, request, progress=lambda n: progress.advance(task, n)
                )
            except OSError as exc:
                return fail(f"cannot write the export: {exc}", EXIT_PROBLEM)
        _summarise(tally, request)
        acked = await _write_acks(db, key, tally, request.out)
    finally:
        await db.close()
    return EXIT_OK if tally.ok and acked else EXIT_PROBLEM


async def _write_acks(
    db: Database, key: ReviewerPrivateKey, tally: ExportTally, export: Path
) -> bool:
    """Write the export's ack file, and record its acks on the database the export read.

    On a copy the record is harmless and the file is what counts: `kuager ack --database
    LIVE FILE` records it where housekeeping purges."""
    path = ack_file_path(export)
    try:
        AckFile(key.public.key_id, tally.acks).write(path)
    except OSError as exc:
        say(err, f"cannot write the ack file: {exc}")
        return False
    try:
        async with db.transaction() as session:
            recorded = await record_acks(session, tally.acks)
    except (StorageUnavailable, SQLAlchemyError):
        say(err, f"acks not recorded here; record them on the live database: kuager ack {path}")
        return True
    say(out, f"acks of {len(tally.acks)} cases written to {path}; {recorded.recorded} new here")
    if recorded.refused:
        # A key added by `reseal` has no lock on older cases: it reads them, it cannot ack them.
        say(
            err,
            f"{len(recorded.refused)} cases cannot be acked by this key (added after them)",
        )
    return True


def cmd_ack(args: argparse.Namespace, database_url: str) -> int:
    """Record on this database the acks an export (of a copy) wrote."""
    try:
        acks = AckFile.read(args.file)
    except FileNotFoundError:
        return fail(f"ack file {args.file} not found")
    except InvalidAckFile as exc:
        return fail(str(exc))
    return _run(_ack(database_url, acks), database_url)


async def _ack(database_url: str, acks: AckFile) -> int:
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            tally = await record_acks(session, acks.acks)
    finally:
        await db.close()
    say(
        out,
        f"key {acks.key_id}: {tally.recorded} cases acked, {tally.already} acked before",
    )
    for case_id in tally.refused:
        say(err, f"REFUSED: the ack of case {case_id[:80]} does not open its lock")
    return EXIT_PROBLEM if tally.refused else EXIT_OK


def _summarise(tally: ExportTally, request: ExportRequest) -> None:
    say(out, f"exported {tally.exported} cases to {request.out}")
    if tally.attachments:
        say(out, f"decrypted {tally.attachments} attachments")
    if tally.already:
        say(out, f"{tally.already} attachments already decrypted by an earlier export; kept")
    if not request.attachments:
        say(out, "attachments not decrypted (--no-attachments)")
    if tally.not_for_this_key:
        say(out, f"skipped {tally.not_for_this_key} cases not sealed to this key")
    if tally.skipped_known:
        say(out, f"skipped {tally.skipped_known} cases this key exported before (--new)")
    if tally.purged:
        say(out, f"{tally.purged} cases purged from the server: earlier exports hold them")
    for case_id in tally.tampered:
        # A forged id can be long as well as strange: name enough of it to find the row.
        say(err, f"TAMPERED: case {case_id[:80]} does not authenticate; skipped")
    for problem in tally.attachment_problems:
        say(err, f"TAMPERED: {problem}")
    for problem in tally.unwritable:
        say(err, f"SKIPPED: {problem}")


def cmd_wgeid(args: argparse.Namespace, database_url: str) -> int:
    """A WGEID submission draft (.docx) of one missing-person case."""
    case_id: str = args.case
    if not is_object_id(case_id):
        return fail(f"{case_id[:80]} is not a case id (they look like the ids in an export)")
    try:
        check_target(args.out, replace=args.force)
    except DraftNotWritten as exc:
        return fail(str(exc))
    key = _open_key(args.key)
    if isinstance(key, int):
        return key
    return _run(_wgeid(database_url, key, case_id, args.out, args.force), database_url)


async def _wgeid(
    database_url: str, key: ReviewerPrivateKey, case_id: str, target: Path, replace: bool
) -> int:
    case = await _open_one(database_url, key, case_id)
    if isinstance(case, int):
        return case
    answers = case.document.get("answers", {})
    try:
        submission = draft_submission(
            case.case_id, case.form_id, case.received_day, answers, dt.date.today()
        )
    except NotMissingPerson:
        return fail(
            f"case {case_id} is a {case.form_id[:40]} report; "
            "a WGEID draft is made only from a missing-person report"
        )
    try:
        write_submission(submission, target, replace=replace)
    except DraftNotWritten as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"cannot write the draft: {exc}", EXIT_PROBLEM)
    say(out, f"WGEID draft of case {case_id} written to {target}")
    if submission.urgent:
        say(out, "URGENT: last seen less than three months ago")
    for item in submission.missing:
        say(out, f"to complete: {item}")
    return EXIT_OK


async def _open_one(database_url: str, key: ReviewerPrivateKey, case_id: str) -> OpenedCase | int:
    """The one case with this id, decrypted; or the status after saying why not."""
    tally = ExportTally()
    db = Database(database_url)
    try:
        async with db.sessions() as session, session.begin():
            one = Selection(case_id=case_id, additions=False)
            found = [c async for c in open_cases(session, key, tally, one)]
    finally:
        await db.close()
    if tally.tampered:
        say(err, f"TAMPERED: case {case_id} does not authenticate")
        return EXIT_PROBLEM
    if not found:
        return fail(f"no case {case_id} that this key can open")
    return found[0]


def cmd_summary(args: argparse.Namespace, database_url: str) -> int:
    """The offline summary page (HTML with its charts inline) of every case the key opens."""
    target: Path = args.out
    if target.suffix.lower() not in (".html", ".htm"):
        return fail(f"{target.name} does not end in .html")
    if target.is_symlink():
        return fail(f"{target} is a symbolic link; give the path of a real file")
    key = _open_key(args.key)
    if isinstance(key, int):
        return key
    return _run(_summary(database_url, key, target, args.lang), database_url)


async def _summary(database_url: str, key: ReviewerPrivateKey, target: Path, lang: str) -> int:
    db = Database(database_url)
    try:
        summary, tally = await read_summary(db, key, summary_fields())
    finally:
        await db.close()
    try:
        write_page(target, summary_html(summary, lang, dt.date.today()))
    except OSError as exc:
        return fail(f"cannot write the summary: {exc}", EXIT_PROBLEM)
    say(out, f"summary of {summary.cases} cases written to {target}")
    if tally.not_for_this_key:
        say(out, f"skipped {tally.not_for_this_key} cases not sealed to this key")
    for case_id in tally.tampered:
        say(err, f"TAMPERED: case {case_id[:80]} does not authenticate; skipped")
    return EXIT_PROBLEM if tally.tampered else EXIT_OK


def cmd_verify(args: argparse.Namespace, database_url: str, min_reviewers: int = 1) -> int:
    try:
        head = chain.Head.parse(args.head) if args.head else None
    except chain.InvalidHead as exc:
        return fail(f"--head: {exc}")
    return _run(_verify(database_url, head, min_reviewers), database_url)


async def _verify(database_url: str, head: chain.Head | None, min_reviewers: int) -> int:
    db = Database(database_url)
    try:
        # A snapshot: verify may run beside the bot, and must neither block nor race it.
        report = await chain.verify_database(db, expected_head=head, min_reviewers=min_reviewers)
    finally:
        await db.close()
    events = f", {report.events} events" if report.events else ""
    purged = f", {report.purged} purged (reviewers hold them)" if report.purged else ""
    say(out, f"{report.links} links, {report.cases} cases{events}{purged}")
    if report.broken is not None:
        broken = report.broken
        where = f"link {broken.seq}" + (f" (case {broken.case_id})" if broken.case_id else "")
        say(err, f"BROKEN at {where}: {broken.reason}")
        return EXIT_PROBLEM
    say(out, f"chain intact; head {report.head}")
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
    return _run(_reseal(database_url, old_key, new_key), database_url)


async def _reseal(database_url: str, old: ReviewerPrivateKey, new: ReviewerPublicKey) -> int:
    db = Database(database_url)
    try:
        tally = await reseal(db, old, new)
    finally:
        await db.close()
    say(
        out,
        f"key {new.key_id} can now open {tally.added} more sealed objects "
        f"({tally.already} already open to it)",
    )
    for object_id in tally.damaged:
        say(err, f"TAMPERED: wrapped key of {object_id} does not open; skipped")
    say(out, "add the new key to [reviewers] public_keys so new cases reach it too")
    return EXIT_PROBLEM if tally.damaged else EXIT_OK


def _run(coroutine: Coroutine[Any, Any, int], database_url: str) -> int:
    """Run a command; whatever escapes it becomes one escaped line, not a traceback: status 2
    for a database that is not there (missing, unreachable), 1 for one that misbehaves."""
    try:
        return asyncio.run(coroutine)
    except (DatabaseMissing, UnsupportedDatabase) as exc:
        return fail(str(exc))
    except (OSError, StorageUnavailable) as exc:
        return fail(f"cannot reach the database at {place(database_url)}: {describe(exc)}")
    except DBAPIError as exc:
        # The driver's own words; SQLAlchemy's wrapper adds the statement and a web link.
        return fail(f"cannot read the database: {exc.orig}", EXIT_PROBLEM)
    except SQLAlchemyError as exc:
        return fail(f"cannot read the database: {exc}", EXIT_PROBLEM)
    except Exception as exc:
        # The CLI's one edge: a reviewer gets a line to report, never a traceback to paste
        # with case content in it.
        return fail(f"failed: {type(exc).__name__}: {exc}", EXIT_PROBLEM)
