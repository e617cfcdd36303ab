"""Words Telegram shows over the chat rather than in it: within its 200-character limit."""

from __future__ import annotations

import pytest

from handlers import texts
from handlers.answering import TOAST_MAX
from handlers.i18n import LANGUAGES, _, language


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("msgid", [texts.REMAINS_AFTER_WIPE, texts.TOAST_SKIPPED])
def test_a_pop_up_fits_telegrams_limit_in_every_language(lang: str, msgid: str) -> None:
    with language(lang):
        shown = _(msgid)
    assert shown != msgid or lang == "en", "translated"
    assert len(shown) <= TOAST_MAX
