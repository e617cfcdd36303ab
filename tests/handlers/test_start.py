"""The first minute: language, consent, the menu, coming back, and changing language."""

from __future__ import annotations

from bot.app import set_commands
from handlers import texts
from handlers.forms.reading import TOWN_PROMPT
from handlers.i18n import _, language
from tests.handlers.conftest import HandlerBot

START = ("yes", "detention", "self", "today", "almaty")


def first_line(msgid: str, lang: str) -> str:
    with language(lang):
        return _(msgid).split("\n", 1)[0]


async def test_language_then_consent_then_the_menu(bot: HandlerBot) -> None:
    # Given a Russian phone
    witness = bot.witness("ru")
    # When the witness starts, they are greeted in their phone's language with every choice
    await witness.command("/start")
    assert witness.screen.text.startswith(first_line(texts.CHOOSE_LANGUAGE, "ru"))
    assert witness.screen.buttons == [["Қазақша", "Русский", "English"]]
    # When they choose Kazakh, the consent comes in Kazakh, in place of the picker
    await witness.tap("kk")
    assert witness.screen.text.startswith(first_line(texts.CONSENT, "kk"))
    assert len(witness.user.bot_messages()) == 1
    # When they agree, the menu offers the three kinds of report
    await witness.tap("yes")
    assert witness.screen.text.startswith(first_line(texts.MENU, "kk"))
    assert len(witness.screen.buttons) == 3


async def test_declining_consent_ends_there_and_start_asks_again(bot: HandlerBot) -> None:
    witness = await bot.started(["no"])
    assert witness.screen.text.startswith("Understood.\nNothing has been saved.")
    assert witness.screen.buttons == []
    await witness.command("/start")
    assert witness.screen.text.startswith("Before we start."), "consent, not the language again"


async def test_start_again_resumes_rather_than_discards(bot: HandlerBot) -> None:
    witness = await bot.started(START[:4])
    await witness.command("/start")
    assert witness.screen.text.startswith("Welcome back.")
    assert "Where did it happen?" in witness.screen.text


async def test_switching_language_keeps_the_answers_and_repeats_the_question(
    bot: HandlerBot,
) -> None:
    # Given a Kazakh witness at the question about the town
    witness = await bot.started(START, "kk")
    assert TOWN_PROMPT.split("\n")[0] not in witness.screen.text
    with language("kk"):
        assert _(TOWN_PROMPT).split("\n")[0] in witness.screen.text
    # When they switch to English, the same question comes back in English
    await witness.command("/language")
    await witness.tap("en")
    assert TOWN_PROMPT.split("\n")[0] in witness.screen.text
    # And the answers before it are kept: Back shows the date given in Kazakh
    await witness.act("b")
    assert "When did it happen?" in witness.screen.text
    assert "Current answer: " in witness.screen.text


async def test_help_and_unknown_commands_explain_and_repeat_the_question(bot: HandlerBot) -> None:
    witness = await bot.started(["yes"])
    for command in ("/help", "/nonsense"):
        await witness.command(command)
        assert witness.screen.text.startswith("How this works.")
        assert "What would you like to report?" in witness.screen.text


async def test_the_command_menu_is_registered_in_each_language(bot: HandlerBot) -> None:
    await set_commands(bot.app)
    for lang in ("kk", "ru", "en"):
        commands = bot.standin.commands_for(lang)
        assert set(commands) == {"start", "language", "cancel", "delete", "followup", "help"}
    with language("kk"):
        assert bot.standin.commands_for("kk")["start"] == _(texts.COMMANDS[0][1])
