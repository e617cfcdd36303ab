"""`kuager demo`: the real bot, offline, with a person playing the witness in the terminal.

The same Application, handlers, encrypted drafts, sealing and storage as `kuager run`; only
Telegram is replaced by the in-process Bot API stand-in, and the database and reviewer key
are throwaway ones in a temporary folder that is removed at the end. What you type:

    3                 press button 3 of the newest message with buttons
    =police           press the button whose answer code is "police" (for scripts;
                      =s presses Send, =e the first Change, by their action letters)
    /start, /delete   commands, as in Telegram
    file PATH         send a file (as a document); `photo PATH` sends it as a photo
    location 43.2 76.9
    anything else     a text message

At the end (Ctrl-D, or the end of piped input) it shows what a reviewer would see: the
decrypted export of every case and `kuager verify`'s result.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot import logs
from bot.app import build_application, open_services, set_commands
from bot.config import Config, ReviewersConfig, SecurityConfig, StorageConfig, TelegramConfig
from handlers.context import KuagerApplication
from standin import BotApiStandin, CallbackAnswer, ChatMessage, SimUser
from storage import chain
from storage.crypto.drafts import DraftKeys
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.export import ExportFormat, ExportRequest, export_cases

DEMO_USER = 5_000_000_001
INTRO = "Kuager demo: you are the witness. Type a number to press a button; Ctrl-D ends.\n"


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
                for label, data in zip(labels, datas, strict=True):
                    if data is not None:
                        self.buttons.append((label, data, latest))
            numbered = [f"[{n}] {label}" for n, (label, _d, _m) in enumerate(self.buttons, 1)]
            self.out.write("   " + "   ".join(numbered) + "\n")
        self.out.flush()

    async def act(self, line: str) -> str | None:
        """Do what the typed line says; a message for the person if it could not be done."""
        line = line.strip()
        if not line:
            return None
        if line.isdigit():
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
        if word in ("file", "photo") and rest:
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
        else:
            await self.user.send_document(data, path.name, "application/octet-stream")
        return None


def _read(path: Path) -> bytes:
    return path.expanduser().read_bytes()


async def run_demo(lines: TextIO, out: TextIO, language: str | None) -> int:
    with tempfile.TemporaryDirectory(prefix="kuager-demo-") as folder:
        key = ReviewerPrivateKey.generate()
        # A made-up token: the stand-in accepts any, and no real bot is involved.
        async with BotApiStandin(token="100000:DEMO") as standin:  # noqa: S106
            config = demo_config(standin, Path(folder), key)
            services = await open_services(config)
            app = build_application(config, services)
            async with app:
                await set_commands(app)
                await app.start()
                assert app.updater is not None
                await app.updater.start_polling(poll_interval=0, timeout=1)
                user = standin.user(DEMO_USER, "Witness", language_code=language or "ru")
                chat = Chat(user, out, standin.callback_answers)
                # The demo's frame is for evaluators and developers: English, not translated.
                out.write(INTRO)
                await _converse(app, standin, chat, lines, language)
                await app.updater.stop()
                await app.stop()
            await services.db.close()
        return await _reviewer_view(Path(folder), config, key, out)


async def _converse(
    app: KuagerApplication, standin: BotApiStandin, chat: Chat, lines: TextIO, language: str | None
) -> None:
    await chat.user.send_command("/start")
    await settle(app, standin)
    chat.render()
    if language:
        await chat.act(f"={language}")
        await settle(app, standin)
        chat.render()
    while True:
        line = await asyncio.to_thread(lines.readline)
        if not line:
            break
        problem = await chat.act(line)
        if problem:
            chat.out.write(problem + "\n")
        await settle(app, standin)
        chat.render()


async def _reviewer_view(folder: Path, config: Config, key: ReviewerPrivateKey, out: TextIO) -> int:
    out.write("\n==== What a reviewer sees (kuager export --format jsonl) ====\n")
    db = Database(config.storage.database_url)
    try:
        export = folder / "export.jsonl"
        tally = await export_cases(db, key, ExportRequest(export, ExportFormat.JSONL))
        for line in export.read_text("utf-8").splitlines():
            out.write(json.dumps(json.loads(line), ensure_ascii=False, indent=2) + "\n")
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
    return 0 if report.ok and tally.ok else 1


def cmd_demo(language: str | None) -> int:
    logs.configure("WARNING")
    if sys.stdin.isatty():
        print("No bot token configured: starting the offline demo (kuager run needs a token).")
    return asyncio.run(run_demo(sys.stdin, sys.stdout, language))
