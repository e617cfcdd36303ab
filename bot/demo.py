"""`kuager demo`: the real bot, offline, with a person playing the witness in the terminal.

The same Application, handlers, encrypted drafts, sealing and storage as `kuager run`; only
Telegram is replaced by the in-process Bot API stand-in, and the database and reviewer key
are throwaway ones in a temporary folder that is removed at the end. What you type is
`bot.cli.DEMO_SYNTAX`, shown by `kuager demo --help`; the same lines may be piped in.

At the end (Ctrl-D, or the end of piped input) it shows what a reviewer would see: the
decrypted export of every case, each addendum after the report it adds to, and `kuager
verify`'s result. A script that sent no report exits with status 1, so a broken script fails.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from bot import logs
from bot.app import build_application, open_services, set_commands
from bot.config import Config, ReviewersConfig, SecurityConfig, StorageConfig, TelegramConfig
from handlers.context import KuagerApplication
from handlers.session import Session, SessionFormatError
from standin import BotApiStandin, CallbackAnswer, ChatMessage, SimUser
from storage import chain
from storage.crypto.drafts import DraftKeys
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.export import ExportFormat, ExportRequest, export_cases

DEMO_USER = 5_000_000_001
# The demo's frame is for evaluators and developers: English, not translated.
INTRO = (
    "Kuager demo: you are the witness. Type a number to press a button, anything else to "
    "answer; Ctrl-D ends.\n"
)


async def settle(app: KuagerApplication, standin: BotApiStandin) -> None:
    """Wait until the bot has fully handled everything sent so far (not just its first reply)."""
    for _ in range(1000):
        await standin.wait_idle(quiet=0.01)
        if app.update_queue.empty() and app.update_processor.current_concurrent_updates == 0:
            await standin.wait_idle(quiet=0.01)
            return
    raise TimeoutError("the bot did not settle")


def demo_config(standin: BotApiStandin, folder: Path, key: ReviewerPrivateKey) -> Config:
    return Config(
        telegram=TelegramConfig(
            token=standin.token,
            api_base_url=standin.api_base_url,
            file_base_url=standin.file_base_url,
            max_messages_per_second=0,
        ),
        storage=StorageConfig(database_url=str(folder / "demo.db"), auto_upgrade=True),
        reviewers=ReviewersConfig(public_keys=(key.public.line,)),
        security=SecurityConfig(draft_key=DraftKeys.generate_secret()),
    )


@dataclass
class Chat:
    """The chat as the terminal shows it: each bot message once, again when edited."""

    user: SimUser
    out: TextIO
    answers: dict[str, CallbackAnswer]
    """The stand-in's record of how the bot answered presses: the toasts."""
    takes_text: Callable[[], Awaitable[bool]]
    """Whether the bot would take a typed message as the answer now (the witness's session)."""
    shown: dict[int, int] = field(default_factory=dict)
    buttons: list[tuple[str, str, ChatMessage]] = field(default_factory=list)
    pressed: list[str] = field(default_factory=list)

    def render(self) -> None:
        for query_id in self.pressed:
            answer = self.answers.get(query_id)
            if answer is not None and answer.text:
                # Telegram shows this briefly over the chat; it is not kept in the chat.
                self.out.write(f"\n💬 {answer.text}\n")
        self.pressed = []
        for message in self.user.bot_messages():
            edits = len(message.edits)
            if self.shown.get(message.message_id) == edits:
                continue
            marker = "✎ " if message.message_id in self.shown else ""
            self.shown[message.message_id] = edits
            self.out.write(f"\n🤖 {marker}{message.text}\n")
        self.buttons = []
        latest = next((m for m in reversed(self.user.bot_messages()) if m.button_data), None)
        if latest is not None:
            for labels, datas in zip(latest.buttons, latest.button_data, strict=True):
                row = []
                for label, data in zip(labels, datas, strict=True):
                    if data is not None:
                        self.buttons.append((label, data, latest))
                        row.append(f"[{len(self.buttons)}] {label}")
                if row:
                    # Rows as the phone shows them: two short choices side by side, Back alone.
                    self.out.write("   " + "   ".join(row) + "\n")
        self.out.flush()

    async def act(self, line: str) -> str | None:
        """Do what the typed line says; a message for the person if it could not be done."""
        line = line.strip()
        if not line:
            return None
        if line.isdigit() and self.buttons and not await self.takes_text():
            index = int(line) - 1
            if not 0 <= index < len(self.buttons):
                return f"(no button {line})"
            _label, data, message = self.buttons[index]
            self.pressed.append(await self.user.press(data, message))
            return None
        if line.startswith("="):
            code = line[1:]
            for _label, data, message in self.buttons:
                _ticket, action, argument = data.split("|", 2)
                if argument == code or (not argument and action == code):
                    self.pressed.append(await self.user.press(data, message))
                    return None
            return f"(no button with code {code})"
        if line.startswith("/"):
            command, _sep, args = line.partition(" ")
            await self.user.send_command(command, args)
            return None
        word, _sep, rest = line.partition(" ")
        if word in ("file", "photo", "voice") and rest:
            return await self._send_file(word, Path(rest))
        if word == "location":
            try:
                lat, lon = (float(v) for v in rest.split())
            except ValueError:
                return "(location takes two numbers: location 43.24 76.91)"
            await self.user.send_location(lat, lon)
            return None
        await self.user.send_text(line)
        return None

    async def _send_file(self, how: str, path: Path) -> str | None:
        try:
            data = await asyncio.to_thread(_read, path)
        except OSError as exc:
            return f"(cannot read {path}: {exc.strerror})"
        if how == "photo":
            await self.user.send_photo(data)
        elif how == "voice":
            await self.user.send_voice(data)
        else:
            await self.user.send_document(data, path.name, "application/octet-stream")
        return None


def _read(path: Path) -> bytes:
    return path.expanduser().read_bytes()


async def run_demo(
    lines: TextIO, out: TextIO, language: str | None, *, scripted: bool = True
) -> int:
    """Play the lines against the bot, then show the reviewer's view; the exit status.

    `scripted`: the lines are a script, not a person at a terminal, so a script that
    played some lines and sent no report fails (status 1) instead of passing quietly."""
    with tempfile.TemporaryDirectory(prefix="kuager-demo-") as folder:
        key = ReviewerPrivateKey.generate()
        # A made-up token: the stand-in accepts any, and no real bot is involved.
        async with BotApiStandin(token="100000:DEMO") as standin:  # noqa: S106
            config = demo_config(standin, Path(folder), key)
            services = await open_services(config)
            app = build_application(config, services)

            async def takes_text() -> bool:
                try:
                    stored = await services.drafts.load(services.db, DEMO_USER, services.clock())
                    return stored is not None and Session.from_json(stored).takes_text()
                except SessionFormatError:
                    return False

            async with app:
                await set_commands(app)
                await app.start()
                assert app.updater is not None
                await app.updater.start_polling(poll_interval=0, timeout=1)
                user = standin.user(DEMO_USER, "Witness", language_code=language or "ru")
                chat = Chat(user, out, standin.callback_answers, takes_text)
                out.write(INTRO)
                played = await _converse(app, standin, chat, lines, language)
                await app.updater.stop()
                await app.stop()
            await services.db.close()
        status, exported = await _reviewer_view(Path(folder), config, key, out)
    if scripted and played and not exported:
        out.write("\nThe script sent no report (no case was sealed): exit status 1.\n")
        out.flush()
        return 1
    return status


async def _converse(
    app: KuagerApplication, standin: BotApiStandin, chat: Chat, lines: TextIO, language: str | None
) -> int:
    """Play every line; how many there were."""
    await chat.user.send_command("/start")
    await settle(app, standin)
    chat.render()
    if language:
        await chat.act(f"={language}")
        await settle(app, standin)
        chat.render()
    played = 0
    while True:
        line = await asyncio.to_thread(lines.readline)
        if not line:
            return played
        played += 1
        problem = await chat.act(line)
        if problem:
            chat.out.write(problem + "\n")
        await settle(app, standin)
        chat.render()


def reading_order(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cases as a reviewer reads them: each addendum right after the report it adds to (and
    after that report's earlier addenda); everything else in export order."""
    known = {record.get("case_id") for record in records}
    addenda: dict[str, list[dict[str, Any]]] = {}
    first: list[dict[str, Any]] = []
    for record in records:
        links = record.get("links")
        target = links.get("addendum_to") if isinstance(links, dict) else None
        if isinstance(target, str) and target in known and target != record.get("case_id"):
            addenda.setdefault(target, []).append(record)
        else:
            first.append(record)
    ordered: list[dict[str, Any]] = []
    pending = list(reversed(first))
    while pending:
        record = pending.pop()
        ordered.append(record)
        pending.extend(reversed(addenda.pop(str(record.get("case_id")), [])))
    # Addenda whose chain never reaches a report (not made by the bot) still show, last.
    ordered.extend(record for group in addenda.values() for record in group)
    return ordered


async def _reviewer_view(
    folder: Path, config: Config, key: ReviewerPrivateKey, out: TextIO
) -> tuple[int, int]:
    """Print the export and the chain check; the exit status and how many cases there were."""
    out.write("\n==== What a reviewer sees (kuager export --format jsonl) ====\n")
    db = Database(config.storage.database_url)
    try:
        export = folder / "export.jsonl"
        tally = await export_cases(db, key, ExportRequest(export, ExportFormat.JSONL))
        records = [json.loads(line) for line in export.read_text("utf-8").splitlines()]
        for record in reading_order(records):
            out.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        out.write(f"exported {tally.exported} cases\n")
        out.write("\n==== kuager verify ====\n")
        report = await chain.verify_database(db)
    finally:
        await db.close()
    if report.ok:
        out.write(f"{report.links} links, {report.cases} cases: chain intact; head {report.head}\n")
    else:
        out.write(f"BROKEN: {report.broken}\n")
    out.flush()
    return (0 if report.ok and tally.ok else 1), tally.exported


def cmd_demo(language: str | None) -> int:
    logs.configure("WARNING")
    interactive = sys.stdin.isatty()
    if interactive:
        print("No bot token configured: starting the offline demo (kuager run needs a token).")
    return asyncio.run(run_demo(sys.stdin, sys.stdout, language, scripted=not interactive))
