"""Bot benchmarks: the whole bot over HTTP against the loopback Bot API, each against a baseline
measured in the same run.

    .venv/bin/python -m bench.bot_bench [throughput|drafts|flood|taps|all] [--witnesses N] ...

The bot runs in a child process (`python -m bench.bot_bench _bot ...`) exactly as `kuager run`
builds it: our Application and handlers, encrypted drafts, sealing, a database on disk. This
process runs the stand-in and plays the witnesses. So CPU time and memory read from
/proc/<child> are the bot's alone, and the stand-in's own CPU is reported beside them.

- throughput: witnesses walking a detention report at once: updates/s and the bot's CPU time
  per update, vs the bare PTB echo bot (`bench.echo_bot`) answering as many texts; SQLite and,
  when reachable, PostgreSQL (its `public` schema is dropped and rebuilt first).
- drafts: the bot's resident memory with 10,000 witnesses each mid-report, vs the same bot
  started with no witnesses.
- flood: reply latency of 50 witnesses while one user sends 1,000 messages in a minute, vs
  the same 50 witnesses with no flood.
- taps: actions a witness needs from /start to Send, vs the screens they answer on the way.

Prints one JSON object per result; BENCHMARKS.md holds the figures with the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, make_url, select, text
from telegram import Update
from telegram.ext import Application

from bench.echo_bot import build_echo_application
from bot import logs
from bot.app import POLL_INTERVAL, build_application, open_services, set_commands
from bot.config import Config, ReviewersConfig, SecurityConfig, StorageConfig, TelegramConfig
from standin import BotApiStandin, FloodLimits, SimUser
from storage import schema
from storage.crypto.drafts import DraftKeys
from storage.crypto.keys import KeyKind, ReviewerPrivateKey
from storage.database import Database
from storage.models import Case

TOKEN = "123456:BENCH"  # noqa: S105  # the stand-in accepts any token; no real bot is involved
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/kuager_bench"
"""The tests' server, but a database of its own: the suite on PostgreSQL drops the `test`
database's schema for every test, and this benchmark drops its schema too."""
TELEGRAM_RATE = 30
"""Messages a second Telegram lets a bot send overall (`bench.burst`)."""
REPLY_TIMEOUT = 60.0
"""Seconds a witness waits for one reply before the run counts it as lost."""

BotKind = Literal["kuager", "paced", "paced-untold", "echo", "echo-aiohttp"]
""""paced": Kuager as `kuager run` runs it, keeping to Telegram's 30 messages a second;
"paced-untold" the same, but never telling a newcomer it is busy (what the notices cost)."""
ECHOES = ("echo", "echo-aiohttp")


# -- what witnesses do -------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One thing a witness does: a command, a typed text, or a press of an answer button
    (`value` is its answer code) or of Send."""

    kind: Literal["command", "text", "press", "send"]
    value: str = ""


def presses(*codes: str) -> tuple[Action, ...]:
    return tuple(Action("press", code) for code in codes)


NARRATIVE = "Брата увели люди в штатском возле акимата и посадили в машину."
TYPICAL = (
    Action("command", "/start"),
    *presses("ru", "yes", "detention", "self", "today", "almaty", "skipped", "police", "done"),
    *presses("released"),
    Action("text", NARRATIVE),
    *presses("yes", "reviewers", "done", "none", "no"),
    Action("send"),
)
"""The detention report of tests/e2e/test_report.py: a region, then the town skipped."""

MINIMAL = (
    Action("command", "/start"),
    *presses("ru", "yes", "detention", "self", "today", "dont_know", "police", "done"),
    *presses("released"),
    Action("text", NARRATIVE),
    *presses("yes", "reviewers", "done", "none", "no"),
    Action("send"),
)
"""The fewest actions to a sent report: every required question answered with one press
where one press can answer it ("I don't know" for the place asks no town), multi-choice
questions with one choice and Done, a one-line account, anonymous, no details."""

MID_REPORT = TYPICAL[:5]
"""/start, language, consent, report type, reporter role: a draft open at the date question."""

ECHO = tuple(Action("text", f"{NARRATIVE} {n}") for n in range(len(TYPICAL)))
"""As many updates as a report, for the echo bot, which answers texts only."""

ANSWER_ACTIONS = frozenset("alcmow")
"""Action letters of buttons that carry an answer code (handlers.callbacks.Action)."""


def callback_for(user: SimUser, action: Action) -> tuple[str, int]:
    """The callback data and message id of the button `action` presses on the newest message
    with buttons, as the witness's screen shows it."""
    message = next((m for m in reversed(user.bot_messages()) if m.button_data), None)
    if message is not None:
        for row in message.button_data:
            for data in row:
                if data is None:
                    continue
                _ticket, letter, argument = data.split("|", 2)
                if action.kind == "send" and letter == "s":
                    return data, message.message_id
                if action.kind == "press" and letter in ANSWER_ACTIONS and argument == action.value:
                    return data, message.message_id
    shown = message.button_data if message is not None else []
    raise LookupError(f"no button for {action} on screen; buttons: {shown}")


async def perform(user: SimUser, action: Action) -> None:
    if action.kind == "command":
        await user.send_command(action.value)
    elif action.kind == "text":
        await user.send_text(action.value)
    else:
        data, message_id = callback_for(user, action)
        await user.press_data(data, message_id)


class Replies:
    """Waits for the bot's output in many chats at once, with one task.

    The stand-in's `wait_for_reply` wakes every waiting witness on every call the bot makes;
    with hundreds of witnesses waiting, this process rather than the bot becomes the
    bottleneck. Here one task re-checks only the chats someone waits on, reading the
    stand-in's chats directly (its internals: this is a benchmark, not a test of it).
    """

    def __init__(self, standin: BotApiStandin, timeout: float = REPLY_TIMEOUT) -> None:
        self._world = standin._world
        self._timeout = timeout
        self._waiting: dict[int, tuple[int, asyncio.Future[None]]] = {}
        self._task: asyncio.Task[None] | None = None

    def outputs(self, chat_id: int) -> int:
        """Messages the bot has sent or edited in this chat so far."""
        return len(self._world.chats[chat_id].outputs)

    async def until(self, chat_id: int, count: int) -> None:
        """Wait until the chat shows `count` outputs; TimeoutError after the timeout."""
        if self.outputs(chat_id) >= count:
            return
        if self._task is None:
            self._task = asyncio.create_task(self._watch())
        future = asyncio.get_running_loop().create_future()
        self._waiting[chat_id] = (count, future)
        try:
            async with asyncio.timeout(self._timeout):
                await future
        finally:
            self._waiting.pop(chat_id, None)

    def _release(self) -> bool:
        ready = [c for c, (n, _f) in self._waiting.items() if self.outputs(c) >= n]
        for chat_id in ready:
            future = self._waiting.pop(chat_id)[1]
            if not future.done():
                future.set_result(None)
        return bool(ready)

    async def _watch(self) -> None:
        while True:
            await self._world.activity.wait_until(self._release, 3600.0)

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()


@dataclass
class Scene:
    """A stand-in, a bot process talking to it, and what each action of a path makes it send."""

    standin: BotApiStandin
    bot: BotProcess
    replies: Replies
    outputs_per_action: dict[tuple[Action, ...], list[int]] = field(default_factory=dict)

    def witness(self) -> SimUser:
        return self.standin.user(first_name="Witness", language_code="ru")

    async def calibrate(self, path: tuple[Action, ...]) -> SimUser:
        """Walk `path` once, waiting until the bot is idle after each action, to learn how
        many messages each action makes it send or edit (also warms the bot up)."""
        user, counts = self.witness(), []
        for action in path:
            before = self.replies.outputs(user.id)
            await perform(user, action)
            await self.standin.wait_idle(quiet=0.3, timeout=30)
            counts.append(self.replies.outputs(user.id) - before)
        if 0 in counts:
            raise RuntimeError(f"the bot did not answer every action of the path: {counts}")
        self.outputs_per_action[path] = counts
        return user

    async def act(self, user: SimUser, path: tuple[Action, ...], index: int) -> float:
        """Do the `index`th action of `path`; seconds until the bot has shown all of its reply."""
        target = self.replies.outputs(user.id) + self.outputs_per_action[path][index]
        started = time.perf_counter()
        await perform(user, path[index])
        await self.replies.until(user.id, target)
        return time.perf_counter() - started

    async def walk(self, user: SimUser, path: tuple[Action, ...], latencies: list[float]) -> None:
        """Walk the whole path, each action as soon as the bot has shown its last reply."""
        for index in range(len(path)):
            latencies.append(await self.act(user, path, index))


def final_buttons(user: SimUser) -> list[str]:
    """Action letters and codes of the newest buttons: equal for witnesses at the same place."""
    message = next((m for m in reversed(user.bot_messages()) if m.button_data), None)
    rows = message.button_data if message is not None else []
    return [d.split("|", 1)[1] for row in rows for d in row if d is not None]


# -- the bot in its own process ----------------------------------------------------------------


def bench_config(
    port: int, database_url: str, reviewer_line: str, messages_per_second: int = 0
) -> Config:
    """`kuager run`'s defaults, but pointed at the stand-in and with Telegram's overall
    30 messages/s limiter off (`messages_per_second` 0): it would cap every figure below at
    Telegram's rate. `bench.burst` measures the bot at that rate."""
    address = BotApiStandin(TOKEN, port=port)  # not started: only its URLs are used
    return Config(
        telegram=TelegramConfig(
            token=TOKEN,
            api_base_url=address.api_base_url,
            file_base_url=address.file_base_url,
            max_messages_per_second=messages_per_second,
        ),
        storage=StorageConfig(database_url=database_url),
        reviewers=ReviewersConfig(public_keys=(reviewer_line,)),
        security=SecurityConfig(draft_key=DraftKeys.generate_secret()),
    )


async def serve_bot(kind: str, port: int, database_url: str, reviewer_line: str) -> None:
    """The child: run the bot until the parent closes our stdin."""
    rate = TELEGRAM_RATE if kind.startswith("paced") else 0
    config = bench_config(port, database_url, reviewer_line, rate)
    logs.configure(config.logging.level.upper())  # as `kuager run`: logging is part of the cost
    application: Application[Any, Any, Any, Any, Any, Any]
    services = None
    if kind in ECHOES:
        standin = BotApiStandin(TOKEN, port=port)
        application = build_echo_application(standin, aiohttp=kind == "echo-aiohttp")
    else:
        services = await open_services(config)
        if kind == "paced-untold":
            services.busy_after = float("inf")
        application = build_application(config, services)
    async with application:
        if services is not None:
            await set_commands(application)
        await application.start()
        assert application.updater is not None
        # As `kuager run` polls; the echo bot keeps PTB's defaults, as a bare bot would.
        interval = 0.0 if kind in ECHOES else POLL_INTERVAL
        await application.updater.start_polling(
            allowed_updates=Update.ALL_TYPES, poll_interval=interval
        )
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.read)
        await application.updater.stop()
        await application.stop()
    if services is not None:
        await services.db.close()


def bot_child_main(argv: Sequence[str]) -> None:
    pin(bot=True)
    kind, port, database_url, reviewer_line = argv
    asyncio.run(serve_bot(kind, int(port), database_url, reviewer_line))


def _cpu(stat_path: str) -> float:
    fields = Path(stat_path).read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class BotProcess:
    """The bot's process, read from /proc: CPU time of all its threads, resident memory."""

    process: asyncio.subprocess.Process
    log: Path

    def cpu_seconds(self) -> tuple[float, float]:
        """CPU seconds (user + system) so far: the whole process, and its event-loop thread
        alone (the rest is mostly the database driver's worker threads)."""
        pid = self.process.pid
        return _cpu(f"/proc/{pid}/stat"), _cpu(f"/proc/{pid}/task/{pid}/stat")

    def memory_mb(self) -> dict[str, float]:
        """VmRSS (now) and VmHWM (peak) in MiB."""
        found = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            name, _sep, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = round(int(value.split()[0]) / 1024, 1)
        return found

    def errors(self) -> int:
        """Tracebacks and ERROR lines the bot logged (a run with any is suspect)."""
        logged = self.log.read_text(errors="replace")
        return logged.count("Traceback") + logged.count(" ERROR ")


BOT_CORE = 1
"""The core the bot under test gets to itself; this process (stand-in, witnesses) the rest."""


def pin(*, bot: bool) -> None:
    """ "On one core", literally: the bot (all its threads, pinned before it starts any) runs
    on BOT_CORE only, and the stand-in and witnesses on the other cores. With a single CPU
    there is nothing to separate."""
    cores = set(range(os.cpu_count() or 1))
    if BOT_CORE in cores and len(cores) > 1:
        os.sched_setaffinity(0, {BOT_CORE} if bot else cores - {BOT_CORE})


@asynccontextmanager
async def bot_process(
    kind: BotKind, standin: BotApiStandin, database_url: str, folder: Path
) -> AsyncIterator[BotProcess]:
    reviewer = ReviewerPrivateKey.generate(KeyKind.X25519)
    log = folder / f"{kind}-{time.monotonic_ns()}.log"
    with log.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bench.bot_bench", "_bot", kind, str(standin.port)),
            *(database_url, reviewer.public.line),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=log_file,
        )
    assert process.stdin is not None and process.stdout is not None
    bot = BotProcess(process, log)
    try:
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        if line.strip() != b"ready":
            raise RuntimeError(f"the bot did not start:\n{log.read_text()[-3000:]}")
        yield bot
    finally:
        process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()


async def create_postgres_database(url: str) -> None:
    """Create the URL's database on its server unless it exists."""
    parsed = make_url(url)
    server = Database(
        parsed.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    try:
        async with server.engine.connect() as conn:
            found = await conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            )
            if found.first() is None:
                await conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        await server.close()


async def fresh_database(url: str) -> None:
    """An empty database at the current schema (PostgreSQL: `public` dropped and rebuilt)."""
    if url.startswith("postgres"):
        await create_postgres_database(url)
    db = Database(url, create=True)
    try:
        if db.dialect == "postgresql":
            async with db.engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
        await schema.upgrade(db)
    finally:
        await db.close()


async def count_cases(url: str) -> int:
    db = Database(url)
    try:
        async with db.sessions() as session:
            return int((await session.execute(select(func.count()).select_from(Case))).scalar_one())
    finally:
        await db.close()


@asynccontextmanager
async def scene(
    kind: BotKind,
    database_url: str,
    folder: Path,
    *,
    flood_limits: FloodLimits | None = None,
    watching: Callable[[BotApiStandin], Replies] = Replies,
) -> AsyncIterator[Scene]:
    if kind not in ECHOES:
        await fresh_database(database_url)
    async with (
        BotApiStandin(TOKEN, flood_limits=flood_limits) as standin,
        bot_process(kind, standin, database_url, folder) as bot,
    ):
        replies = watching(standin)
        try:
            yield Scene(standin, bot, replies)
        finally:
            replies.close()


# -- profiling ---------------------------------------------------------------------------------

COST_CENTRES = (
    ("getUpdates (PTB polling)", ("Bot.get_updates",)),
    ("answerCallbackQuery", ("Bot.answer_callback_query",)),
    ("editMessageReplyMarkup", ("Bot.edit_message_reply_markup",)),
    ("editMessageText", ("Bot.edit_message_text",)),
    ("sendMessage", ("Bot.send_message",)),
    ("draft encryption, owner HMAC", ("DraftKeys.",)),
    ("sealing a case", ("storage/crypto/envelope.py", "storage/cases.py", "storage/chain.py")),
    ("database (SQLAlchemy, driver)", ("greenlet_spawn", "aiosqlite", "asyncpg", "sqlalchemy")),
    ("our handlers (forms, screens, i18n)", ("handlers/",)),
    ("PTB dispatch, asyncio, the rest", ("",)),
)
"""Where the bot's CPU goes: a sample counts for the first centre its stack mentions."""


@asynccontextmanager
async def sampled(bot: BotProcess, raw_path: str) -> AsyncIterator[None]:
    """Sample the bot with py-spy while the block runs (threads holding the GIL: CPU work)."""
    if not raw_path:
        yield
        return
    spy = await asyncio.create_subprocess_exec(
        *(str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(bot.process.pid)),
        *("--gil", "--rate", "250", "--format", "raw", "--output", raw_path),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await asyncio.sleep(1)  # attached
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)  # py-spy writes its samples on Ctrl-C
        await spy.wait()


def summarise(raw_path: str, top: int = 12) -> dict[str, Any]:
    """Shares of the bot's sampled CPU by cost centre, and the functions most often on top."""
    centres: Counter[str] = Counter()
    on_top: Counter[str] = Counter()
    total = 0
    for line in Path(raw_path).read_text().splitlines():
        stack, _sep, count = line.rpartition(" ")
        samples = int(count)
        total += samples
        centre = next(name for name, marks in COST_CENTRES if any(m in stack for m in marks))
        centres[centre] += samples
        on_top[stack.rsplit(";", 1)[-1]] += samples
    return {
        "samples": total,
        "cost_centres": {name: round(centres[name] / total, 3) for name, _m in COST_CENTRES},
        "top_self": {name: round(n / total, 3) for name, n in on_top.most_common(top)},
    }


# -- the benchmarks ----------------------------------------------------------------------------


def emit(result: dict[str, Any]) -> None:
    print(json.dumps(result, ensure_ascii=False), flush=True)


def database_name(kind: BotKind, url: str) -> str:
    if kind in ECHOES:
        return "none"
    return "postgresql" if url.startswith("postgres") else "sqlite (file)"


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def measure_mix(
    kind: BotKind, database_url: str, witnesses: int, folder: Path, profile: str = ""
) -> dict[str, Any]:
    """`witnesses` people at once, each walking the path as fast as the bot answers."""
    path = ECHO if kind in ECHOES else TYPICAL
    async with scene(kind, database_url, folder) as s:
        sample = await s.calibrate(path)
        users = [s.witness() for _ in range(witnesses)]
        latencies: list[float] = []
        (bot_cpu, loop_cpu), own_cpu = s.bot.cpu_seconds(), time.process_time()
        started = time.perf_counter()
        async with sampled(s.bot, profile):
            await asyncio.gather(*(s.walk(user, path, latencies) for user in users))
            wall = time.perf_counter() - started
            await s.standin.wait_idle(quiet=0.2, timeout=60)  # the last callback answers, too
        own_cpu = time.process_time() - own_cpu
        bot_cpu, loop_cpu = (
            now - before
            for now, before in zip(s.bot.cpu_seconds(), (bot_cpu, loop_cpu), strict=True)
        )
        arrived = sum(final_buttons(user) == final_buttons(sample) for user in users)
        errors = s.bot.errors()
    updates = witnesses * len(path)
    result = {
        "bot": kind,
        "database": database_name(kind, database_url),
        "witnesses": witnesses,
        "updates": updates,
        "updates_per_s": round(updates / wall),
        "bot_cpu_ms_per_update": round(bot_cpu / updates * 1000, 3),
        "bot_cpu_busy": round(bot_cpu / wall, 2),
        "bot_event_loop_cpu_ms_per_update": round(loop_cpu / updates * 1000, 3),
        "bot_event_loop_busy": round(loop_cpu / wall, 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "standin_cpu_ms_per_update": round(own_cpu / updates * 1000, 3),
        "standin_cpu_busy": round(own_cpu / wall, 2),
        "reply_ms_median": round(statistics.median(latencies) * 1000, 1),
        "reply_ms_p95": round(percentile(latencies, 0.95) * 1000, 1),
        "walks_completed": arrived,
        "bot_errors_logged": errors,
    }
    if profile:
        result["profiled"] = "py-spy was sampling: figures disturbed, see the profile line"
    if kind == "kuager":
        result["cases_stored"] = await count_cases(database_url) - 1  # less the calibration
    return result


async def bench_throughput(
    witnesses: int, folder: Path, postgres_url: str, profile_folder: str
) -> None:
    echo = await measure_mix("echo", "", witnesses, folder)
    emit({"bench": "throughput", **echo})
    # The same echo bot on Kuager's HTTP client: what the client alone changes.
    echo_aiohttp = await measure_mix("echo-aiohttp", "", witnesses, folder)
    emit({"bench": "throughput", **echo_aiohttp})
    runs = [("sqlite", str(folder / "throughput.db"))]
    if postgres_url:
        runs.append(("postgresql", postgres_url))
    for name, url in runs:
        profile = str(Path(profile_folder) / f"bot-{name}.txt") if profile_folder else ""
        ours = await measure_mix("kuager", url, witnesses, folder, profile)
        if profile:
            emit({"bench": "profile", "database": name, "raw": profile, **summarise(profile)})
        cpu_ratio = ours["bot_cpu_ms_per_update"] / echo["bot_cpu_ms_per_update"]
        emit(
            {
                "bench": "throughput",
                **ours,
                "echo_updates_per_s": echo["updates_per_s"],
                "echo_bot_cpu_ms_per_update": echo["bot_cpu_ms_per_update"],
                "cpu_per_update_vs_echo": round(cpu_ratio, 2),
                "cpu_per_update_vs_echo_aiohttp": round(
                    ours["bot_cpu_ms_per_update"] / echo_aiohttp["bot_cpu_ms_per_update"], 2
                ),
                "one_core_updates_per_s": round(1000 / ours["bot_cpu_ms_per_update"]),
                "target": "cpu <= 1.5x echo; >= 300 updates/s on one core",
            }
        )


async def bench_drafts(drafts: int, concurrency: int, folder: Path) -> None:
    """Memory of the bot holding `drafts` witnesses mid-report, vs the bot with none."""
    async with scene("kuager", str(folder / "idle.db"), folder) as idle:
        await asyncio.sleep(2)
        baseline = idle.bot.memory_mb()
    async with scene("kuager", str(folder / "drafts.db"), folder) as s:
        await s.calibrate(MID_REPORT)
        await s.standin.wait_idle(quiet=1)
        one_witness = s.bot.memory_mb()
        gate = asyncio.Semaphore(concurrency)
        latencies: list[float] = []
        started = time.perf_counter()

        async def open_draft() -> None:
            async with gate:
                await s.walk(s.witness(), MID_REPORT, latencies)

        await asyncio.gather(*(open_draft() for _ in range(drafts)))
        wall = time.perf_counter() - started
        await s.standin.wait_idle(quiet=1, timeout=60)
        loaded = s.bot.memory_mb()
        errors = s.bot.errors()
    above = loaded["VmRSS"] - baseline["VmRSS"]
    emit(
        {
            "bench": "drafts",
            "open_drafts": drafts + 1,
            "updates": drafts * len(MID_REPORT),
            "updates_per_s": round(drafts * len(MID_REPORT) / wall),
            "baseline_rss_mb": baseline["VmRSS"],
            "baseline_hwm_mb": baseline["VmHWM"],
            "one_witness_rss_mb": one_witness["VmRSS"],
            "drafts_rss_mb": loaded["VmRSS"],
            "drafts_hwm_mb": loaded["VmHWM"],
            "rss_above_baseline_mb": round(above, 1),
            "hwm_above_baseline_mb": round(loaded["VmHWM"] - baseline["VmHWM"], 1),
            "kib_per_draft_after_first": round(
                (loaded["VmRSS"] - one_witness["VmRSS"]) * 1024 / drafts, 2
            ),
            "bot_errors_logged": errors,
            "target": "<= 100 MB above baseline",
        }
    )


async def users_for(s: Scene, users: int, seconds: float, rng: random.Random) -> list[float]:
    """`users` people using the bot for `seconds`, each pausing 2.2-3 s between actions
    (well under the per-witness limit), a fresh witness for each report; their latencies."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    lost = 0

    async def one_person() -> None:
        nonlocal lost
        while time.perf_counter() < deadline:
            user = s.witness()
            for index in range(len(TYPICAL)):
                await asyncio.sleep(rng.uniform(2.2, 3.0))
                if time.perf_counter() >= deadline:
                    return
                try:
                    latencies.append(await s.act(user, TYPICAL, index))
                except TimeoutError:
                    lost += 1
                    break

    await asyncio.gather(*(one_person() for _ in range(users)))
    if lost:
        raise RuntimeError(f"{lost} replies never came")
    return latencies


async def flood(s: Scene, messages: int, seconds: float) -> SimUser:
    """One user sending `messages` texts evenly over `seconds`, never waiting for replies."""
    user = s.witness()
    await user.send_command("/start")
    interval = seconds / messages
    start = time.perf_counter()
    for n in range(1, messages):
        await asyncio.sleep(max(0.0, start + n * interval - time.perf_counter()))
        await user.send_text(f"flood {n}")
    return user


async def bench_flood(users: int, messages: int, seconds: float, folder: Path) -> None:
    results: dict[bool, dict[str, Any]] = {}
    for flooding in (False, True):
        async with scene("kuager", str(folder / f"flood-{flooding}.db"), folder) as s:
            await s.calibrate(TYPICAL)
            rng = random.Random(7)
            bot_cpu = s.bot.cpu_seconds()[0]
            flooder = asyncio.create_task(flood(s, messages, seconds)) if flooding else None
            latencies = await users_for(s, users, seconds, rng)
            flooder_replies = 0  # bot messages sent or edited in the flooder's chat
            if flooder is not None:
                flooder_user = await flooder
                await s.standin.wait_idle(quiet=0.5, timeout=60)
                flooder_replies = s.replies.outputs(flooder_user.id)
            results[flooding] = {
                "replies": len(latencies),
                "reply_ms_median": round(statistics.median(latencies) * 1000, 1),
                "reply_ms_p95": round(percentile(latencies, 0.95) * 1000, 1),
                "bot_cpu_busy": round((s.bot.cpu_seconds()[0] - bot_cpu) / seconds, 2),
                "flooder_got_replies": flooder_replies,
                "bot_errors_logged": s.bot.errors(),
            }
    quiet, loud = results[False], results[True]
    emit(
        {
            "bench": "flood",
            "users": users,
            "flood_messages": messages,
            "seconds": seconds,
            "without_flood": quiet,
            "with_flood": loud,
            "median_ratio": round(loud["reply_ms_median"] / quiet["reply_ms_median"], 2),
            "p95_ratio": round(loud["reply_ms_p95"] / quiet["reply_ms_p95"], 2),
            "target": "<= 1.5x",
        }
    )


async def bench_taps(folder: Path) -> None:
    """Actions from /start to a sent report, counted by driving the real bot."""
    url = str(folder / "taps.db")
    async with scene("kuager", url, folder) as s:
        for name, path in (("minimal", MINIMAL), ("typical", TYPICAL)):
            screens, last_screen = 0, ""
            user = s.witness()
            for index, action in enumerate(path):
                before = s.replies.outputs(user.id)
                await perform(user, action)
                await s.standin.wait_idle(quiet=0.3, timeout=30)
                if s.replies.outputs(user.id) == before:
                    raise RuntimeError(f"no reply to action {index} ({action}) of {name}")
                shown = next(m for m in reversed(user.bot_messages()) if m.button_data).text
                # A screen is its heading and question; a multi-choice toggle adds only the
                # choices so far below them, so it redraws the same screen.
                screen = "\n".join(shown.split("\n")[:2])
                screens += screen != last_screen
                last_screen = screen
            sent = final_buttons(user)
            emit(
                {
                    "bench": "taps",
                    "path": name,
                    "actions": len(path),
                    "commands": sum(a.kind == "command" for a in path),
                    "presses": sum(a.kind in ("press", "send") for a in path),
                    "texts": sum(a.kind == "text" for a in path),
                    "screens": screens,
                    "actions_per_screen": round(len(path) / screens, 2),
                    "reached": "wipe offer after the receipt" if "w|ask" in sent else str(sent),
                    "steps": " ".join(a.value or a.kind for a in path),
                    "target": "<= 25",
                }
            )
    assert await count_cases(url) == 2, "each walk sent one case"


# -- the command line --------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        platform.processor(),
    )
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return {
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "ram_gib": round(memory_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "load_average": os.getloadavg()[0],
    }


async def run(args: argparse.Namespace) -> None:
    which = args.which
    with tempfile.TemporaryDirectory(prefix="kuager-bench-", dir=args.folder) as name:
        folder = Path(name)
        if which in ("taps", "all"):
            await bench_taps(folder)
        if which in ("throughput", "all"):
            await bench_throughput(args.witnesses, folder, args.postgres, args.profile)
        if which in ("flood", "all"):
            await bench_flood(args.users, args.flood_messages, args.flood_seconds, folder)
        if which in ("drafts", "all"):
            await bench_drafts(args.drafts, args.concurrency, folder)


def main() -> None:
    if sys.argv[1:2] == ["_bot"]:
        bot_child_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "which", nargs="?", default="all", choices=["throughput", "drafts", "flood", "taps", "all"]
    )
    parser.add_argument("--witnesses", type=int, default=200, help="throughput: at once")
    parser.add_argument("--postgres", default=POSTGRES_URL, help="'' skips PostgreSQL")
    parser.add_argument("--drafts", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=200, help="drafts: witnesses at once")
    parser.add_argument("--users", type=int, default=50, help="flood: people using the bot")
    parser.add_argument("--flood-messages", type=int, default=1000)
    parser.add_argument("--flood-seconds", type=float, default=60.0)
    parser.add_argument("--folder", default=None, help="where the databases go (on disk)")
    parser.add_argument("--profile", default="", help="throughput: py-spy the bot into DIR")
    args = parser.parse_args()
    emit(machine())
    pin(bot=False)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
