"""The `kuager` command line: parsing and dispatch only; each subcommand returns a status."""

from __future__ import annotations

import argparse
import base64
import os
import sys
from pathlib import Path

from bot import reviewer
from bot.config import Config, ConfigError, default_config_path, load_config


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
    export.add_argument("--format", choices=["jsonl", "csv", "xlsx"], default="csv")
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--type", help="only this report type (form id)")
    export.add_argument("--since", help="only cases received on or after this day (YYYY-MM-DD)")
    export.add_argument("--database", help="database URL or SQLite path (default: config)")
    export.add_argument(
        "--lang", choices=["kk", "ru", "en"], help="choice answers as words in this language"
    )
    export.add_argument(
        "--no-attachments", action="store_true", help="decrypt no files, only the cases"
    )

    verify = sub.add_parser("verify", help="check that no case was deleted, reordered or altered")
    verify.add_argument("--database", help="database URL or SQLite path (default: config)")
    verify.add_argument("--head", help="the head printed by an earlier verify, to detect cut-offs")

    reseal = sub.add_parser("reseal", help="give a new reviewer key access to old cases")
    reseal.add_argument("--key", type=Path, required=True, help="a private key that opens them")
    reseal.add_argument("--add", required=True, help="the new public key line, or its .pub file")
    reseal.add_argument("--database", help="database URL or SQLite path (default: config)")

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply migrations")
    upgrade.add_argument("--database", help="database URL or SQLite path (default: config)")

    sub.add_parser("draft-key", help="print a fresh random [security] draft_key")
    sub.add_parser("run", help="run the bot against Telegram")
    sub.add_parser("start", help="the bot if a token is configured, otherwise the offline demo")
    demo = sub.add_parser(
        "demo", help="play a witness in this terminal against the real bot, offline"
    )
    demo.add_argument("--lang", choices=["kk", "ru", "en"], help="start in this language")

    i18n = sub.add_parser("i18n", help="translation catalogs (run from the repository root)")
    i18n.add_argument("step", choices=["extract", "update", "compile", "all"])
    return parser


def cmd_db_upgrade(database_url: str) -> int:
    import asyncio

    from storage import schema
    from storage.database import Database

    async def upgrade() -> None:
        db = Database(database_url)
        try:
            await schema.upgrade(db)
        finally:
            await db.close()

    asyncio.run(upgrade())
    print(f"schema at {schema.head_revision()}")
    return 0


def dispatch(args: argparse.Namespace, config: Config) -> int:
    database_url = getattr(args, "database", None) or config.storage.database_url
    if args.command == "keygen":
        return reviewer.cmd_keygen(args)
    if args.command == "export":
        return reviewer.cmd_export(args, database_url)
    if args.command == "verify":
        return reviewer.cmd_verify(args, database_url)
    if args.command == "reseal":
        return reviewer.cmd_reseal(args, database_url)
    if args.command == "db":
        return cmd_db_upgrade(database_url)
    if args.command == "i18n":
        from bot import i18n_tool

        return i18n_tool.run(args.step, Path.cwd())
    if args.command == "run" or (args.command == "start" and config.telegram.token):
        from bot.run import cmd_run

        return cmd_run(config)
    if args.command in ("demo", "start"):
        from bot.demo import cmd_demo

        return cmd_demo(getattr(args, "lang", None))
    if args.command == "draft-key":
        print(base64.b64encode(os.urandom(32)).decode("ascii"))
        return 0
    raise AssertionError(f"unhandled command {args.command}")


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
