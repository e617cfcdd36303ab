"""One update's handling for one witness: load the session, change it, store it, reply.

The order matters for "nothing lost": the session (with the answer) is stored *before* the
next question is shown, so a crash between the two repeats a question rather than losing an
answer. The first save holds the conversation's first message id: /delete needs no more than
that to reach every message after it (`handlers.wipe`), whatever is lost in a crash.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, TelegramError

from handlers import texts
from handlers.context import KuagerContext
from handlers.i18n import negotiate, set_language
from handlers.priority import Priority, replying_as
from handlers.screens import Screen, notice
from handlers.services import Services, Unsaved
from handlers.session import Session, SessionFormatError, Stage
from storage.crypto.drafts import DraftUnreadable
from storage.database import StorageUnavailable

logger = logging.getLogger(__name__)
BATCH = 100
"""deleteMessages takes at most 100 ids at once."""


def markup(screen: Screen) -> InlineKeyboardMarkup | None:
    if not screen.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in screen.buttons
        ]
    )


@dataclass
class Turn:
    """The witness, their session, and the means to reply, for one update."""

    update: Update
    context: KuagerContext
    user_id: int
    chat_id: int
    session: Session
    now: dt.datetime
    toast: str | None = None
    """A short notice shown over the chat when the pressed button is answered."""
    priority: Priority = Priority.WITNESS
    """Inside a report a witness's replies go first; before it, they wait their turn."""
    alert: bool = False
    """Show `toast` as a pop-up the witness closes, not a passing notice."""
    _stored: Unsaved = field(default_factory=Unsaved)
    """The message ids as last stored: what `finish` compares with to keep the rest."""
    _busy_checked: bool = False

    @property
    def services(self) -> Services:
        return self.context.services

    @functools.cached_property
    def owner(self) -> bytes:
        return self.services.drafts.keys.owner(self.user_id)

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(self.services.witness_timezone).date()

    @classmethod
    async def begin(cls, update: Update, context: KuagerContext) -> Turn | None:
        """Load the witness's session; if storage is down, say so and return None."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return None
        set_language(negotiate(user.language_code))
        services = context.services
        now = services.clock()
        try:
            stored = await services.drafts.load(services.db, user.id, now)
        except StorageUnavailable:
            logger.warning("storage_unavailable at=load")
            await send_screen(context, chat.id, notice(texts.UNAVAILABLE))
            return None
        except DraftUnreadable:
            # Altered, or the draft key was rotated: start afresh rather than fail forever.
            logger.warning("draft_unreadable action=restart")
            stored = None
        session = _session_from(stored)
        sequel = services.sequels.get(services.drafts.keys.owner(user.id), now)
        if sequel is not None and stored is not None:
            session = session.resumed(sequel)
        turn = cls(update, context, user.id, chat.id, session, now)
        if session.draft is None:
            turn.priority = Priority.NEWCOMER
        turn._stored = turn._ids()
        turn._restore_unsaved()
        if session.language:
            set_language(session.language)
        if update.effective_message is not None and update.callback_query is None:
            turn._note(update.effective_message.message_id)
        return turn

    def _restore_unsaved(self) -> None:
        stash = self.services.unsaved.pop(self.owner, None)
        if stash is not None:
            self.session.prompt = stash.prompt
            self.session.shown, self.session.review = list(stash.shown), list(stash.review)

    def _ids(self) -> Unsaved:
        session = self.session
        return Unsaved(session.prompt, tuple(session.shown), tuple(session.review))

    def _note(self, message_id: int) -> None:
        self.session.track(message_id)

    async def save(self, *, quiet: bool = False) -> bool:
        """Store the session now; False (and the witness told) if storage is down."""
        try:
            await self.services.drafts.store(
                self.services.db, self.user_id, self.session.to_json(), self.now
            )
        except StorageUnavailable:
            logger.warning("storage_unavailable at=save")
            if not quiet:
                await self.send(notice(texts.NOT_SAVED))
            return False
        self.kept()
        return True

    def kept(self) -> None:
        """The session was just stored: what its row must not hold stays in memory."""
        self.services.sequels.keep(self.owner, self.session.sequel(), self.now)
        self._stored = self._ids()

    def forget(self) -> None:
        """After a wipe: nothing of this witness stays, not even in memory."""
        self.session = Session(language=self.session.language)
        self._stored = self._ids()
        self.services.unsaved.pop(self.owner, None)
        self.services.sequels.keep(self.owner, None, self.now)

    def finish(self) -> None:
        """Keep what changed since the last save in memory for the next update."""
        ids = self._ids()
        if ids != self._stored:
            self.services.unsaved[self.owner] = ids

    async def _before_reply(self) -> None:
        """A newcomer whose reply will wait long hears so at once, once (`handlers.priority`).

        Asked as the first reply goes out, not as the update arrives: witnesses arriving
        together would otherwise all find the queue still empty."""
        if self.priority is not Priority.NEWCOMER or self._busy_checked:
            return
        self._busy_checked = True
        backlog, services = self.services.backlog, self.services
        if backlog is None or backlog.expected_wait(Priority.NEWCOMER) < services.busy_after:
            return
        if services.busy_told.first_time(self.owner, self.now):
            logger.info("busy_notice")
            with replying_as(Priority.NOTICE):
                await self.send(notice(texts.BUSY))

    async def send(self, screen: Screen, *, prompt: bool = False) -> Message | None:
        """Send a message; `prompt` marks its buttons current."""
        await self._before_reply()
        message = await send_screen(self.context, self.chat_id, screen)
        if message is not None:
            self._note(message.message_id)
            self._shown(message.message_id)
            if prompt:
                self.session.prompt = message.message_id
        return message

    def _shown(self, message_id: int) -> None:
        """Count a message the bot sent or rewrote among the report's, while one is open."""
        session = self.session
        if session.stage in (Stage.FORM, Stage.FOLLOWUP) and message_id not in session.shown:
            session.shown.append(message_id)

    async def delete(self, message_ids: Sequence[int]) -> int:
        """Delete these messages of the chat, 100 at a time (deleteMessages' limit); if
        Telegram refuses a batch whole, one by one. Returns how many it refused."""
        failed = 0
        for start in range(0, len(message_ids), BATCH):
            batch = list(message_ids[start : start + BATCH])
            try:
                await self.context.bot.delete_messages(self.chat_id, batch)
                continue
            except BadRequest:
                pass
            except Forbidden:
                return failed + len(message_ids) - start
            for message_id in batch:
                try:
                    await self.context.bot.delete_message(self.chat_id, message_id)
                except BadRequest as exc:
                    # Already gone, or no message of this chat: only a refusal counts.
                    failed += "not found" not in str(exc).lower()
                except TelegramError:
                    failed += 1
        return failed

    async def clear_shown(self, keep: int | None = None) -> None:
        """Delete the bot's messages of a report that was sent or given up, but `keep`
        (the receipt, or a message about to be rewritten)."""
        session = self.session
        leftover = [i for i in session.shown if i != keep]
        session.shown, session.review = [], []
        if session.prompt in leftover:
            session.prompt = None
        if leftover:
            await self.delete(leftover)

    async def drop_review(self, keep: int | None = None) -> None:
        """Delete the review now on the phone, but `keep` (a part about to be rewritten):
        a changed answer, a re-shown review or a sent report leaves no old review behind."""
        session = self.session
        gone = [i for i in session.review if i != keep]
        session.review = []
        await self._forget_and_delete(gone)

    async def drop_prompt(self) -> None:
        """Delete the message whose buttons are current: nothing answerable stays beside a
        question that replaces it (the /delete confirmation)."""
        if self.session.prompt is not None:
            await self._forget_and_delete([self.session.prompt])

    async def _forget_and_delete(self, gone: list[int]) -> None:
        session = self.session
        if not gone:
            return
        session.shown = [i for i in session.shown if i not in gone]
        session.review = [i for i in session.review if i not in gone]
        if session.prompt in gone:
            session.prompt = None
        await self.delete(gone)

    async def edit(self, message_id: int, screen: Screen, *, prompt: bool = False) -> bool:
        """Replace a message's text and buttons; False if Telegram refused (too old, gone)."""
        await self._before_reply()
        try:
            await self.context.bot.edit_message_text(
                screen.text,
                chat_id=self.chat_id,
                message_id=message_id,
                reply_markup=markup(screen),
            )
        except Forbidden:
            return False
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                return False
        self._shown(message_id)
        if prompt:
            self.session.prompt = message_id
        return True

    async def retire_prompt(self, closed: int | None = None) -> None:
        """Take the buttons off the last question once it is answered another way.

        `closed` is a message already rewritten without buttons: nothing more to do there.
        """
        message_id, self.session.prompt = self.session.prompt, None
        if message_id is None or message_id == closed:
            return
        try:
            await self.context.bot.edit_message_reply_markup(
                chat_id=self.chat_id, message_id=message_id, reply_markup=None
            )
        except (BadRequest, Forbidden):
            # Too old, already gone, or the witness blocked the bot meanwhile.
            logger.debug("prompt_not_retired")


Handler = Callable[[Turn], Awaitable[None]]


def witness_turn(
    handler: Handler,
) -> Callable[[Update, KuagerContext], Coroutine[Any, Any, None]]:
    """Wrap a handler of a witness's update: load the session before, keep state after."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: KuagerContext) -> None:
        turn = await Turn.begin(update, context)
        if turn is None:
            return
        with replying_as(turn.priority):
            try:
                await handler(turn)
            finally:
                turn.finish()

    return wrapper


async def answer_press(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Stop the button's spinner. Telegram refuses answers to presses older than a few
    minutes (a bot catching up after a restart); that is no error of the witness's."""
    if update.callback_query is None:
        return
    try:
        await update.callback_query.answer(text, show_alert=alert)
    except (BadRequest, Forbidden):
        logger.debug("press_answer_refused")


def _session_from(stored: dict[str, object] | None) -> Session:
    if stored is None:
        return Session()
    try:
        return Session.from_json(dict(stored))
    except SessionFormatError:
        logger.warning("session_unreadable action=restart")
        return Session()


async def send_screen(context: KuagerContext, chat_id: int, screen: Screen) -> Message | None:
    """Send outside a turn's bookkeeping; None if the witness blocked the bot."""
    try:
        return await context.bot.send_message(chat_id, screen.text, reply_markup=markup(screen))
    except Forbidden:
        logger.info("witness_unreachable")
        return None
