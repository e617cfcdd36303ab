"""The reviewers' casework: `kuager cases`, `show`, `status`, `note`, `reply` and `same`.

Each runs on a reviewer's laptop with their key (`--key`, passphrase from KUAGER_PASSPHRASE or
the terminal) against the database (`--database`). Reading decrypts with that key; writing
appends an event sealed to every reviewer key in the config and to the writer's own, and — for
a status or a reply — to the case's reply key, which the witness opens with the receipt code.
As in `bot.reviewer`, every line printed from the database is escaped and every failure is
one line: an unknown case, a bad status or a key the case is not sealed to is status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bot.reviewer import EXIT_OK, EXIT_PROBLEM, _open_key, _run, err, fail, out, say
from handlers.forms import wgeid_gaps
from handlers.labels import labeller
from storage.casefile import CaseFile, CaseQuery, flatten, list_cases, read_case
from storage.crypto.envelope import NotARecipient, TamperedCase
from storage.crypto.keys import ReviewerPrivateKey, ReviewerPublicKey
from storage.database import Database
from storage.events import (
    FOR_WITNESS,
    SAME_PERSON_KINDS,
    STATUSES,
    EventDocument,
    EventKind,
    InvalidEvent,
    PurgedCase,
    UnknownCase,
    append_event,
    case_access,
    same_person_event,
    status_event,
    text_event,
)
from storage.sameperson import SamePersonGroup

FIRST_WORDS = 8


def add_parsers(command: Callable[[str], argparse.ArgumentParser], database_help: str) -> None:
    """Declare the six subcommands (called by `bot.cli.build_parser`, which holds their
    help texts and makes each parser with `command`)."""

    def with_key(name: str) -> argparse.ArgumentParser:
        parser = command(name)
        parser.add_argument("--key", type=Path, required=True, help="your private key file")
        parser.add_argument("--database", help=database_help)
        return parser

    cases = with_key("cases")
    cases.add_argument("--status", help=f"only cases with this status ({', '.join(STATUSES)})")
    cases.add_argument("--type", help="only this report type (form id)")
    cases.add_argument("--since", help="only cases received on or after this day (YYYY-MM-DD)")
    cases.add_argument("--urgent", action="store_true", help="only cases flagged urgent")
    show = with_key("show")
    show.add_argument("case")
    show.add_argument("--lang", choices=("kk", "ru", "en"), help="answers as words")
    status = with_key("status")
    status.add_argument("case")
    status.add_argument("status", help=", ".join(STATUSES))
    status.add_argument("--note", help="a note for other reviewers, not for the witness")
    note = with_key("note")
    note.add_argument("case")
    note.add_argument("--text", help="the note (default: standard input)")
    reply = with_key("reply")
    reply.add_argument("case")
    reply.add_argument("--text", help="the reply (default: standard input)")
    same = with_key("same")
    same.add_argument("case")
    same.add_argument("others", nargs="+", metavar="OTHER", help="the other case ids")
    verdict = same.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--confirm", action="store_true", help="they concern one person")
    verdict.add_argument("--reject", action="store_true", help="they do not: never group them")


def _key(args: argparse.Namespace) -> ReviewerPrivateKey | int:
    """Unlock `--key`; an int is the exit status of a failure, already said."""
    return _open_key(args.key)


# --- reading ----------------------------------------------------------------------------------


def cmd_cases(args: argparse.Namespace, database_url: str) -> int:
    if args.status is not None and args.status not in STATUSES:
        return fail(f"unknown status {args.status!r}; one of: {', '.join(STATUSES)}")
    try:
        since = dt.date.fromisoformat(args.since) if args.since else None
    except ValueError:
        return fail("--since takes a date such as 2022-01-05")
    key = _key(args)
    if isinstance(key, int):
        return key
    query = CaseQuery(args.type, since, args.status, args.urgent)
    return _run(_cases(database_url, key, query), database_url)


async def _cases(database_url: str, key: ReviewerPrivateKey, query: CaseQuery) -> int:
    db = Database(database_url)
    try:
        found = await list_cases(db, key, query)
    finally:
        await db.close()
    for file in found.files:
        say(out, case_line(file, found.groups_of(file.case.case_id)))
    say(err, f"{len(found.files)} cases")
    for case_id in found.tally.tampered:
        say(err, f"TAMPERED: case {case_id[:80]} does not authenticate; skipped")
    return EXIT_PROBLEM if found.tally.tampered else EXIT_OK


def same_column(groups: Sequence[SamePersonGroup]) -> str:
    """`same?ID` for a suggested same-person group, `same=ID` for one a reviewer confirmed."""
    shown = [f"same{'=' if g.confirmed else '?'}{g.id}" for g in groups]
    return ",".join(shown) or "-"


def case_line(file: CaseFile, groups: Sequence[SamePersonGroup] = ()) -> str:
    """id, received day, type, status, urgent, missing UN elements, group, possible same
    person, first words."""
    case = file.case
    # Only reports whose form declares the UN-ready flag are measured against the WGEID list.
    gaps = ",".join(wgeid_gaps(file.answers)) if "un_ready" in file.flags else ""
    narrative = file.answers.get("narrative")
    words = narrative.split()[:FIRST_WORDS] if isinstance(narrative, str) else []
    fields = (
        case.case_id,
        case.received_day.isoformat(),
        case.form_id,
        file.status,
        "URGENT" if file.flags.get("urgent") else "-",
        f"missing:{gaps}" if gaps else "-",
        f"group:{file.group[:8]}" if file.group else "-",
        same_column(groups),
        " ".join(words) + ("…" if len(words) == FIRST_WORDS else ""),
    )
    return "  ".join(fields)


def cmd_show(args: argparse.Namespace, database_url: str) -> int:
    key = _key(args)
    if isinstance(key, int):
        return key
    return _run(_show(database_url, key, args.case, args.lang), database_url)


async def _show(database_url: str, key: ReviewerPrivateKey, case_id: str, lang: str | None) -> int:
    db = Database(database_url)
    try:
        file = await _guarded(read_case(db, key, case_id), case_id, key)
        groups = [] if isinstance(file, int) else (await list_cases(db, key, CaseQuery())).groups
    finally:
        await db.close()
    if isinstance(file, int):
        return file
    for line in show_lines(file, lang, [g for g in groups if case_id in g.case_ids]):
        say(out, line)
    forged = [e for e in file.events if not e.authentic]
    return EXIT_PROBLEM if forged else EXIT_OK


@dataclass(frozen=True)
class HistoryLine:
    day: dt.date
    order: int
    text: str


def show_lines(
    file: CaseFile, lang: str | None, groups: Sequence[SamePersonGroup] = ()
) -> list[str]:
    """The case as `kuager show` prints it: the report's answers, possible same-person
    groups, then the whole history."""
    case = file.case
    label = labeller(lang) if lang else None
    lines = [
        f"case {case.case_id}  {case.form_id}  received {case.received_day.isoformat()}  "
        f"language {case.document.get('language', '?')}  status {file.status}",
    ]
    if not file.has_reply_channel:
        lines.append("(sent before replies existed: the witness cannot read statuses or replies)")
    lines += _answers(case.form_id, file.answers, label)
    for group in groups:
        lines.append(_group_line(group, case.case_id))
    history = [HistoryLine(case.received_day, 0, "report received")]
    for addendum in file.addenda:
        notes = addendum.document.get("answers", {}).get("notes", [])
        files = len(addendum.document.get("attachments", []))
        text = " / ".join(str(n) for n in notes) if isinstance(notes, list) else ""
        history.append(HistoryLine(addendum.received_day, 1, f"follow-up ({files} files): {text}"))
    for order, event in enumerate(file.events, start=2):
        history.append(HistoryLine(event.day, order, _event_text(event.document, event.authentic)))
    lines.append("history:")
    lines += [
        f"  {h.day.isoformat()}  {h.text}" for h in sorted(history, key=lambda h: (h.day, h.order))
    ]
    return lines


def _answers(
    form_id: str, answers: dict[str, object], label: Callable[[str, str, str], str] | None
) -> list[str]:
    lines = []
    for column, value in flatten(answers).items():
        shown = label(form_id, column, value) if label else value
        lines.append(f"  {column}: {shown}")
    return lines


def _group_line(group: SamePersonGroup, case_id: str) -> str:
    others = sorted(group.case_ids - {case_id})
    reasons = sorted({r.value for m in group.members for r in m.reasons})
    verdict = "confirmed by a reviewer" if group.confirmed else "possible"
    return (
        f"same person ({verdict}, group {group.id}): cases {', '.join(others)}"
        f"  [{', '.join(reasons)}]"
    )


def _event_text(document: EventDocument | None, authentic: bool) -> str:
    if document is None:
        return "TAMPERED: an event that does not open with this key"
    who = f"key {document.author}"
    if document.kind in SAME_PERSON_KINDS:
        verdict = "confirmed" if document.kind is EventKind.SAME_PERSON else "rejected"
        text = f"{who}  {verdict} same person with {', '.join(document.others)}"
    elif document.kind is EventKind.STATUS:
        text = f"{who}  status {document.status}"
    else:
        text = f"{who}  {document.kind.value}: {document.text}"
    return text if authentic else f"FORGED (not written by a reviewer of this case): {text}"


# --- writing ----------------------------------------------------------------------------------


def cmd_status(
    args: argparse.Namespace, database_url: str, reviewers: Sequence[ReviewerPublicKey]
) -> int:
    if args.status not in STATUSES:
        return fail(f"unknown status {args.status!r}; one of: {', '.join(STATUSES)}")
    key = _key(args)
    if isinstance(key, int):
        return key
    today = _today()

    def events(case_id: str, author: str) -> list[EventDocument]:
        made = [status_event(case_id, args.status, author, today)]
        if args.note:
            made.append(text_event(case_id, EventKind.NOTE, args.note, author, today))
        return made

    return _run(_record(database_url, key, args.case, events, reviewers, today), database_url)


def cmd_same(
    args: argparse.Namespace, database_url: str, reviewers: Sequence[ReviewerPublicKey]
) -> int:
    """A reviewer's word on a same-person grouping, an event on CASE naming the others."""
    today = _today()
    try:
        same_person_event(args.case, args.others, args.confirm, "", today)
    except InvalidEvent as exc:
        return fail(str(exc))
    key = _key(args)
    if isinstance(key, int):
        return key

    def events(case_id: str, author: str) -> list[EventDocument]:
        return [same_person_event(case_id, args.others, args.confirm, author, today)]

    return _run(_record(database_url, key, args.case, events, reviewers, today), database_url)


def cmd_note(
    args: argparse.Namespace, database_url: str, reviewers: Sequence[ReviewerPublicKey]
) -> int:
    return _text_command(args, database_url, reviewers, EventKind.NOTE)


def cmd_reply(
    args: argparse.Namespace, database_url: str, reviewers: Sequence[ReviewerPublicKey]
) -> int:
    return _text_command(args, database_url, reviewers, EventKind.REPLY)


def _text_command(
    args: argparse.Namespace,
    database_url: str,
    reviewers: Sequence[ReviewerPublicKey],
    kind: EventKind,
) -> int:
    text = args.text if args.text is not None else _read_text(kind)
    today = _today()
    try:
        # Checked before the passphrase is asked: a bad text costs nothing.
        text_event("0" * 32, kind, text, "", today)
    except InvalidEvent as exc:
        return fail(str(exc))
    if sys.stdin.isatty() and not _confirmed(kind, text):
        return fail("nothing sent", EXIT_PROBLEM)
    key = _key(args)
    if isinstance(key, int):
        return key

    def events(case_id: str, author: str) -> list[EventDocument]:
        return [text_event(case_id, kind, text, author, today)]

    return _run(_record(database_url, key, args.case, events, reviewers, today), database_url)


def _read_text(kind: EventKind) -> str:
    if sys.stdin.isatty():
        say(err, f"type the {kind.value}, then Ctrl-D on a line of its own:")
    return sys.stdin.read()


def _confirmed(kind: EventKind, text: str) -> bool:
    """On a terminal: show the text back and ask before anything is sealed."""
    say(err, f"the {kind.value}, as it will be sealed:")
    for line in text.strip().splitlines():
        say(err, f"  | {line}")
    to = "the witness and every reviewer" if kind is EventKind.REPLY else "every reviewer"
    err.print(f"Send it to {to}? [y/N] ", end="", markup=False)
    try:
        with open("/dev/tty", encoding="utf-8") as tty:
            answer = tty.readline()
    except OSError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


MakeEvents = Callable[[str, str], list[EventDocument]]


async def _record(
    database_url: str,
    key: ReviewerPrivateKey,
    case_id: str,
    make: MakeEvents,
    reviewers: Sequence[ReviewerPublicKey],
    today: dt.date,
) -> int:
    recipients = recipients_for(reviewers, key)
    db = Database(database_url)
    try:
        written = await _guarded(
            append_events(db, key, case_id, make, recipients, today), case_id, key
        )
    finally:
        await db.close()
    if isinstance(written, int):
        return written
    for kind, event_id, witness in written:
        to = " and the witness's reply key" if witness else ""
        keys = len(recipients)
        say(out, f"{kind} {event_id} added to case {case_id}, sealed to {keys} reviewer keys{to}")
    if len(recipients) == 1:
        say(err, "only your key was configured: set [reviewers] public_keys so others read it too")
    return EXIT_OK


async def append_events(
    db: Database,
    key: ReviewerPrivateKey,
    case_id: str,
    make: MakeEvents,
    recipients: Sequence[ReviewerPublicKey],
    today: dt.date,
) -> list[tuple[str, str, bool]]:
    """Seal the events `make` writes for the case, in one transaction: (kind, id, to witness).

    The one way events are written: `kuager status/note/reply` and the desk's forms both call
    it. `NoReplyChannel` for a reply to a case sent before replies existed."""
    written = []
    async with db.transaction() as session:
        access = await case_access(session, key, case_id)
        events = make(case_id, key.public.key_id)
        if access.reply_key is None and any(e.kind is EventKind.REPLY for e in events):
            raise NoReplyChannel(case_id)
        for event in events:
            event_id = await append_event(session, access, event, recipients, today=today)
            witness = access.reply_key is not None and event.kind in FOR_WITNESS
            written.append((event.kind.value, event_id, witness))
    return written


class NoReplyChannel(Exception):
    """The case was sent before reply channels: no witness key to seal a reply to."""


def recipients_for(
    reviewers: Iterable[ReviewerPublicKey], key: ReviewerPrivateKey
) -> list[ReviewerPublicKey]:
    """Every configured reviewer key, and always the writer's own."""
    keys = {k.key_id: k for k in reviewers}
    keys.setdefault(key.public.key_id, key.public)
    return list(keys.values())


T = TypeVar("T")


async def _guarded(work: Awaitable[T], case_id: str, key: ReviewerPrivateKey) -> T | int:
    """Await `work`, turning the expected failures into one line and an exit status."""
    try:
        return await work
    except PurgedCase:
        return fail(
            f"case {case_id[:80]} was purged from the server once reviewers held it: "
            "read it in your export"
        )
    except UnknownCase:
        return fail(f"no case {case_id[:80]}")
    except NotARecipient:
        return fail(f"case {case_id[:80]} is not sealed to key {key.public.key_id}")
    except TamperedCase:
        return fail(f"TAMPERED: case {case_id[:80]} does not authenticate", EXIT_PROBLEM)
    except NoReplyChannel:
        return fail(
            f"case {case_id[:80]} was sent before replies existed: the witness has no key for one"
        )
