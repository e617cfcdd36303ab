"""A witness's own voice: where a long account is asked, a voice message may give it."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers import texts
from handlers.i18n import _, language
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from tests.handlers.conftest import HandlerBot
from tests.handlers.test_sending import CLOSE, START, exported

VOICE = b"OggS\x00\x02 a witness speaking \xff\xfe" * 50


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
async def test_an_account_by_voice_is_warned_once_then_sealed_byte_for_byte(
    bot: HandlerBot,
    db: Database,
    reviewer_key: ReviewerPrivateKey,
    tmp_path: Path,
    lang: str,
) -> None:
    with language(lang):
        warning = _(texts.VOICE_WARNING).split("\n")[0]
        listed = _(texts.VOICE_MESSAGE).format(duration="1:42")
    # Given a witness asked for their account
    witness = await bot.started((*START, "released"), language_code=lang)
    asked = witness.screen.text
    # When they speak it: the first time they are told a voice can identify them, nothing kept
    await witness.user.send_voice(VOICE, duration=102)
    await witness.settle()
    assert witness.screen.text.startswith(warning)
    assert asked.split("\n")[1] in witness.screen.text, "the account is still asked"
    # And when they send it again, it is the answer
    await witness.user.send_voice(VOICE, duration=102)
    await witness.settle()
    assert warning not in witness.screen.text
    for code in CLOSE:
        await witness.tap(code)
    # Then the review lists it as a voice message with its length
    assert f" — {listed}" in "\n".join(witness.texts()[-2:])
    await witness.act("s")
    (case,) = await exported(db, reviewer_key, tmp_path)
    narrative = case["answers"]["narrative"]
    assert narrative["seconds"] == 102
    assert narrative["voice"]["kind"] == "voice"
    assert [ref["attachment_id"] for ref in case["attachments"]] == [
        narrative["voice"]["attachment_id"]
    ]
    (file,) = (tmp_path / "kuager_attachments" / str(case["case_id"])).iterdir()
    assert file.read_bytes() == VOICE


async def test_a_voice_message_where_no_account_is_asked_gets_the_usual_answer(
    bot: HandlerBot,
) -> None:
    witness = await bot.started(START[:4])
    await witness.user.send_voice(VOICE)
    await witness.settle()
    assert witness.screen.text.startswith(_(texts.NOT_NOW_FILE).split("\n")[0])
    assert _(texts.VOICE_WARNING).split("\n")[0] not in witness.screen.text
