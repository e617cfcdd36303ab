"""The reviewers' casework commands as a reviewer runs them: the real `kuager` executable."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.casework import case_line
from storage.casefile import CaseFile
from storage.cases import CaseDocument, seal_case
from storage.database import Database
from storage.export import OpenedCase
from tests.bot.test_reviewer_cli import keys, kuager, public
from tests.storage.cases import detention, store

__all__ = ["keys"]  # the module-scoped key fixture, shared with the export tests


def with_key(keys: Path, database_url: str, name: str = "alice") -> tuple[str, ...]:
    return ("--key", str(keys / f"{name}.key"), "--database", database_url)


async def test_statuses_notes_and_replies_come_back_in_show_and_filter_cases(
    keys: Path, db: Database, database_url: str
) -> None:
    # Given two cases sealed to alice
    first = await store(db, detention("kk"), [public(keys, "alice")])
    second = await store(db, detention("ru"), [public(keys, "alice")])
    # When she sets a status with a note on one, and replies
    args = with_key(keys, database_url)
    status = kuager("status", *args, first.case_id, "needs_info", "--note", "ask the date")
    assert status.returncode == 0, status.stderr
    assert kuager("reply", *args, first.case_id, "--text", "Когда?").returncode == 0
    # Then `cases` lists both, one a line, and filters by status
    listed = kuager("cases", *args).stdout.splitlines()
    assert {line.split()[0] for line in listed} == {first.case_id, second.case_id}
    (line,) = kuager("cases", *args, "--status", "needs_info").stdout.splitlines()
    assert line.split()[:4] == [first.case_id, "2022-01-09", "detention", "needs_info"]
    assert kuager("cases", *args, "--type", "missing_person").stdout == ""
    assert kuager("cases", *args, "--urgent").stdout == ""
    # And `show` gives the whole history, oldest first, with the key id
    shown = kuager("show", *args, first.case_id, "--lang", "en").stdout
    history = shown.split("history:\n", 1)[1].splitlines()
    alice = public(keys, "alice").key_id
    assert history[0].endswith("report received")
    assert [h.split("  ", 3)[-1] for h in history[1:]] == [
        "status needs_info",
        "note: ask the date",
        "reply: Когда?",
    ]
    assert all(f"key {alice}" in h for h in history[1:])
    assert "detained_by: Plainclothes officers; Police" in shown


async def test_mistakes_are_one_line_and_status_2(
    keys: Path, db: Database, database_url: str
) -> None:
    case = await store(db, detention(), [public(keys, "alice")])
    args = with_key(keys, database_url)
    refused = {
        "unknown case": kuager("show", *args, "0" * 32),
        "bad status": kuager("status", *args, case.case_id, "found"),
        "empty reply": kuager("reply", *args, case.case_id),
        "wrong key": kuager(
            "note", *with_key(keys, database_url, "bob"), case.case_id, "--text", "x"
        ),
        "wrong passphrase": kuager("show", *args, case.case_id, passphrase="not the one at all"),
    }
    for what, result in refused.items():
        assert result.returncode == 2, (what, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, (what, result.stderr)
        assert "Traceback" not in result.stderr
    assert "not sealed to key" in refused["wrong key"].stderr
    assert "needs_info" in refused["bad status"].stderr


async def test_a_case_from_before_replies_takes_notes_and_statuses_but_no_reply(
    keys: Path, db: Database, database_url: str
) -> None:
    async with db.transaction() as session:
        # Sealed as before the reply channel: no reply key in the body, no channel row.
        case = await seal_case(session, detention(), [public(keys, "alice")], with_receipt=False)
    args = with_key(keys, database_url)
    refused = kuager("reply", *args, case.case_id, "--text", "Здравствуйте")
    assert refused.returncode == 2 and "before replies existed" in refused.stderr
    assert kuager("note", *args, case.case_id, "--text", "old case").returncode == 0
    assert "witness cannot read" in kuager("show", *args, case.case_id).stdout


def same_columns(listed: str) -> dict[str, str]:
    """Case id → the possible-same-person column of `kuager cases`."""
    return {line.split("  ")[0]: line.split("  ")[7] for line in listed.splitlines()}


async def test_a_reviewers_word_on_a_same_person_grouping_changes_what_cases_shows(
    keys: Path, db: Database, database_url: str
) -> None:
    # Given one man reported twice, in Kazakh and in Russian spelling, and someone else
    alice = [public(keys, "alice")]

    def about(name: str, language: str) -> CaseDocument:
        victim = {"name": name, "sex": "male", "age": 34}
        return detention(language, extra={"victims": [victim]})

    kazakh = await store(db, about("Махамбет Әбжан", "kk"), alice)
    russian = await store(db, about("Махамбет Абжан", "ru"), alice)
    other = await store(db, about("Ержан Нұрланов", "kk"), alice)
    args = with_key(keys, database_url)
    # Then `cases` suggests the two as one person, and not the third
    shown = same_columns(kuager("cases", *args).stdout)
    assert shown[kazakh.case_id].startswith("same?")
    assert shown[kazakh.case_id] == shown[russian.case_id] and shown[other.case_id] == "-"
    # When a reviewer confirms the grouping
    confirmed = kuager("same", *args, kazakh.case_id, russian.case_id, "--confirm")
    assert confirmed.returncode == 0, confirmed.stderr
    assert "same_person" in confirmed.stdout and "witness" not in confirmed.stdout
    # Then both show it confirmed, and `show` says so with the other case
    shown = same_columns(kuager("cases", *args).stdout)
    assert shown[kazakh.case_id].startswith("same=") and shown[russian.case_id].startswith("same=")
    detail = kuager("show", *args, kazakh.case_id).stdout
    assert "same person (confirmed by a reviewer, group" in detail
    assert f"cases {russian.case_id}" in detail
    assert f"confirmed same person with {russian.case_id}" in detail
    # When another reviewer's later word rejects it
    rejected = kuager("same", *args, russian.case_id, kazakh.case_id, "--reject")
    assert rejected.returncode == 0, rejected.stderr
    # Then `cases` no longer groups them
    shown = same_columns(kuager("cases", *args).stdout)
    assert shown == {kazakh.case_id: "-", russian.case_id: "-", other.case_id: "-"}
    # And a decision that names no other case is refused in one line
    alone = kuager("same", *args, kazakh.case_id, kazakh.case_id, "--confirm")
    assert alone.returncode == 2 and "other case" in alone.stderr


def test_a_case_line_names_the_missing_un_elements_and_urgency() -> None:
    document = {
        "answers": {"full_name": "Махамбет Әбжан", "narrative": "Кеше түнде үйінен алып кетті"},
        "flags": {"un_ready": False, "urgent": True},
        "links": {"group": "ab" * 16},
    }
    case = OpenedCase("c" * 32, "missing_person", dt.date(2022, 1, 9), document)
    fields = case_line(CaseFile(case)).split("  ")
    assert fields[:5] == ["c" * 32, "2022-01-09", "missing_person", "new", "URGENT"]
    assert fields[5].startswith("missing:") and "last_seen_when" in fields[5]
    assert fields[6] == "group:abababab" and fields[7] == "-"
    assert fields[8] == "Кеше түнде үйінен алып кетті"
