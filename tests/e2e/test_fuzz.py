"""A storm of random and real-shaped updates through the real bot, and what must survive it.

Hypothesis draws the storm's material, derandomized so every run plays the same storm: hostile
texts (HTML, format strings, bidirectional marks, zero-width joiners, emoji, 10,000-character
walls), forged callback data, and a seed per wave that picks who does what. `traffic.Storm`
plays each wave against the real Application over the stand-in: 200 witnesses pressing,
typing, forging and replaying buttons, sending stickers, polls, albums, contacts and edits,
blocking the bot; group members and channels; floods. Valid presses are mixed in, resolved
against each witness's screen, so sessions reach deep into forms, reviews and sending.

After every wave: no unhandled exception, every press answered, every message answered.
After the storm: no reply refused for its HTML or size, no group or channel kept, every
stored draft still opens and fits its form, and a new witness still completes a report.
"""

from __future__ import annotations

import collections
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from handlers import texts
from handlers.forms import get_form, resume
from handlers.forms.draft import Draft
from handlers.i18n import _, language, negotiate
from handlers.session import Session
from standin import BotApiStandin, SimUser
from storage import chain
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.drafts import DraftStore
from storage.export import ExportFormat, ExportRequest, export_cases
from tests.e2e.harness import RunningBot, Witness, hurry, running_bot
from tests.e2e.traffic import KINDS, NASTY, Act, Storm, fit

TARGET_UPDATES = 10_000
WITNESSES = 200
WAVE = 150
"""Acts per wave; the bot settles between waves, and the checks run."""
DILIGENT = 4
"""Every fourth witness mostly just answers, so many reports get through the storm."""
FLOODS = {2: 700, 12: 700, 22: 700, 32: 700, 42: 700}
"""Wave: messages one more person sends at once then (the harness allows 120 a minute)."""
CODES = (
    "yes", "no", "skipped", "done", "today", "unknown", "police", "detention", "ill_treatment",
    "missing_person", "en", "ru", "kk", "zz", "ask", "status_now", "victims.0.name",
    "victims.99.name", "narrative", "../", "", "0", "-1", "None", "null",
)  # fmt: skip
"""Arguments forged onto current tickets: real codes in the wrong place, and nonsense."""
NEVER_REFUSED = (
    "can't parse entities",
    "message is too long",
    "message text is empty",
    "BUTTON_DATA_INVALID",
    "Text buttons are unallowed",
    "stand-in crashed",
)
"""Telegram refusals that would mean the bot built a message wrongly."""


def visible(text: str) -> str:
    """Telegram sends no blank messages."""
    return text if text.strip() else text + "·"


PIECES = st.one_of(
    st.sampled_from(NASTY), st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
)
SHORT_TEXT = st.lists(PIECES, min_size=1, max_size=24).map("".join).map(visible)
LONG_TEXT = st.lists(PIECES, min_size=1, max_size=6).map(
    lambda parts: visible(("".join(parts) * 10_000)[:10_000])
)
FORGED = st.one_of(
    st.lists(PIECES, max_size=40).map("".join).map(fit),
    st.builds(
        lambda ticket, action, argument: fit(f"{ticket:x}|{action}|{argument}"),
        st.integers(0, 2**40),
        st.sampled_from([*"lcmabesxowfq", "", "||"]),
        SHORT_TEXT | st.sampled_from(CODES),
    ),
    st.sampled_from(("", "|", "||", "0|a|", "-1|a|x", "1|s|", "0x1|a|yes", " 1|a|yes", "x" * 64)),
)


@dataclass(frozen=True)
class Material:
    """What hypothesis draws for one wave: hostile texts and callback data, and a seed that
    picks who does what with them (hypothesis repeats seeds; the wave number varies them)."""

    texts: list[str]
    forged: list[str]
    long_text: str
    seed: int

    def acts(self, wave: int) -> list[Act]:
        rng = random.Random(f"{self.seed}/{wave}")
        kinds = rng.choices(list(KINDS), weights=list(KINDS.values()), k=WAVE)
        acts = []
        for kind in kinds:
            user = rng.randrange(WITNESSES)
            if user % DILIGENT == 0 and rng.random() < 0.8:
                kind = "advance"
            acts.append(self.act(rng, kind, user))
        return acts

    def act(self, rng: random.Random, kind: str, user: int) -> Act:
        pick = rng.randrange(2**16)
        # Pool texts glued at random: hypothesis's shapes, in more combinations.
        text = "".join(rng.sample(self.texts, rng.randint(1, 2)))
        if kind == "long_text":
            text = self.long_text
        elif kind in ("forged", "foreign"):
            text = rng.choice(self.forged)
        elif kind == "forge_current" and pick % 2:
            text = rng.choice(CODES)
        elif kind == "advance" and pick % 2:
            text = "Коротко."
        return Act(kind, user, pick, text)


MATERIAL = st.builds(
    Material,
    st.lists(SHORT_TEXT, min_size=12, max_size=12),
    st.lists(FORGED, min_size=4, max_size=4),
    LONG_TEXT,
    st.integers(0, 2**32 - 1),
)


def draw_plan(waves: int) -> list[list[Act]]:
    """The storm's waves, the same on every run (derandomized, no example database)."""
    materials: list[Material] = []

    @settings(
        max_examples=waves,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(MATERIAL)
    def collect(material: Material) -> None:
        materials.append(material)

    collect()
    return [material.acts(number) for number, material in enumerate(materials)]


def first_line(msgid: str, user: SimUser) -> str:
    """The first line of a bot text in the language this person's Telegram asks for."""
    with language(negotiate(user.user.get("language_code"))):
        return _(msgid).split("\n", 1)[0]


async def test_a_storm_of_random_updates_breaks_nothing(
    standin: BotApiStandin,
    database_url: str,
    db: Database,
    reviewer_key: ReviewerPrivateKey,
    tmp_path: Path,
    handler_errors: Callable[[], list[str]],
) -> None:
    plan = draw_plan(waves=TARGET_UPDATES // (WAVE - 30))
    async with running_bot(standin, database_url, reviewer_key) as bot:
        assert bot.services is not None
        limit = bot.config.security.rate_limit_per_minute
        camera = standin.user(9_200_000_000, "Camera")
        photo = (await camera.send_photo(b"\xff\xd8\xff\xe0album")).raw["photo"]
        await settle(bot, camera)
        storm = Storm(standin, photo, WITNESSES)
        flooders = []

        # When the storm plays, wave by wave
        started = time.perf_counter()
        for number, wave in enumerate(plan):
            if storm.tally.updates >= TARGET_UPDATES:
                break
            storm.begin_wave()
            if number in FLOODS:
                flooders.append(standin.user(9_100_000_000 + number, "Flood"))
                await storm.flood(flooders[-1], FLOODS[number], wave[0].text)
            for act in wave:
                await storm.play(act)
            await settle(bot, camera)
            # Then after each wave nothing crashed, and every press and message was answered
            assert handler_errors() == [], (number, collections.Counter(a.kind for a in wave))
            assert storm.unanswered() == [], number
            assert [q for q in storm.tally.presses if q not in standin.callback_answers] == []
        elapsed = time.perf_counter() - started
        report_storm(storm, elapsed)
        assert storm.tally.updates >= TARGET_UPDATES

        # Then no regular witness met the flood limit, and each flooder was told once
        assert max(storm.tally.per_user.values()) < limit
        assert len(flooders) == len(FLOODS)
        for flooder in flooders:
            notice = first_line(texts.TOO_FAST, flooder)
            assert sum(m.text.startswith(notice) for m in flooder.bot_messages()) == 1
            assert len(flooder.bot_messages()) <= limit + 1
        # And no reply was refused for its HTML or size, and nothing was said in groups
        refused = collections.Counter(why for _call, why in standin.failed_calls)
        print(f"refused calls (expected kinds): {dict(refused)}")
        assert [why for why in refused if any(bad in why for bad in NEVER_REFUSED)] == []
        for group in storm.groups:
            assert not group.bot_is_member
            assert group.bot_messages() == []
        spoken_in = {int(call["chat_id"]) for call in standin.calls_to("sendMessage")}
        assert not spoken_in & set(storm.channels)
        assert set(storm.channels) <= {int(c["chat_id"]) for c in standin.calls_to("leaveChat")}

        # And every stored draft still opens and fits its form
        await assert_drafts_intact(bot, [*storm.users, *flooders])
        during_storm = await count_cases(db)
        print(f"cases sent during the storm: {during_storm}")
        assert during_storm > 0, "the storm never got a report through"

        # And a witness arriving after the storm completes a report
        fresh = bot.witness("en")
        await fresh.command("/start")
        for code in ("en", "yes", "detention"):
            await fresh.tap(code)
        await hurry(fresh, text="After the storm <b>&</b>")
        await fresh.act("s")
        assert any(t.startswith(first_line(texts.RECEIPT, fresh.user)) for t in fresh.texts())
        assert handler_errors() == []

    exported = await export_cases(
        db, reviewer_key, ExportRequest(tmp_path / "cases.jsonl", ExportFormat.JSONL)
    )
    assert exported.ok and exported.exported == during_storm + 1
    async with db.sessions() as session:
        verified = await chain.verify(session)
    assert verified.ok and verified.links == during_storm + 1


async def settle(bot: RunningBot, user: SimUser) -> None:
    """Until the whole bot is idle (the harness's settle, for any chat)."""
    await Witness(bot, user).settle()


def report_storm(storm: Storm, elapsed: float) -> None:
    tally = storm.tally
    cheap = sum(tally.kinds[k] for k in ("flood", "group", "channel", "block", "unblock"))
    print(
        f"\nfuzz: {tally.updates} updates in {elapsed:.1f}s = {tally.updates / elapsed:.0f}/s "
        f"({tally.updates - cheap} in private conversations, {cheap} floods, groups, "
        f"channels and blocks); {len(tally.presses)} presses answered, "
        f"{tally.replies_checked} messages answered ({tally.unchecked} chats wiped or "
        f"blocked, unchecked); {len(tally.reviews)} witnesses reached a review\n"
        f"kinds: {dict(tally.kinds.most_common())}"
    )


async def assert_drafts_intact(bot: RunningBot, users: Sequence[SimUser]) -> None:
    """Each witness's stored draft decrypts, is a session, and its report fits its form."""
    services = bot.services
    assert services is not None
    now = services.clock()
    # A store of our own, with nothing in memory: what the database holds is what counts.
    stored_drafts = DraftStore(services.drafts.keys, services.drafts.ttl)
    for user in users:
        stored = await stored_drafts.load(services.db, user.id, now)
        if stored is None:
            continue
        Session.from_json(stored)
        if stored.get("draft") is not None:
            # Read raw: Session.from_json would drop (and only log) a draft that fits no form.
            draft = Draft.from_json(stored["draft"])
            resume(get_form(draft.form), draft)


async def count_cases(db: Database) -> int:
    async with db.sessions() as session:
        return (await chain.verify(session)).cases


@pytest.mark.parametrize("answer", ["message", "press"])
async def test_blocking_the_bot_mid_answer_is_not_an_error(
    standin: BotApiStandin,
    database_url: str,
    reviewer_key: ReviewerPrivateKey,
    answer: str,
    handler_errors: Callable[[], list[str]],
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        assert bot.services is not None
        # Given a witness at a question
        witness = bot.witness("en")
        await witness.command("/start")
        for code in ("en", "yes", "detention"):
            await witness.tap(code)
        # When they answer and, in a hurry, block the bot before it replies
        if answer == "message":
            await witness.user.send_text("Коротко.")
        else:
            question = witness.screen
            data = next(d for row in question.button_data for d in row if d and "|a|" in d)
            await witness.user.press_data(data, question.message_id)
        await witness.user.block()
        await witness.settle()
        # Then the bot just cannot reach them: nothing went wrong inside it (found by the storm)
        assert handler_errors() == []


async def test_a_witness_who_unblocks_the_bot_is_answered_again(
    standin: BotApiStandin, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with running_bot(standin, database_url, reviewer_key) as bot:
        # Given a witness who blocked the bot
        witness = bot.witness("en")
        await witness.command("/start")
        await witness.user.block()
        await witness.settle()
        # When they unblock it ("Restart") and send /start
        await witness.user.unblock()
        await witness.command("/start")
        # Then they are answered as before (the storm found the update unreadable)
        greeting = first_line(texts.CHOOSE_LANGUAGE, witness.user)
        assert [t.split("\n", 1)[0] for t in witness.texts()] == [greeting, greeting]
