"""Files from a witness: checked, downloaded, sealed to reviewers at once, then referenced.

The bytes are hashed as received (SHA-256, inside the sealer) before anything else touches
them, so a reviewer can show the file is the one the witness sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Message
from telegram.error import TelegramError

from handlers import texts
from handlers.answering import apply_input
from handlers.flow import show_current
from handlers.forms import Accept, Ask, AttachmentRef, Media, Review
from handlers.i18n import _
from handlers.screens import notice
from handlers.session import Stage
from handlers.submit import MAX_FOLLOWUP_FILES
from handlers.turn import Turn
from storage.attachments import seal_attachment
from storage.database import StorageUnavailable

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IncomingFile:
    file_id: str
    kind: str
    mime: str
    name: str
    size: int | None
    seconds: int | None = None
    """A voice message's or a video's length, as Telegram gives it."""


def incoming_file(message: Message | None) -> IncomingFile | None:
    """The one file a message carries, whichever way Telegram packed it."""
    if message is None:
        return None
    if message.photo:
        largest = message.photo[-1]
        return IncomingFile(largest.file_id, "photo", "image/jpeg", "", largest.file_size)
    for kind in ("document", "video", "voice", "audio", "video_note"):
        item = getattr(message, kind)
        if item is not None:
            mime = getattr(item, "mime_type", None) or ""
            name = getattr(item, "file_name", None) or ""
            # As sent on the wire: the `duration` property warns that its type will change.
            seconds = item.to_dict().get("duration")
            seconds = seconds if isinstance(seconds, int) else None
            return IncomingFile(item.file_id, kind, mime, name, item.file_size, seconds)
    return None


async def receive_media(turn: Turn, step: Ask | Review | None) -> None:
    message = turn.update.effective_message
    found = incoming_file(message)
    following_up = turn.session.stage is Stage.FOLLOWUP
    accepts = step.accepts if isinstance(step, Ask) else frozenset()
    spoken = found is not None and found.kind == "voice" and Accept.VOICE in accepts
    wanted = following_up or Accept.MEDIA in accepts or spoken
    if found is None or not wanted:
        await show_current(turn, prefix=_(texts.NOT_NOW_FILE))
        return
    if following_up and len(turn.session.followup_files) >= MAX_FOLLOWUP_FILES:
        # Refused before it is downloaded: nothing is sealed that would not be sent.
        full = _(texts.FOLLOWUP_FILES_FULL).format(max=MAX_FOLLOWUP_FILES)
        await show_current(turn, prefix=full)
        return
    if found.kind == "voice" and not turn.session.voice_warned:
        # Nothing of this first one is fetched or kept: the witness decides knowing the risk.
        turn.session.voice_warned = True
        await show_current(turn, prefix=_(texts.VOICE_WARNING))
        return
    limit = turn.services.max_file_bytes
    if found.size is not None and found.size > limit:
        size_mb, limit_mb = -(-found.size // 2**20), limit // 2**20
        await show_current(
            turn, prefix=_(texts.FILE_TOO_LARGE).format(size=size_mb, limit=limit_mb)
        )
        return
    ref = await _seal(turn, found)
    if ref is None:
        return
    if message is not None and message.caption:
        await turn.send(notice(texts.CAPTION_IGNORED))
    if following_up:
        turn.session.followup_files.append(ref)
        await show_current(turn, brief=True)
        return
    await apply_input(turn, Media(ref, found.seconds))


async def _seal(turn: Turn, found: IncomingFile) -> AttachmentRef | None:
    try:
        telegram_file = await turn.context.bot.get_file(found.file_id)
        data = bytes(await telegram_file.download_as_bytearray())
    except TelegramError:
        logger.warning("file_download_failed kind=%s", found.kind)
        await show_current(turn, prefix=_(texts.FILE_FAILED))
        return None
    try:
        async with turn.services.db.transaction() as db:
            sealed = await seal_attachment(db, data, turn.services.reviewer_keys, today=turn.today)
    except StorageUnavailable:
        logger.warning("storage_unavailable at=attachment")
        await turn.send(notice(texts.NOT_SAVED))
        return None
    finally:
        del data
    logger.info("attachment_sealed kind=%s", found.kind)
    return AttachmentRef(
        sealed.attachment_id, sealed.sha256, sealed.size, found.kind, found.mime, found.name
    )
