"""What the witness reads in each question's first line: a count only when it will not jump."""

from __future__ import annotations

import re

import pytest

from handlers.i18n import _, language
from tests.handlers.conftest import HandlerBot, Witness
from tests.handlers.test_sending import CLOSE, START


def headers(lang: str) -> dict[str, re.Pattern[str]]:
    """The three first lines a question can have, in `lang`, with their numbers as groups."""
    with language(lang):
        templates = {
            "counted": _("Question {number} of {total}"),
            "open": _("Question {number}, a few more after it"),
            "change": _("Changing answer {number}"),
        }
    return {
        kind: re.compile(
            re.escape(t)
            .replace(r"\{number\}", r"(?P<number>\d+)")
            .replace(r"\{total\}", r"(?P<total>\d+)")
        )
        for kind, t in templates.items()
    }


def first_line(witness: Witness, lang: str) -> tuple[str, dict[str, str]]:
    line = witness.screen.text.split("\n", 1)[0]
    for kind, pattern in headers(lang).items():
        if match := pattern.fullmatch(line):
            return kind, match.groupdict()
    raise AssertionError(f"not a question header: {line!r}")


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
async def test_a_count_never_jumps_and_a_change_carries_its_review_number(
    bot: HandlerBot, lang: str
) -> None:
    # Given a witness who answers a detention report and adds the details
    witness = await bot.started(START[:2], language_code=lang)
    seen: list[tuple[str, dict[str, str]]] = []
    for code in (*START[2:], "released"):
        seen.append(first_line(witness, lang))
        await witness.tap(code)
    seen.append(first_line(witness, lang))
    await witness.say("Его увезли")
    for code in (*CLOSE[:-1], "yes"):
        seen.append(first_line(witness, lang))
        await witness.tap(code)
    while not any(d and d.split("|")[1] == "s" for row in witness.screen.button_data for d in row):
        seen.append(first_line(witness, lang))
        codes = [d.rsplit("|", 1)[1] for row in witness.screen.button_data for d in row if d]
        await witness.tap("skipped" if "skipped" in codes else "done" if "done" in codes else "no")
    # Then the numbers count up, "a few more" comes first, and a count once shown holds
    numbers = [int(values["number"]) for _kind, values in seen]
    assert numbers == sorted(numbers)
    assert seen[0][0] == "open"
    totals = {int(v["total"]) for kind, v in seen if kind == "counted"}
    assert len(totals) == 1, totals
    (total,) = totals
    review = "\n".join(witness.texts()[-2:])
    assert re.search(rf"^{total}\. ", review, re.MULTILINE), "the review lists that many answers"
    assert not re.search(rf"^{total + 1}\. ", review, re.MULTILINE)
    # When an answer is reopened from the review, its header carries its number on the review
    (on_review,) = [
        label
        for labels, datas in zip(witness.screen.buttons, witness.screen.button_data, strict=True)
        for label, data in zip(labels, datas, strict=True)
        if data and data.endswith("|e|status_now")
    ]
    await witness.act("e", "status_now")
    assert first_line(witness, lang) == ("change", {"number": on_review})
