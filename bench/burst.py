"""Bursts of witnesses against Telegram's real limits, beside the floor those limits impose.

    .venv/bin/python -m bench.burst [--witnesses 100 1000] [--seconds 60] [--postgres URL]

Witnesses arrive at random within `--seconds` (seeded), each sends /start and answers the
language, the consent, the report type and the report's first two questions at once as each
screen shows (six replies). The stand-in enforces 30 messages a second overall, one a second
per chat (a burst of two), and the bot (`bench.bot_bench`'s child process, as `kuager run`
builds it, pacing itself) answers. Each reply's latency runs from the witness's action to the
screen it asked for (a "the bot is busy" notice is not that screen).

The floor is a simulation of an ideal scheduler on the same arrivals: no processing time at
all, each message sent the moment the same buckets allow, oldest first. Whatever the bot does,
the limit alone makes replies that late; the goal is p95 within 1.5x of the floor's.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import random
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.bot_bench import (
    POSTGRES_URL,
    TELEGRAM_RATE,
    Action,
    BotKind,
    Replies,
    Scene,
    emit,
    machine,
    percentile,
    pin,
    presses,
    scene,
)
from standin import BotApiStandin, FloodLimits, TokenBucket, chat_bucket, overall_bucket

PATH = (Action("command", "/start"), *presses("ru", "yes", "detention", "self", "today"))
"""/start, language, consent, report type, then the report's first two questions."""
LIMITS = FloodLimits(overall_per_second=TELEGRAM_RATE, chat_per_second=1, chat_burst=2)
LONGEST_REPLY = 900.0
"""Seconds a witness waits for one screen before the run counts it as lost."""


class Screens(Replies):
    """Counts the screens a chat was shown (messages with buttons), not notices."""

    def outputs(self, chat_id: int) -> int:
        return sum(1 for m in self._world.chats[chat_id].outputs if m.markup)


def watching(standin: BotApiStandin) -> Replies:
    return Screens(standin, timeout=LONGEST_REPLY)


# -- the floor -------------------------------------------------------------------------------


def ideal_latencies(
    arrivals: Sequence[float], messages: Sequence[int], limits: FloodLimits
) -> list[float]:
    """Reply latencies under an ideal scheduler: `messages[k]` messages answer a witness's
    k-th action, which they take the moment the previous reply is complete; each message
    goes as soon as both buckets allow, the one waiting longest first."""
    overall = overall_bucket(limits)
    chats: list[TokenBucket] = [chat_bucket(limits, 1) for _ in arrivals]
    issues = [(at, w) for w, at in enumerate(arrivals)]
    heapq.heapify(issues)
    step = [0] * len(arrivals)
    waiting: dict[int, tuple[float, int]] = {}  # witness: (action time, messages left)
    latencies: list[float] = []
    now = 0.0
    while issues or waiting:
        while issues and issues[0][0] <= now:
            at, w = heapq.heappop(issues)
            waiting[w] = (at, messages[step[w]])
        ready = [w for w in waiting if chats[w].wait(now) < 1e-9]
        if ready and overall.wait(now) < 1e-9:
            w = min(ready, key=lambda v: waiting[v][0])
            overall.take(now)
            chats[w].take(now)
            at, left = waiting.pop(w)
            if left > 1:
                waiting[w] = (at, left - 1)
                continue
            latencies.append(now - at)
            step[w] += 1
            if step[w] < len(messages):
                heapq.heappush(issues, (now, w))
            continue
        candidates = [issues[0][0]] if issues else []
        if waiting:
            soonest_chat = min(chats[w].wait(now) for w in waiting)
            candidates.append(now + max(overall.wait(now), soonest_chat))
        now = max(now + 1e-9, min(candidates))
    return latencies


# -- the burst -------------------------------------------------------------------------------


def summary(latencies: list[float]) -> dict[str, float]:
    return {
        "median_s": round(statistics.median(latencies), 2),
        "p95_s": round(percentile(latencies, 0.95), 2),
        "max_s": round(max(latencies), 2),
    }


async def walk(s: Scene, at: float, started: float, latencies: list[float]) -> None:
    await asyncio.sleep(max(0.0, started + at - time.perf_counter()))
    await s.walk(s.witness(), PATH, latencies)


async def burst(
    witnesses: int, seconds: float, database_url: str, seed: int, *, untold: bool = False
) -> dict[str, Any]:
    rng = random.Random(seed)
    arrivals = sorted(rng.uniform(0, seconds) for _ in range(witnesses))
    with tempfile.TemporaryDirectory(prefix="kuager-burst-") as name:
        folder = Path(name)
        url = database_url or str(folder / "burst.db")
        kind: BotKind = "paced-untold" if untold else "paced"
        async with scene(kind, url, folder, flood_limits=LIMITS, watching=watching) as s:
            # Each action is answered by one screen, one message (sent or edited): checked
            # below against what Telegram counted. (`Scene.calibrate` waits for the bot to
            # go idle, which a paced bot seems to be while its reply waits for its turn.)
            s.outputs_per_action[PATH] = [1] * len(PATH)
            await s.walk(s.witness(), PATH, [])  # warm up
            await asyncio.sleep(2)  # the warm-up's chat and overall buckets refill
            logged = len(s.standin.flood_log)
            latencies: list[float] = []
            started = time.perf_counter()
            await asyncio.gather(*(walk(s, at, started, latencies) for at in arrivals))
            wall = time.perf_counter() - started
            await s.standin.wait_idle(quiet=0.5, timeout=60)
            log = s.standin.flood_log[logged:]
            unasked = Counter(
                str(call.params.get("text", "")).split("\n", 1)[0]
                for call in s.standin.calls
                if call.method == "sendMessage" and not call.params.get("reply_markup")
            )
            notices = sum(unasked.values())
            errors = s.bot.errors()
            messages = s.outputs_per_action[PATH]
    sent = sum(r.verdict == "sent" for r in log)
    floor = ideal_latencies(arrivals, messages, LIMITS)
    ours, ideal = summary(latencies), summary(floor)
    return {
        "bench": "burst",
        "busy_notices": "off" if untold else "on",
        "database": "postgresql" if url.startswith("postgres") else "sqlite (file)",
        "witnesses": witnesses,
        "arriving_within_s": seconds,
        "replies": len(latencies),
        "replies_expected": witnesses * len(PATH),
        "messages_per_action": messages,
        "limits": "30/s overall, 1/s per chat (burst 2)",
        "reply": ours,
        "floor": ideal,
        "p95_vs_floor": round(ours["p95_s"] / ideal["p95_s"], 2),
        "median_vs_floor": round(ours["median_s"] / ideal["median_s"], 2),
        "wall_s": round(wall, 1),
        "sent": sent,
        "refused_429": sum(r.verdict == "refused" for r in log),
        "early_retries": sum(r.verdict == "early" for r in log),
        "messages_without_buttons": dict(unasked),
        "sent_is_screens_plus_notices": sent == witnesses * sum(messages) + notices,
        "bot_errors_logged": errors,
        "target": "p95 <= 1.5x floor",
    }


async def run(args: argparse.Namespace) -> None:
    for witnesses in args.witnesses:
        emit(await burst(witnesses, args.seconds, args.postgres, args.seed, untold=args.untold))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--witnesses", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--seconds", type=float, default=60.0, help="arrivals spread over")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--postgres", default="", help=f"e.g. {POSTGRES_URL}; default SQLite")
    parser.add_argument("--untold", action="store_true", help="no 'busy' notices (their cost)")
    args = parser.parse_args()
    emit(machine())
    pin(bot=False)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
