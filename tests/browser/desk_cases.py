"""Cases for the desk's browser tests, sent by simulated witnesses through the real bot."""

from __future__ import annotations

import struct
import zlib

from handlers.forms.common import ATTACHMENTS
from handlers.i18n import _, language
from tests.e2e.harness import RunningBot, Witness, hurry


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour (the browser must be able to draw it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


PHOTO = png(120, 80, (200, 40, 40))


async def detention(
    bot: RunningBot,
    lang: str,
    narrative: str,
    *,
    region: str = "almaty",
    photo: bytes | None = None,
    document: tuple[str, bytes] | None = None,
) -> Witness:
    """A detention with one named person and, on the files question, a photo and a document."""
    witness = bot.witness(language_code=lang)
    await witness.command("/start")
    for code in (lang, "yes", "detention", "self", "today", region):
        await witness.tap(code)
    for code in ("skipped", "police", "done", "whereabouts_unknown"):
        await witness.tap(code)
    await witness.say(narrative)
    for code in ("yes", "reviewers", "done", "skipped", "yes"):
        await witness.tap(code)
    await witness.say("Ерлан")
    for _step in range(4):
        await witness.tap("skipped")
    await witness.tap("no")
    await witness.tap("beaten")
    with language(lang):
        files_question = _(ATTACHMENTS.text).split("\n", 1)[0]
    for _step in range(12):
        if files_question in witness.screen.text:
            break
        await witness.tap("skipped")
    assert files_question in witness.screen.text, witness.screen.text[:200]
    if photo is not None:
        await witness.user.send_photo(photo)
        await witness.settle()
    if document is not None:
        await witness.user.send_document(document[1], document[0], "application/pdf")
        await witness.settle()
    await witness.tap("done")
    await hurry(witness)
    await witness.act("s")
    while any(d and "|o|" in d for row in witness.screen.button_data for d in row):
        await witness.tap("")  # decline the linked report offered
    return witness


async def missing_person(bot: RunningBot, lang: str, name: str) -> Witness:
    """A missing-person report answered in a hurry: last seen today, so urgent."""
    witness = bot.witness(language_code=lang)
    await witness.command("/start")
    for code in (lang, "yes", "missing_person"):
        await witness.tap(code)
    await hurry(witness, text=name)
    await witness.act("s")
    return witness
