"""The `kuager` command line: parsing and dispatch only; each subcommand returns a status."""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import casework, reviewer
from bot.config import Config, ConfigError, default_config_path, read_config
from bot.reaching import Unreachable
from handlers.i18n import LANGUAGES
from storage.crypto.drafts import DraftKeys
from storage.database import DatabaseMissing
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


CONFIG_ENV = """\
environment:
  KUAGER_CONFIG      the config file when --config is not given (else ./config.toml if there)
  KUAGER_<SECTION>_<KEY>
                     any setting, winning over the file (e.g. KUAGER_TELEGRAM_TOKEN)"""
PASSPHRASE_HELP = (
    "  KUAGER_PASSPHRASE  the key's passphrase, for scripts; on a terminal it is asked for"  # noqa: S105 - help text naming a variable
)


@dataclass(frozen=True)
class Command:
    """One subcommand's help: what it is for, what it reads, how it ends."""

    summary: str
    description: str
    exits: tuple[tuple[int, str], ...]
    passphrase: bool = False
    epilog: str = ""

    def help_epilog(self) -> str:
        env = CONFIG_ENV + ("\n" + PASSPHRASE_HELP if self.passphrase else "")
        statuses = "\n".join(f"  {code:<4} {meaning}" for code, meaning in self.exits)
        return "\n\n".join(part for part in (self.epilog, env, f"exit status:\n{statuses}") if part)


USAGE = (2, "a problem with the command line, the config, or what it names (one line on stderr)")
HELP: dict[str, Command] = {
    "keygen": Command(
        "make a reviewer key pair",
        "Make a reviewer's key pair: NAME.key (locked with a passphrase, stays on this "
        "machine) and NAME.pub, whose line goes into [reviewers] public_keys.",
        ((0, "key pair written"), (1, "the files could not be written"), USAGE),
        passphrase=True,
    ),
    "export": Command(
        "decrypt cases sealed to your key",
        "Decrypt the cases sealed to your key into one file (and their attachments beside it).",
        (
            (0, "every case exported"),
            (
                1,
                "some case did not authenticate or could not be written, or the database "
                "could not be read",
            ),
            USAGE,
        ),
        passphrase=True,
    ),
    "ack": Command(
        "record on the live database which cases an export of a copy fetched",
        "Record the acks an export wrote (<out>.acks.json) on the live database, when that "
        "export ran on a copy: the server may then purge the cases its reviewers hold "
        "([retention] keep_days, min_reviewers).",
        (
            (0, "acks recorded"),
            (1, "some ack was refused or the database could not be written"),
            USAGE,
        ),
    ),
    "same": Command(
        "confirm or reject that cases concern the same person",
        "Confirm or reject that cases concern the same person, as `cases` suggests; sealed to "
        "reviewer keys only, and the newest word wins.",
        ((0, "recorded"), (1, "the database could not be written"), USAGE),
        passphrase=True,
    ),
    "wgeid": Command(
        "draft a UN WGEID submission (.docx) from a missing-person case",
        "Write a submission draft in English for the UN Working Group on Enforced or "
        "Involuntary Disappearances: the six elements filled from the case, the gaps marked "
        "for you to complete, and the family's consent answer.",
        ((0, "draft written"), (1, "the database could not be read"), USAGE),
        passphrase=True,
    ),
    "summary": Command(
        "an offline HTML page of charts over your cases",
        "Write one self-contained HTML page (no network, no script) with cases per day by "
        "type, by region, detention status and the places of detention named most often.",
        ((0, "page written"), (1, "some case did not authenticate, or no database"), USAGE),
        passphrase=True,
    ),
    "desk": Command(
        "read and work on cases in your browser: decrypted in memory, served on 127.0.0.1",
        "Unlock your key, decrypt the cases it opens into this process's memory, and serve "
        "them to your browser on 127.0.0.1 only. The one-time link is printed alone on "
        "standard output. After [desk] idle_seconds without use the key is dropped; type the "
        "passphrase here to unlock again.",
        ((0, "stopped with Ctrl-C"), (1, "the database could not be read"), USAGE),
        passphrase=True,
    ),
    "cases": Command(
        "list cases sealed to your key, one a line, with their status",
        "List the cases your key opens, one a line: id, day received, type, status, urgent, "
        "missing UN elements, linked group, the first words of the account.",
        ((0, "listed"), (1, "some case did not authenticate, or no database"), USAGE),
        passphrase=True,
    ),
    "show": Command(
        "one case with its follow-ups, statuses, notes and replies",
        "Show one case in your language with its whole history, oldest first, each entry "
        "with the reviewer key that wrote it and the day.",
        ((0, "shown"), (1, "the case did not authenticate, or no database"), USAGE),
        passphrase=True,
    ),
    "status": Command(
        "set a case's status; the witness sees it with the code",
        "Set a case's status; the witness reads a sentence for it in their language with "
        "/followup and the receipt code.",
        ((0, "status set"), (1, "the database could not be written"), USAGE),
        passphrase=True,
    ),
    "note": Command(
        "add a note for other reviewers (never shown to the witness)",
        "Add a note to a case for other reviewers; sealed to reviewer keys only.",
        ((0, "note added"), (1, "the database could not be written"), USAGE),
        passphrase=True,
    ),
    "reply": Command(
        "answer the witness; they read it with /followup CODE",
        "Answer the witness: sealed to every reviewer key and to the case's reply key, read "
        "by whoever holds the receipt code (/followup CODE). The bot never pushes it.",
        ((0, "reply sent"), (1, "the database could not be written"), USAGE),
        passphrase=True,
    ),
    "verify": Command(
        "check that no case was deleted, reordered or altered",
        "Check the hash chain over all cases: none deleted, reordered or altered. Needs no key; "
        "safe to run beside the bot.",
        ((0, "chain intact"), (1, "chain broken, or the database could not be read"), USAGE),
    ),
    "reseal": Command(
        "give a new reviewer key access to old cases",
        "Seal every case your key opens to a new reviewer's public key as well.",
        ((0, "every case resealed"), (1, "some case could not be resealed"), USAGE),
        passphrase=True,
    ),
    "db": Command(
        "database schema",
        "Database schema commands.",
        ((0, "done"), USAGE),
    ),
    "draft-key": Command(
        "print a fresh random [security] draft_key",
        "Print 32 fresh random bytes in base64 for [security] draft_key.",
        ((0, "printed"),),
    ),
    "run": Command(
        "run the bot against Telegram",
        "Run the bot against Telegram (long polling, or a webhook when telegram.webhook_url is "
        "set) until SIGTERM or Ctrl-C. At start the database and Telegram are tried again with "
        "backoff ([start] attempts, max_wait_seconds), one log line per try.",
        (
            (0, "stopped by a signal"),
            (
                2,
                "a setting missing or wrong (all are listed), the database missing or out of "
                "date, or Telegram or the database still unreachable after [start] attempts",
            ),
            (130, "interrupted while starting"),
        ),
    ),
    "start": Command(
        "the bot if a token is configured, otherwise the offline demo",
        "The bot (`kuager run`) if telegram.token is set, otherwise the offline demo.",
        ((0, "as `run` or `demo`"), (1, "as `demo`"), USAGE),
    ),
    "demo": Command(
        "play a witness in this terminal against the real bot, offline",
        "Play a witness against the real bot, offline; at the end, see what a reviewer would see.",
        ((0, "a report was sent"), (1, "a piped script sent no report"), USAGE),
        epilog=DEMO_SYNTAX,
    ),
    "check": Command(
        "check the config, the database and Telegram",
        "Check the whole config and list every problem, then reach the database (schema "
        "version) and Telegram (getMe: the bot's name), and say what is fine.",
        ((0, "everything fine: `kuager run` will start"), (2, "some problem (each listed)")),
    ),
    "health": Command(
        "ask the running bot's /healthz (for a container's HEALTHCHECK)",
        "Ask the running bot's health listener ([health] listen) whether it takes in updates "
        "and reaches the database.",
        ((0, "healthy"), (1, "unhealthy or no answer"), (2, "[health] listen is not set")),
    ),
    "i18n": Command(
        "translation catalogs (run from the repository root)",
        "Extract, update and compile the translation catalogs under locales/.",
        ((0, "done"), USAGE),
    ),
}
"""Every subcommand's help text; `build_parser` declares exactly these."""


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Each option's default shown when it has one; epilogs (examples, exit codes) as written."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if action.default not in (None, False, argparse.SUPPRESS) and action.option_strings:
            text += " (default: %(default)s)"
        return text


def _version() -> str:
    try:
        return importlib.metadata.version("kuager")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    # --config is accepted before and after the subcommand; SUPPRESS keeps a subcommand that
    # was not given it from overwriting the value given before it.
    config_option = argparse.ArgumentParser(add_help=False)
    config_option.add_argument(
        "--config",
        type=Path,
        default=argparse.SUPPRESS,
        help="config TOML (default: KUAGER_CONFIG, else ./config.toml if there)",
    )
    parser = argparse.ArgumentParser(
        prog="kuager",
        description="Secure case intake for human-rights groups.",
        epilog=CONFIG_ENV,
        formatter_class=HelpFormatter,
        parents=[config_option],
    )
    parser.add_argument("--version", action="version", version=f"kuager {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(
        name: str, into: Any = sub, help_name: str | None = None
    ) -> argparse.ArgumentParser:
        doc = HELP[help_name or name]
        return into.add_parser(  # type: ignore[no-any-return]
            name,
            help=doc.summary,
            description=doc.description,
            epilog=doc.help_epilog(),
            formatter_class=HelpFormatter,
            parents=[config_option],
        )

    keygen = command("keygen")
    keygen.add_argument("--out", type=Path, required=True, help="folder for NAME.key and NAME.pub")
    keygen.add_argument("--name", default="reviewer", help="the key files' name")
    keygen.add_argument("--pq", action="store_true", help="post-quantum hybrid ML-KEM-768 + X25519")

    export = command("export")
    export.add_argument("--key", type=Path, required=True, help="your private key file")
    export.add_argument(
        "--format",
        choices=[f.value for f in ExportFormat],
        default=ExportFormat.CSV.value,
        help="file format",
    )
    export.add_argument("--out", type=Path, required=True, help="the file to write")
    export.add_argument(
        "--type", help="only this report type: detention, ill_treatment, missing_person, addendum"
    )
    export.add_argument("--since", help="only cases received on or after this day (YYYY-MM-DD)")
    export.add_argument("--database", help=DATABASE_HELP)
    export.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="headers, answers and sheet names in this language (default: en)",
    )
    export.add_argument(
        "--receipt",
        metavar="CODE",
        help="only the case of this receipt code (read out by a witness) and its additions",
    )
    export.add_argument(
        "--no-attachments", action="store_true", help="decrypt no files, only the cases"
    )
    export.add_argument(
        "--new", action="store_true", help="only cases this key has not exported (acked) before"
    )

    ack = command("ack")
    ack.add_argument("file", type=Path, help="the .acks.json file the export wrote")
    ack.add_argument("--database", help=DATABASE_HELP)

    wgeid = command("wgeid")
    wgeid.add_argument("case", help="the case id, as in an export")
    wgeid.add_argument("--key", type=Path, required=True, help="your private key file")
    wgeid.add_argument("--out", type=Path, required=True, help="the .docx file to write")
    wgeid.add_argument("--force", action="store_true", help="replace the file if it exists")
    wgeid.add_argument("--database", help=DATABASE_HELP)

    summary = command("summary")
    summary.add_argument("--key", type=Path, required=True, help="your private key file")
    summary.add_argument("--out", type=Path, required=True, help="the .html file to write")
    summary.add_argument("--lang", choices=LANGUAGES, default="en", help="the page's language")
    summary.add_argument("--database", help=DATABASE_HELP)

    verify = command("verify")
    verify.add_argument("--database", help=DATABASE_HELP)
    verify.add_argument(
        "--head",
        help="a head N:HASH noted earlier (from verify or the alert chat): fails unless link N "
        "is still in the chain with that hash",
    )

    reseal = command("reseal")
    reseal.add_argument("--key", type=Path, required=True, help="a private key that opens them")
    reseal.add_argument("--add", required=True, help="the new public key line, or its .pub file")
    reseal.add_argument("--database", help=DATABASE_HELP)

    casework.add_parsers(command, DATABASE_HELP)

    desk = command("desk")
    desk.add_argument("--key", type=Path, required=True, help="your private key file")
    desk.add_argument("--database", help=DATABASE_HELP)
    desk.add_argument("--port", type=int, default=0, help="loopback port (default: any free)")
    desk.add_argument(
        "--no-browser", action="store_true", help="only print the link, open no browser"
    )
    desk.add_argument("--lang", choices=LANGUAGES, help="the page's language at first")

    db = command("db")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    upgrade = db_sub.add_parser(
        "upgrade",
        help="apply migrations (creates an SQLite file whose folder exists)",
        description="Apply the schema migrations. The one command that creates a database: "
        "an SQLite file is made if its folder exists.",
        epilog=HELP["db"].help_epilog(),
        formatter_class=HelpFormatter,
        parents=[config_option],
    )
    upgrade.add_argument("--database", help=DATABASE_HELP)

    command("draft-key")
    command("run")
    command("start")
    demo = command("demo")
    demo.add_argument("--lang", choices=LANGUAGES, help="start in this language")
    check = command("check")
    check.add_argument(
        "--wait",
        action="store_true",
        help="try the database and Telegram as `run` does at start ([start]), not just once",
    )
    command("health")

    i18n = command("i18n")
    i18n.add_argument("step", choices=["extract", "update", "compile", "all"])
    return parser


DATABASE_HELP = "database URL or SQLite path (default: [storage] database_url)"


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


def cmd_desk(args: argparse.Namespace, config: Config) -> int:
    from bot.desk.command import cmd_desk as desk

    return desk(args, database_url(args, config), config.desk, config.reviewer_keys())


def cmd_db(args: argparse.Namespace, config: Config) -> int:
    """`kuager db upgrade`, the one `db` subcommand."""
    import asyncio

    from storage import schema
    from storage.database import Database

    async def upgrade() -> None:
        db = Database(database_url(args, config), create=True)
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


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    import asyncio

    from bot.check import findings

    found = asyncio.run(findings(config, args.config_problems, wait=args.wait))
    for finding in found:
        print(finding.line())
    return 0 if all(finding.ok for finding in found) else 2


def cmd_health(args: argparse.Namespace, config: Config) -> int:
    from bot.health import probe

    if not config.health.listen:
        raise ConfigError("health.listen is not set (KUAGER_HEALTH_LISTEN): no listener to ask")
    healthy, line = probe(*config.health.address())
    print(line)
    return 0 if healthy else 1


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
    "desk": cmd_desk,
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
    "check": cmd_check,
    "health": cmd_health,
    "i18n": cmd_i18n,
}
"""Each subcommand's function; `build_parser` declares the same names."""


def dispatch(args: argparse.Namespace, config: Config) -> int:
    return COMMANDS[args.command](args, config)


def configure(args: argparse.Namespace) -> Config:
    """The config for this command; every problem at once, with those `run` adds of its own.

    `check` reports them itself, beside what it finds of the database and Telegram.
    """
    config, problems = read_config(getattr(args, "config", None) or default_config_path(os.environ))
    if args.command == "check":
        args.config_problems = problems
    elif args.command == "run" and problems:
        from bot.run import readiness_problems

        raise ConfigError(*problems, *readiness_problems(config))
    elif problems:
        raise ConfigError(*problems)
    return config


def main(argv: list[str] | None = None) -> None:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        sys.exit(0)
    try:
        config = configure(args)
        status = dispatch(args, config)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"kuager: config: {problem}", file=sys.stderr)
        status = 2
    except (Unreachable, DatabaseMissing) as exc:
        print(f"kuager: {exc}", file=sys.stderr)
        status = 2
    except KeyboardInterrupt:
        status = 130
    sys.exit(status)
