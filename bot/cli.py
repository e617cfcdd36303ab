"""The `kuager` command line: parsing and dispatch only; each subcommand returns a status."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from bot import casework, reviewer
from bot.config import Config, ConfigError, default_config_path, load_config
from handlers.i18n import LANGUAGES
from storage.crypto.drafts import DraftKeys
from storage.export import ExportFormat

DEMO_SYNTAX = """\
what you type (one line each; the same lines can be piped in as a script):
  3                 press button 3 of the newest buttons, when the question takes no
                    typed answer; where it does (an age, a date), 3 is sent as text
  =police           press the button whose answer code is "police"; =s presses Send and
                    =e the first Change, by their action letters (for scripts: these
                    work in every language)
  /start, /delete   commands, as in Telegram; /followup CODE adds to a sent report
  file PATH         send a file as a document; photo PATH sends it as a photo
  voice PATH        send a file as a voice message
  location 43.2 76.9
                    share a location
  anything else     a text message

example (a detention report about yourself, sent):
  printf '%s\\n' =yes =detention =self =today =astana =skipped =police =done \\
    =still_held =police_station =skipped 'They took him away' =yes =reviewers \\
    =done =skipped =no =s | kuager demo --lang en

a piped script that sends no report exits with status 1.
"""
"""How to play the demo (`kuager demo --help`); here, so help works without the stand-in."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kuager", description="Secure case intake for human-rights groups."
    )
    parser.add_argument(
        "--config", type=Path, help="config TOML (default: KUAGER_CONFIG or ./config.toml)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    keygen = sub.add_parser("keygen", help="make a reviewer key pair")
    keygen.add_argument("--out", type=Path, required=True, help="folder for NAME.key and NAME.pub")
    keygen.add_argument("--name", default="reviewer")
    keygen.add_argument("--pq", action="store_true", help="post-quantum hybrid ML-KEM-768 + X25519")

    export = sub.add_parser("export", help="decrypt cases sealed to your key")
    export.add_argument("--key", type=Path, required=True, help="your private key file")
    export.add_argument(
        "--format", choices=[f.value for f in ExportFormat], default=ExportFormat.CSV.value
    )
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--type", help="only this report type (form id)")
    export.add_argument("--since", help="only cases received on or after this day (YYYY-MM-DD)")
    export.add_argument("--database", help="database URL or SQLite path (default: config)")
    export.add_argument(
        "--lang", choices=LANGUAGES, help="choice answers as words in this language"
    )
    export.add_argument(
        "--no-attachments", action="store_true", help="decrypt no files, only the cases"
    )
    export.add_argument(
        "--new", action="store_true", help="only cases this key has not exported (acked) before"
    )

    ack = sub.add_parser(
        "ack", help="record on the live database which cases an export of a copy fetched"
    )
    ack.add_argument("file", type=Path, help="the .acks.json file the export wrote")
    ack.add_argument("--database", help="database URL or SQLite path (default: config)")

    wgeid = sub.add_parser(
        "wgeid", help="draft a UN WGEID submission (.docx) from a missing-person case"
    )
    wgeid.add_argument("case", help="the case id, as in an export")
    wgeid.add_argument("--key", type=Path, required=True, help="your private key file")
    wgeid.add_argument("--out", type=Path, required=True, help="the .docx file to write")
    wgeid.add_argument("--force", action="store_true", help="replace the file if it exists")
    wgeid.add_argument("--database", help="database URL or SQLite path (default: config)")

    summary = sub.add_parser("summary", help="an offline HTML page of charts over your cases")
    summary.add_argument("--key", type=Path, required=True, help="your private key file")
    summary.add_argument("--out", type=Path, required=True, help="the .html file to write")
    summary.add_argument("--lang", choices=LANGUAGES, default="en", help="the page's language")
    summary.add_argument("--database", help="database URL or SQLite path (default: config)")

    verify = sub.add_parser("verify", help="check that no case was deleted, reordered or altered")
    verify.add_argument("--database", help="database URL or SQLite path (default: config)")
    verify.add_argument(
        "--head",
        help="a head N:HASH noted earlier (from verify or the alert chat): fails unless link N "
        "is still in the chain with that hash",
    )

    reseal = sub.add_parser("reseal", help="give a new reviewer key access to old cases")
    reseal.add_argument("--key", type=Path, required=True, help="a private key that opens them")
    reseal.add_argument("--add", required=True, help="the new public key line, or its .pub file")
    reseal.add_argument("--database", help="database URL or SQLite path (default: config)")

    casework.add_parsers(sub)

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply migrations")
    upgrade.add_argument("--database", help="database URL or SQLite path (default: config)")

    sub.add_parser("draft-key", help="print a fresh random [security] draft_key")
    sub.add_parser("run", help="run the bot against Telegram")
    sub.add_parser("start", help="the bot if a token is configured, otherwise the offline demo")
    demo = sub.add_parser(
        "demo",
        help="play a witness in this terminal against the real bot, offline",
        description="Play a witness against the real bot, offline; at the end, see what a "
        "reviewer would see.",
        epilog=DEMO_SYNTAX,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("--lang", choices=LANGUAGES, help="start in this language")

    i18n = sub.add_parser("i18n", help="translation catalogs (run from the repository root)")
    i18n.add_argument("step", choices=["extract", "update", "compile", "all"])
    return parser


def database_url(args: argparse.Namespace, config: Config) -> str:
    """`--database` when the subcommand has it and it was given, else the config's."""
    return getattr(args, "database", None) or config.storage.database_url


def cmd_keygen(args: argparse.Namespace, config: Config) -> int:
    return reviewer.cmd_keygen(args)


def cmd_export(args: argparse.Namespace, config: Config) -> int:
    return reviewer.cmd_export(args, database_url(args, config))


def cmd_ack(args: argparse.Namespace, config: Config) -> int:
    return reviewer.cmd_ack(args, database_url(args, config))


def cmd_wgeid(args: argparse.Namespace, config: Config) -> int:
    return reviewer.cmd_wgeid(args, database_url(args, config))


def cmd_summary(args: argparse.Namespace, config: Config) -> int:
    return reviewer.cmd_summary(args, database_url(args, config))


def cmd_verify(args: argparse.Namespace, config: Config) -> int:
    return reviewer.cmd_verify(args, database_url(args, config), config.retention.min_reviewers)


def cmd_reseal(args: argparse.Namespace, config: Config) -> int:
    return reviewer.cmd_reseal(args, database_url(args, config))


def cmd_cases(args: argparse.Namespace, config: Config) -> int:
    return casework.cmd_cases(args, database_url(args, config))


def cmd_show(args: argparse.Namespace, config: Config) -> int:
    return casework.cmd_show(args, database_url(args, config))


def cmd_status(args: argparse.Namespace, config: Config) -> int:
    return casework.cmd_status(args, database_url(args, config), config.reviewer_keys())


def cmd_same(args: argparse.Namespace, config: Config) -> int:
    return casework.cmd_same(args, database_url(args, config), config.reviewer_keys())


def cmd_note(args: argparse.Namespace, config: Config) -> int:
    return casework.cmd_note(args, database_url(args, config), config.reviewer_keys())


def cmd_reply(args: argparse.Namespace, config: Config) -> int:
    return casework.cmd_reply(args, database_url(args, config), config.reviewer_keys())


def cmd_db(args: argparse.Namespace, config: Config) -> int:
    """`kuager db upgrade`, the one `db` subcommand."""
    import asyncio

    from storage import schema
    from storage.database import Database

    async def upgrade() -> None:
        db = Database(database_url(args, config))
        try:
            await schema.upgrade(db)
        finally:
            await db.close()

    asyncio.run(upgrade())
    print(f"schema at {schema.head_revision()}")
    return 0


def cmd_draft_key(args: argparse.Namespace, config: Config) -> int:
    print(DraftKeys.generate_secret())
    return 0


def cmd_run(args: argparse.Namespace, config: Config) -> int:
    from bot import run

    return run.cmd_run(config)


def cmd_start(args: argparse.Namespace, config: Config) -> int:
    """The bot if a token is configured, otherwise the offline demo."""
    if config.telegram.token:
        return cmd_run(args, config)
    return cmd_demo(args, config)


DEMO_MISSING = (
    "kuager: the offline demo needs the Bot API stand-in, which this install lacks; "
    "from the source folder: pip install ./standin '.[demo]'"
)


def cmd_demo(args: argparse.Namespace, config: Config) -> int:
    # The stand-in that replaces Telegram in the demo is not part of a production install.
    try:
        from bot import demo
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] != "standin":
            raise
        print(DEMO_MISSING, file=sys.stderr)
        return 2
    return demo.cmd_demo(getattr(args, "lang", None))


def cmd_i18n(args: argparse.Namespace, config: Config) -> int:
    from bot import i18n_tool

    return i18n_tool.run(args.step, Path.cwd())


COMMANDS: dict[str, Callable[[argparse.Namespace, Config], int]] = {
    "keygen": cmd_keygen,
    "export": cmd_export,
    "ack": cmd_ack,
    "wgeid": cmd_wgeid,
    "summary": cmd_summary,
    "verify": cmd_verify,
    "reseal": cmd_reseal,
    "cases": cmd_cases,
    "show": cmd_show,
    "status": cmd_status,
    "note": cmd_note,
    "reply": cmd_reply,
    "same": cmd_same,
    "db": cmd_db,
    "draft-key": cmd_draft_key,
    "run": cmd_run,
    "start": cmd_start,
    "demo": cmd_demo,
    "i18n": cmd_i18n,
}
"""Each subcommand's function; `build_parser` declares the same names."""


def dispatch(args: argparse.Namespace, config: Config) -> int:
    return COMMANDS[args.command](args, config)


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        config = load_config(args.config or default_config_path(os.environ))
        status = dispatch(args, config)
    except ConfigError as exc:
        print(f"kuager: config: {exc}", file=sys.stderr)
        status = 2
    except KeyboardInterrupt:
        status = 130
    sys.exit(status)
