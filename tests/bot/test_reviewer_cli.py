"""The reviewer's commands as a reviewer runs them: the real `kuager` executable."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from storage import schema
from storage.cases import Receipt
from storage.crypto.envelope import case_header, parse_header
from storage.crypto.keys import ReviewerPublicKey
from storage.database import Database
from storage.models import Case
from tests.storage.cases import (
    NARRATIVES,
    addendum,
    detention,
    files_under,
    forge,
    forged_file,
    store,
    written_outside,
)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


KUAGER = shutil.which("kuager", path=str(Path(sys.executable).parent)) or "kuager"
PASSPHRASE = "a long test passphrase"


def kuager(
    *args: str, passphrase: str | None = PASSPHRASE, cwd: Path | None = None, umask: int = -1
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUAGER_")}
    if passphrase is not None:
        env["KUAGER_PASSPHRASE"] = passphrase
    return subprocess.run(
        [KUAGER, *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        cwd=cwd,
        umask=umask,
        check=False,
    )


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    for name, extra in (("alice", []), ("bob", ["--pq"])):
        result = kuager("keygen", "--out", str(folder), "--name", name, *extra)
        assert result.returncode == 0, result.stderr
    return folder


def public(keys: Path, name: str) -> ReviewerPublicKey:
    return ReviewerPublicKey.from_line((keys / f"{name}.pub").read_text())


def test_keygen_writes_a_locked_private_key_and_prints_the_public_line(keys: Path) -> None:
    private = keys / "alice.key"
    assert private.stat().st_mode & 0o777 == 0o600
    assert json.loads(private.read_text())["kdf"]["name"] == "argon2id"
    assert (keys / "bob.pub").read_text().startswith("kuager:mlkem768x25519:")
    again = kuager("keygen", "--out", str(keys), "--name", "alice")
    assert again.returncode == 2 and "exists already" in again.stderr


def test_keygen_without_terminal_or_passphrase_says_how(tmp_path: Path) -> None:
    result = kuager("keygen", "--out", str(tmp_path), passphrase=None)
    assert result.returncode == 2
    assert "KUAGER_PASSPHRASE" in result.stderr and "Traceback" not in result.stderr


async def test_export_round_trip_for_both_key_kinds(
    keys: Path, database_url: str, tmp_path: Path
) -> None:
    db = Database(database_url)
    try:
        await store(db, detention("kk"), [public(keys, "alice"), public(keys, "bob")])
    finally:
        await db.close()
    for name in ("alice", "bob"):
        out = tmp_path / f"{name}.csv"
        result = await asyncio.to_thread(
            kuager,
            "export",
            "--key",
            str(keys / f"{name}.key"),
            "--format",
            "csv",
            "--out",
            str(out),
            "--database",
            database_url,
        )
        assert result.returncode == 0, result.stderr
        assert "exported 1 cases" in result.stdout
        (row,) = read_csv(out.with_name(f"{name}_detention.csv"))
        assert row["What happened"] == NARRATIVES["kk"]


async def test_wrong_passphrase_is_one_line_and_status_2(
    keys: Path, database_url: str, tmp_path: Path
) -> None:
    result = await asyncio.to_thread(
        kuager,
        "export",
        "--key",
        str(keys / "alice.key"),
        "--out",
        str(tmp_path / "x.csv"),
        "--database",
        database_url,
        passphrase="not the passphrase",
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "kuager: wrong passphrase for this key file"
    assert not (tmp_path / "x.csv").exists()


async def export_and_verify_name_the_tampered_case(
    keys: Path, database_url: str, tmp_path: Path, good: Receipt, bad: Receipt
) -> None:
    """`export` skips and names the tampered case, `verify` names it; both exit 1."""
    result = await asyncio.to_thread(
        kuager,
        "export",
        "--key",
        str(keys / "alice.key"),
        "--format",
        "jsonl",
        "--out",
        str(tmp_path / "c.jsonl"),
        "--database",
        database_url,
    )
    assert result.returncode == 1
    assert f"TAMPERED: case {bad.case_id}" in result.stderr
    exported = [
        json.loads(line)["case_id"] for line in (tmp_path / "c.jsonl").read_text().splitlines()
    ]
    assert exported == [good.case_id]
    verified = await asyncio.to_thread(kuager, "verify", "--database", database_url)
    assert verified.returncode == 1
    assert f"BROKEN at link 2 (case {bad.case_id})" in verified.stderr


async def store_two_and_alter_the_second(
    keys: Path, database_url: str, alter: Callable[[bytes], dict[str, object]]
) -> tuple[Receipt, Receipt]:
    """Two sealed cases; then the second's row gets the columns `alter` makes of its body,
    as someone with write access to the database could do."""
    db = Database(database_url)
    try:
        good = await store(db, detention("ru"), [public(keys, "alice")])
        bad = await store(db, detention("en"), [public(keys, "alice")])
        async with db.transaction() as session:
            body = (
                await session.execute(select(Case.body).where(Case.id == bad.case_id))
            ).scalar_one()
            await session.execute(update(Case).where(Case.id == bad.case_id).values(alter(body)))
    finally:
        await db.close()
    return good, bad


async def test_tampered_case_fails_export_and_verify(
    keys: Path, database_url: str, tmp_path: Path
) -> None:
    good, bad = await store_two_and_alter_the_second(
        keys, database_url, lambda body: {"body": body[:-3] + b"xyz"}
    )
    await export_and_verify_name_the_tampered_case(keys, database_url, tmp_path, good, bad)


def relabelled(body: bytes) -> dict[str, object]:
    """The case's report type changed in its clear column only."""
    return {"form_id": "missing_person"}


def relabelled_with_its_header(body: bytes) -> dict[str, object]:
    """The case's report type changed in its clear column and in its body's clear header."""
    case_id, _, header_len = parse_header(body)
    return {
        "form_id": "missing_person",
        "body": case_header(case_id, "missing_person") + body[header_len:],
    }


@pytest.mark.parametrize("alter", [relabelled, relabelled_with_its_header])
async def test_a_case_relabelled_as_another_report_type_fails_export_and_verify(
    keys: Path, database_url: str, tmp_path: Path, alter: Callable[[bytes], dict[str, object]]
) -> None:
    # Given two sealed cases, the second relabelled in the database as another report type
    good, bad = await store_two_and_alter_the_second(keys, database_url, alter)
    # When the reviewer exports and verifies, then both name the relabelled case and exit 1
    await export_and_verify_name_the_tampered_case(keys, database_url, tmp_path, good, bad)


async def test_verify_reports_count_and_first_broken_link(keys: Path, database_url: str) -> None:
    db = Database(database_url)
    try:
        ids = [(await store(db, detention(), [public(keys, "alice")])).case_id for _ in range(3)]
        ok = await asyncio.to_thread(kuager, "verify", "--database", database_url)
        assert (
            ok.returncode == 0 and "3 links, 3 cases" in ok.stdout and "chain intact" in ok.stdout
        )
        async with db.transaction() as session:
            await session.execute(delete(Case).where(Case.id == ids[1]))
    finally:
        await db.close()
    broken = await asyncio.to_thread(kuager, "verify", "--database", database_url)
    assert broken.returncode == 1
    assert "3 links, 2 cases" in broken.stdout
    assert f"BROKEN at link 2 (case {ids[1]}): the case of this link was deleted" in broken.stderr


async def test_reseal_lets_a_new_reviewer_read_old_cases(
    keys: Path, database_url: str, tmp_path: Path
) -> None:
    db = Database(database_url)
    try:
        await store(db, detention("kk"), [public(keys, "alice")])
    finally:
        await db.close()
    new_dir = tmp_path / "newkeys"
    assert kuager("keygen", "--out", str(new_dir), "--name", "carol").returncode == 0
    before = await asyncio.to_thread(
        kuager,
        "export",
        "--key",
        str(new_dir / "carol.key"),
        "--out",
        str(tmp_path / "b.csv"),
        "--database",
        database_url,
    )
    assert "skipped 1 cases not sealed to this key" in before.stdout
    resealed = await asyncio.to_thread(
        kuager,
        "reseal",
        "--key",
        str(keys / "alice.key"),
        "--add",
        str(new_dir / "carol.pub"),
        "--database",
        database_url,
    )
    assert resealed.returncode == 0, resealed.stderr
    after = await asyncio.to_thread(
        kuager,
        "export",
        "--key",
        str(new_dir / "carol.key"),
        "--out",
        str(tmp_path / "a.csv"),
        "--database",
        database_url,
    )
    assert after.returncode == 0 and "exported 1 cases" in after.stdout
    (row,) = read_csv(tmp_path / "a_detention.csv")
    assert row["What happened"] == NARRATIVES["kk"]
    verified = await asyncio.to_thread(kuager, "verify", "--database", database_url)
    assert verified.returncode == 0, "reseal must not touch what the chain covers"


def test_a_bad_config_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[storage]\ndatabse_url = 'x'\n")
    result = kuager("verify", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "kuager: config: unknown setting storage.databse_url"


def test_run_refuses_to_start_half_configured(tmp_path: Path) -> None:
    result = kuager("run", cwd=tmp_path)
    assert result.returncode == 2
    # Every missing setting at once, one line each, so one round of fixing is enough.
    assert [line.split(" (")[0] for line in result.stderr.splitlines()] == [
        "kuager: config: telegram.token is not set",
        "kuager: config: reviewers.public_keys is empty",
        "kuager: config: security.draft_key is not set",
    ]
    (tmp_path / "config.toml").write_text("[telegram]\ntoken = '1:x'\n")
    result = kuager("run", cwd=tmp_path)
    assert "reviewers.public_keys is empty" in result.stderr and result.returncode == 2
    assert "telegram.token" not in result.stderr


def test_run_refuses_an_out_of_date_schema(keys: Path, tmp_path: Path) -> None:
    async def migrate_to_0002() -> None:
        db = Database(str(tmp_path / "old.db"), create=True)
        try:
            await schema.upgrade(db, "0002")
        finally:
            await db.close()

    asyncio.run(migrate_to_0002())
    line = (keys / "alice.pub").read_text().strip()
    (tmp_path / "config.toml").write_text(
        "[telegram]\ntoken = '1:x'\n"
        f"[reviewers]\npublic_keys = ['{line}']\n"
        f"[storage]\ndatabase_url = '{tmp_path / 'old.db'}'\n"
        "[security]\ndraft_key = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='\n"
    )
    result = kuager("run", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "kuager: config: database schema is at 0002, code needs "
        f"{schema.head_revision()}: run `kuager db upgrade`"
    ]


def export_command(keys: Path, out: Path, database_url: str, *extra: str) -> list[str]:
    key = str(keys / "alice.key")
    return ["export", "--key", key, "--out", str(out), "--database", database_url, *extra]


async def test_forged_cases_reach_neither_outside_the_export_nor_the_terminal(
    keys: Path, database_url: str, tmp_path: Path
) -> None:
    # Given cases forged with alice's public key alone: a file whose kind is a path, a
    # narrative with terminal escapes, a case id with a path and an escape in it
    alice = public(keys, "alice")
    db = Database(database_url)
    try:
        bashrc = await forged_file(db, alice, kind="../../../../../home/.bashrc")
        narrative = "\x1b]0;owned\x07\x1b[2J\u202eevil"
        good = await forge(db, alice, detention("kk", narrative=narrative, attachments=[bashrc]))
        other = await forged_file(db, alice)
        await forge(db, alice, detention(attachments=[other]), "../../\x1b[31mpwned")
    finally:
        await db.close()
    export = tmp_path / "laptop" / "export"
    export.mkdir(parents=True)
    before = files_under(tmp_path)
    # When alice exports them as a workbook, with a umask that would let anyone read
    out = export / "cases.xlsx"
    command = export_command(keys, out, database_url, "--format", "xlsx")
    result = await asyncio.to_thread(kuager, *command, umask=0)
    # Then the forged id is named, escaped, on one line; the export still exits 1
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "TAMPERED: case ../../\\x1b[31mpwned does not authenticate; skipped"
    ]
    assert "\x1b" not in result.stdout + result.stderr
    # And nothing was written outside the export; what was written is alice's alone
    assert written_outside(tmp_path, export, before) == set()
    case_folder = f"kuager_attachments/{good.case_id}"
    modes = {p.relative_to(export).as_posix(): p.stat().st_mode & 0o777 for p in export.rglob("*")}
    assert modes == {
        "cases.xlsx": 0o600,
        "cases.xlsx.acks.json": 0o600,
        "kuager_attachments": 0o700,
        case_folder: 0o700,
        f"{case_folder}/01_bashrc": 0o600,
    }


async def test_an_attachment_the_disk_refuses_is_one_line_and_status_1(
    keys: Path, database_url: str, tmp_path: Path
) -> None:
    alice = public(keys, "alice")
    db = Database(database_url)
    try:
        first = await forge(db, alice, detention("kk", attachments=[await forged_file(db, alice)]))
        second = await forge(db, alice, detention("ru", attachments=[await forged_file(db, alice)]))
    finally:
        await db.close()
    (tmp_path / "kuager_attachments" / first.case_id / "01_photo").mkdir(parents=True)
    command = export_command(keys, tmp_path / "c.csv", database_url)
    result = await asyncio.to_thread(kuager, *command)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"SKIPPED: {first.case_id}: attachment 1 (01_photo) cannot be written: Is a directory"
    ]
    assert "exported 2 cases" in result.stdout and "decrypted 1 attachments" in result.stdout
    assert (tmp_path / "kuager_attachments" / second.case_id / "01_photo").is_file()


async def test_no_attachments_exports_the_cases_and_decrypts_no_file(
    keys: Path, database_url: str, tmp_path: Path
) -> None:
    alice = public(keys, "alice")
    db = Database(database_url)
    try:
        await forge(db, alice, detention("kk", attachments=[await forged_file(db, alice)]))
    finally:
        await db.close()
    command = export_command(keys, tmp_path / "c.csv", database_url, "--no-attachments")
    result = await asyncio.to_thread(kuager, *command)
    assert result.returncode == 0, result.stderr
    assert "attachments not decrypted (--no-attachments)" in result.stdout
    assert not (tmp_path / "kuager_attachments").exists()
    (row,) = read_csv(tmp_path / "c_detention.csv")
    assert row["What happened"] == NARRATIVES["kk"] and row["Decrypted files"] == ""


def test_a_short_kuager_passphrase_makes_no_key(tmp_path: Path) -> None:
    result = kuager("keygen", "--out", str(tmp_path), "--name", "x", passphrase="123456789")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "kuager: KUAGER_PASSPHRASE is too short: use at least 10 characters"
    ]
    assert list(tmp_path.iterdir()) == []


async def test_errors_are_one_line_never_a_traceback(keys: Path, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"\x1b[2J not a database " * 100)
    for command in (
        ["verify", "--database", str(garbage)],
        export_command(keys, tmp_path / "c.csv", str(garbage)),
    ):
        result = await asyncio.to_thread(kuager, *command)
        assert result.returncode == 1, command
        (line,) = result.stderr.splitlines()
        assert line == "kuager: cannot read the database: file is not a database"
    missing = tmp_path / "no such folder" / "c.csv"
    db = tmp_path / "empty.db"
    assert kuager("db", "upgrade", "--database", str(db)).returncode == 0
    result = await asyncio.to_thread(kuager, *export_command(keys, missing, str(db)))
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("kuager: cannot write the export: [Errno 2] No such file or directory")


async def test_receipt_exports_the_case_a_witness_reads_out_with_its_additions(
    keys: Path, database_url: str, tmp_path: Path
) -> None:
    # Given the witness's case with an addition sent through /followup, and another case
    # with additions of its own: one sealed to alice, one to bob alone
    alice, bob = public(keys, "alice"), public(keys, "bob")
    db = Database(database_url)
    try:
        other = await store(db, detention("ru"), [alice])
        wanted = await store(db, detention("kk"), [alice])
        added = await store(db, addendum(wanted.case_id), [alice], today=dt.date(2022, 1, 21))
        await store(db, addendum(other.case_id), [alice], today=dt.date(2022, 1, 21))
        await store(db, addendum(other.case_id), [bob], today=dt.date(2022, 1, 21))
    finally:
        await db.close()
    # When alice exports by the code, read out over the phone: lower case, spaces, O for 0
    spoken = wanted.code.lower().replace("-", " ").replace("0", "o")
    out = tmp_path / "one.jsonl"
    command = export_command(keys, out, database_url, "--format", "jsonl", "--receipt", spoken)
    result = await asyncio.to_thread(kuager, *command)
    # Then the case comes with its addition, and nothing of the other case is said or written
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["case_id"] for line in out.read_text().splitlines()] == [
        wanted.case_id,
        added.case_id,
    ]
    assert result.stdout.splitlines()[0] == f"exported 2 cases to {out}"
    assert "skipped" not in result.stdout and result.stderr == ""
    wrong = export_command(keys, out, database_url, "--receipt", "0000-0000-0000-0000")
    refused = await asyncio.to_thread(kuager, *wrong)
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        "kuager: no case has this receipt code; check it with the witness"
    ]


def test_an_unknown_type_is_an_error_that_lists_the_types(tmp_path: Path) -> None:
    command = ["export", "--key", "x.key", "--out", str(tmp_path / "c.csv"), "--type", "detained"]
    result = kuager(*command, "--database", str(tmp_path / "none.db"))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "kuager: unknown report type 'detained'; the types are: "
        "detention, ill_treatment, missing_person, addendum"
    ]
    assert list(tmp_path.iterdir()) == [], "nothing written, no database made"


def test_the_readme_shows_every_export_option() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    shown = kuager("export", "--help").stdout
    options = {word for word in shown.split() if word.startswith("--") and word != "--help"}
    options = {option.strip("[],") for option in options}
    assert options >= {"--receipt", "--lang", "--type", "--no-attachments"}
    assert {option for option in options if option not in readme} == set()
