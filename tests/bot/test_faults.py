"""The faults a new operator meets, each one line on stderr with exit status 2, no traceback,
and nothing left behind: the real `kuager` executable, as an operator runs it."""

from __future__ import annotations

import argparse
import socket
import subprocess
from pathlib import Path

import pytest

from bot.cli import HELP, build_parser
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import async_url
from tests.bot.test_reviewer_cli import KUAGER
from tests.conftest import on_postgres
from tests.e2e.harness import DRAFT_KEY

NO_HOST = "nosuchhost.invalid"
"""RFC 6761 reserves .invalid: every resolver says "no such name" at once."""


def kuager(
    *args: str, env: dict[str, str] | None = None, cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KUAGER, *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "KUAGER_PASSPHRASE": "a long test passphrase", **(env or {})},
        stdin=subprocess.DEVNULL,
        timeout=120,
        cwd=cwd,
        check=False,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a fault, after checking its status and that it is alone."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    return line


def ready_env(key: ReviewerPrivateKey, **settings: str) -> dict[str, str]:
    """Everything `kuager run` needs but a reachable Telegram and database."""
    return {
        "KUAGER_TELEGRAM_TOKEN": "123456:TEST",
        "KUAGER_REVIEWERS_PUBLIC_KEYS": key.public.line,
        "KUAGER_SECURITY_DRAFT_KEY": DRAFT_KEY,
        "KUAGER_START_ATTEMPTS": "2",
        "KUAGER_START_MAX_WAIT_SECONDS": "0",
        **settings,
    }


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    folder = tmp_path / "keys"
    made = kuager("keygen", "--out", str(folder), "--name", "alice", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    return folder / "alice.key"


@pytest.mark.parametrize("command", ["run", "export", "verify", "reseal"])
def test_a_database_file_that_does_not_exist_is_refused_and_not_made(
    command: str, tmp_path: Path, key_file: Path, reviewer_key: ReviewerPrivateKey
) -> None:
    # Given a mistyped database path
    typo = tmp_path / "kuagr.db"
    arguments = {
        "run": [],
        "export": ["--key", str(key_file), "--out", str(tmp_path / "out.csv")],
        "verify": [],
        "reseal": ["--key", str(key_file), "--add", reviewer_key.public.line],
    }[command]
    database = [] if command == "run" else ["--database", str(typo)]
    # When the command runs on it
    result = kuager(
        command,
        *arguments,
        *database,
        env=ready_env(reviewer_key, KUAGER_STORAGE_DATABASE_URL=str(typo)),
        cwd=tmp_path,
    )
    # Then one line names the file and the command that creates one, and nothing was made
    assert one_line(result) == (
        f"kuager: database file {typo} does not exist; `kuager db upgrade` creates it"
    )
    assert not typo.exists()
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("command", [["db", "upgrade"], ["verify"]])
def test_an_sqlite_path_in_a_missing_folder_is_one_line(command: list[str], tmp_path: Path) -> None:
    path = tmp_path / "no-such-folder" / "kuager.db"
    result = kuager(*command, "--database", str(path), cwd=tmp_path)
    assert one_line(result) == (f"kuager: folder {path.parent} of database {path} does not exist")
    assert not path.parent.exists()


def test_only_db_upgrade_creates_a_database(tmp_path: Path) -> None:
    path = tmp_path / "kuager.db"
    result = kuager("db", "upgrade", "--database", str(path), cwd=tmp_path)
    assert result.returncode == 0 and path.is_file()
    verified = kuager("verify", "--database", str(path), cwd=tmp_path)
    assert verified.returncode == 0, verified.stderr


def test_postgres_urls_are_accepted_for_the_async_driver() -> None:
    assert async_url("postgres://u:p@db:5432/k") == "postgresql+asyncpg://u:p@db:5432/k"
    assert async_url("postgresql://u@db/k") == "postgresql+asyncpg://u@db/k"


@pytest.mark.skipif(not on_postgres(), reason="needs PostgreSQL (KUAGER_TEST_DATABASE_URL)")
def test_a_postgres_url_reaches_postgresql(database_url: str, tmp_path: Path) -> None:
    heroku_style = database_url.replace("postgresql://", "postgres://", 1)
    result = kuager("verify", "--database", heroku_style, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "chain intact" in result.stdout


def test_a_bad_log_level_is_one_line(tmp_path: Path, reviewer_key: ReviewerPrivateKey) -> None:
    (tmp_path / "config.toml").write_text('[logging]\nlevel = "LOUD"\n')
    result = kuager("run", env=ready_env(reviewer_key), cwd=tmp_path)
    assert one_line(result) == (
        "kuager: config: logging.level must be one of DEBUG, INFO, WARNING, ERROR"
    )


def test_an_unsupported_database_is_one_line(tmp_path: Path) -> None:
    result = kuager("verify", "--database", "mysql://db/kuager", cwd=tmp_path)
    assert one_line(result) == (
        "kuager: unsupported database 'mysql': use an SQLite path or postgresql://"
    )


@pytest.mark.parametrize("command", ["verify", "run"])
def test_a_database_host_name_typo_is_one_line(
    command: str, tmp_path: Path, reviewer_key: ReviewerPrivateKey
) -> None:
    url = f"postgresql://kuager@{NO_HOST}:5432/kuager"
    result = kuager(
        command, env=ready_env(reviewer_key, KUAGER_STORAGE_DATABASE_URL=url), cwd=tmp_path
    )
    lines = result.stderr.splitlines()
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert lines[-1].startswith(f"kuager: cannot reach the database at {NO_HOST}:5432: host name")
    if command == "run":
        # One log line for the try that is followed by another, then the verdict.
        assert "(after 2 tries)" in lines[-1]
        (retry,) = [line for line in lines if "start_retry" in line]
        assert "start_retry what=database attempt=1 problem='host name not found'" in retry


@pytest.mark.parametrize(
    ("host", "problem"), [(NO_HOST, "host name not found"), ("127.0.0.1", "connection refused")]
)
def test_telegram_unreachable_at_start_is_one_line(
    host: str, problem: str, tmp_path: Path, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    # Given a database that is there, and a Bot API that is not
    port = closed_port()
    env = ready_env(
        reviewer_key,
        KUAGER_STORAGE_DATABASE_URL=database_url,
        KUAGER_TELEGRAM_API_BASE_URL=f"http://{host}:{port}/bot",
    )
    # When the bot starts
    result = kuager("run", env=env, cwd=tmp_path)
    # Then it tried twice, logged the first try, and says why it gave up: no PTB retry loop
    # message, no unclosed aiohttp session, no traceback
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1] == f"kuager: cannot reach Telegram at {host}:{port}: {problem} (after 2 tries)"
    assert len([line for line in lines if "start_retry what=telegram attempt=1" in line]) == 1
    for noise in ("Traceback", "Failed run number", "Unclosed", "123456:TEST"):
        assert noise not in result.stderr


def test_every_problem_in_a_config_file_at_once(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        "[telegramm]\n[security]\ndraft_ttl_hours = 'soon'\n[logging]\nlevel = 'LOUD'\n"
        "[health]\nlisten = 'nine-thousand'\n"
    )
    result = kuager("verify", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "kuager: config: unknown section [telegramm]",
        "kuager: config: security.draft_ttl_hours must be a whole number",
        "kuager: config: logging.level must be one of DEBUG, INFO, WARNING, ERROR",
        "kuager: config: health.listen must be HOST:PORT, e.g. 127.0.0.1:9090, not 'nine-thousand'",
    ]


@pytest.mark.parametrize("where", ["before", "after"])
def test_config_works_before_or_after_the_subcommand(where: str, tmp_path: Path) -> None:
    config = tmp_path / "elsewhere.toml"
    config.write_text("[storage]\ndatabse_url = 'x'\n")
    option = ["--config", str(config)]
    argv = [*option, "verify"] if where == "before" else ["verify", *option]
    result = kuager(*argv, cwd=tmp_path)
    assert one_line(result) == "kuager: config: unknown setting storage.databse_url"


def test_kuager_alone_prints_help_and_version_is_known(tmp_path: Path) -> None:
    bare = kuager(cwd=tmp_path)
    assert bare.returncode == 0 and bare.stdout.startswith("usage: kuager")
    for name in HELP:
        assert name in bare.stdout
    version = kuager("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("kuager 0.")


def subcommand_help(command: str) -> str:
    """`kuager COMMAND --help` as argparse prints it, without starting a process per command."""
    parser = build_parser()
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return str(sub.choices[command].format_help())


@pytest.mark.parametrize("command", sorted(HELP))
def test_every_subcommand_help_says_what_it_reads_and_how_it_ends(command: str) -> None:
    text = " ".join(subcommand_help(command).split(" "))
    assert " ".join(HELP[command].description.split()[:3]) in " ".join(text.split())
    assert "KUAGER_CONFIG" in text and "exit status:" in text
    for code, _meaning in HELP[command].exits:
        assert f"\n  {code} " in text
    assert ("KUAGER_PASSPHRASE" in text) == HELP[command].passphrase


def test_help_shows_defaults() -> None:
    assert "(default: csv)" in subcommand_help("export")
    assert "(default: reviewer)" in subcommand_help("keygen")
