"""The pacer's choices on plain values: who goes next, when, and after a 429."""

from __future__ import annotations

import pytest

from bot.pacing import FloodLimits, Pacer, is_message
from handlers.priority import Priority
from standin import counts_against_limit


def test_the_overall_rate_spaces_messages_and_a_chat_waits_a_second() -> None:
    pacer = Pacer(FloodLimits(overall_per_second=10, chat_per_second=1))
    for chat in (1, 2, 1):
        pacer.enqueue(chat, Priority.WITNESS)
    assert [t.chat_id for t in pacer.grant(0.0)] == [1]
    assert pacer.next_wake() == pytest.approx(0.1)
    assert [t.chat_id for t in pacer.grant(0.1)] == [2]
    assert pacer.grant(0.5) == []  # chat 1 spoke at 0.0
    assert [t.chat_id for t in pacer.grant(1.0)] == [1]


def test_a_witness_in_a_report_goes_before_newcomers_who_came_first() -> None:
    pacer = Pacer(FloodLimits(overall_per_second=1))
    for chat in (1, 2, 3):
        pacer.enqueue(chat, Priority.NEWCOMER)
    pacer.enqueue(4, Priority.WITNESS)
    pacer.enqueue(5, Priority.NOTICE)
    order = [t.chat_id for now in range(5) for t in pacer.grant(float(now))]
    assert order == [5, 4, 1, 2, 3]


def test_after_a_429_nothing_goes_before_the_hold_ends_and_a_retry_keeps_its_place() -> None:
    pacer = Pacer(FloodLimits(overall_per_second=100))
    first = pacer.enqueue(1, Priority.NEWCOMER)
    assert pacer.grant(0.0) == [first]
    pacer.enqueue(2, Priority.NEWCOMER)
    pacer.hold(until=2.0)
    retried = pacer.enqueue(1, Priority.NEWCOMER, arrival=first.arrival)
    assert pacer.grant(1.9) == []
    assert pacer.next_wake() == 2.0
    assert pacer.grant(2.0) == [retried]


def test_expected_wait_counts_who_is_ahead() -> None:
    pacer = Pacer(FloodLimits(overall_per_second=10))
    for chat in range(1, 21):
        pacer.enqueue(chat, Priority.NEWCOMER if chat > 10 else Priority.WITNESS)
    assert pacer.expected_wait(Priority.WITNESS, 0.0) == pytest.approx(1.0)
    assert pacer.expected_wait(Priority.NEWCOMER, 0.0) == pytest.approx(2.0)


@pytest.mark.parametrize(
    "method",
    ["sendMessage", "sendPhoto", "editMessageText", "editMessageReplyMarkup", "copyMessage",
     "sendChatAction", "answerCallbackQuery", "deleteMessage", "getUpdates", "setMyCommands"],
)  # fmt: skip
def test_the_bot_paces_exactly_what_the_stand_in_counts(method: str) -> None:
    assert is_message(method) is counts_against_limit(method)
