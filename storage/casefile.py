"""A case as a reviewer works on it: the report, its follow-ups and its events, decrypted.

Read on the reviewer's laptop for `kuager cases` and `kuager show`. Follow-ups are cases of
their own (form `addendum`) pointing at the report through `links.addendum_to`; events are
`storage.events`. Nothing here trusts the database: a forged event is marked, not hidden, and
a case that does not open is counted in the tally as export counts it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from storage.cases import ADDENDUM_FORM
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.events import (
    SAME_PERSON_KINDS,
    EventKind,
    OpenedEvent,
    UnknownCase,
    case_access,
    current_status,
    read_events,
)
from storage.export import ExportTally, OpenedCase, open_cases
from storage.sameperson import SamePersonGroup, people_of, possible_same_person


@dataclass(frozen=True)
class CaseFile:
    """One report with everything that followed it, oldest first."""

    case: OpenedCase
    events: Sequence[OpenedEvent] = ()
    addenda: Sequence[OpenedCase] = ()
    has_reply_channel: bool = False

    @property
    def status(self) -> str:
        """The newest status a reviewer of the case set: forged events do not count."""
        return current_status(self.events)

    @property
    def answers(self) -> dict[str, Any]:
        answers = self.case.document.get("answers", {})
        return answers if isinstance(answers, dict) else {}

    @property
    def flags(self) -> dict[str, Any]:
        flags = self.case.document.get("flags", {})
        return flags if isinstance(flags, dict) else {}

    @property
    def group(self) -> str:
        group = self.case.document.get("links", {}).get("group")
        return group if isinstance(group, str) else ""


@dataclass(frozen=True)
class CaseQuery:
    """The filters of `kuager cases`."""

    form_id: str | None = None
    since: dt.date | None = None
    status: str | None = None
    urgent: bool = False


@dataclass
class CaseList:
    files: list[CaseFile] = field(default_factory=list)
    tally: ExportTally = field(default_factory=ExportTally)
    groups: list[SamePersonGroup] = field(default_factory=list)
    """Possible same-person groups over every report this key opens (not only the listed
    ones), as reviewers' decisions leave them."""

    def groups_of(self, case_id: str) -> list[SamePersonGroup]:
        return [g for g in self.groups if case_id in g.case_ids]


def same_person_decisions(events: Iterable[OpenedEvent]) -> dict[frozenset[str], bool]:
    """Reviewers' confirmations and rejections among `events` (of any cases), in chain order
    so the newest word on a set of cases stands; forged events (not written by a reviewer of
    the case) do not count. `kuager cases/show` and the desk both read decisions here."""
    decided: list[tuple[int, frozenset[str], bool]] = []
    for event in events:
        doc = event.document
        if doc is None or not event.authentic or doc.kind not in SAME_PERSON_KINDS:
            continue
        cases = frozenset({doc.case_id, *doc.others})
        decided.append((event.seq or 0, cases, doc.kind is EventKind.SAME_PERSON))
    return {cases: same for _, cases, same in sorted(decided, key=lambda d: d[0])}


def same_person_groups(files: Sequence[CaseFile]) -> list[SamePersonGroup]:
    """The possible same-person groups among these reports, with reviewers' decisions."""
    people = [
        person
        for file in files
        for person in people_of(
            file.case.case_id,
            file.case.form_id,
            file.case.document,
            received_day=file.case.received_day,
        )
    ]
    decisions = same_person_decisions(event for file in files for event in file.events)
    return possible_same_person(people, decisions=decisions or None)


def _addendum_to(case: OpenedCase) -> str | None:
    if case.form_id != ADDENDUM_FORM:
        return None
    target = case.document.get("links", {}).get("addendum_to")
    return target if isinstance(target, str) else None


async def list_cases(db: Database, key: ReviewerPrivateKey, query: CaseQuery) -> CaseList:
    """Every report this key opens that matches `query`, oldest first, with its events."""
    found = CaseList()
    reports: list[OpenedCase] = []
    addenda: dict[str, list[OpenedCase]] = {}
    files: list[CaseFile] = []
    async with db.snapshot() as session:
        async for case in open_cases(session, key, found.tally):
            target = _addendum_to(case)
            if target is not None:
                addenda.setdefault(target, []).append(case)
            else:
                reports.append(case)
        for case in reports:
            access = await case_access(session, key, case.case_id)
            events = await read_events(session, key, case.case_id, access.auth_key)
            files.append(
                CaseFile(case, events, addenda.get(case.case_id, []), access.reply_key is not None)
            )
    # Grouped over every report: a match may be older than `--since` or of another type.
    found.groups = same_person_groups(files)
    found.files = [f for f in files if _matches(f, query)]
    return found


def _matches(file: CaseFile, query: CaseQuery) -> bool:
    if query.form_id is not None and file.case.form_id != query.form_id:
        return False
    if query.since is not None and file.case.received_day < query.since:
        return False
    if query.status is not None and file.status != query.status:
        return False
    return not (query.urgent and not file.flags.get("urgent"))


async def read_case(db: Database, key: ReviewerPrivateKey, case_id: str) -> CaseFile:
    """One report with its follow-ups and events: `UnknownCase`, or the envelope's
    `NotARecipient` / `TamperedCase`."""
    async with db.snapshot() as session:
        access = await case_access(session, key, case_id)
        tally = ExportTally()
        report: OpenedCase | None = None
        addenda: list[OpenedCase] = []
        async for case in open_cases(session, key, tally):
            if case.case_id == case_id:
                report = case
            elif _addendum_to(case) == case_id:
                addenda.append(case)
        if report is None:
            raise UnknownCase(f"case {case_id} does not open as a report")
        events = await read_events(session, key, case_id, access.auth_key)
    return CaseFile(report, events, addenda, access.reply_key is not None)


def flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """Nested answers as `victims.1.name` paths, lists of codes joined by `; ` (`kuager show`)."""
    if isinstance(value, Mapping):
        out: dict[str, str] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        if all(not isinstance(v, Mapping | list) for v in value):
            return {prefix: "; ".join(_scalar(v) for v in value)}
        out = {}
        for index, item in enumerate(value, start=1):
            out.update(flatten(item, f"{prefix}.{index}"))
        return out
    return {prefix: _scalar(value)}


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
