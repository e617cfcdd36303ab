"""A scripted witness for engine tests: plain values in, the engine's answers checked on the way."""

from __future__ import annotations

import datetime as dt

from handlers.forms import (
    DONE,
    Answer,
    Ask,
    AttachmentRef,
    Button,
    Draft,
    Form,
    Input,
    Invalid,
    Next,
    Review,
    Special,
    Stopped,
    Text,
    answer,
    current,
    start,
)

TODAY = dt.date(2024, 5, 10)
SKIP = Button(Special.SKIPPED)
DONT_KNOW = Button(Special.DONT_KNOW)
PREFER_NOT = Button(Special.PREFER_NOT)
FINISH = Button(DONE)
YES, NO = Button("yes"), Button("no")
REF = AttachmentRef("att-1", "a" * 64, 123456, "photo", "image/jpeg", "IMG_0001.jpg")


def b(*codes: str) -> list[Input]:
    """Buttons pressed one after another."""
    return [Button(code) for code in codes]


class Witness:
    """Feeds inputs to the engine like a handler would, failing the test on any refusal."""

    def __init__(self, form: Form, draft: Draft | None = None, today: dt.date = TODAY) -> None:
        self.form, self.today = form, today
        self.draft = draft or start(form).draft
        self.taps = 0
        self.asked: list[str] = []

    def say(self, *inputs: Input | str) -> Witness:
        """Each input must be accepted; a plain str is typed text."""
        for given in inputs:
            step = self.step
            assert isinstance(step, Ask), f"nothing asked, review reached before {given!r}"
            self.asked.append(step.path)
            typed = Text(given) if isinstance(given, str) else given
            result = answer(self.form, self.draft, typed, self.today)
            assert isinstance(result, Next), f"{step.path}: {given!r} refused: {result}"
            assert result.step == current(self.form, result.draft), "the step is not the draft's"
            self.draft, self.taps = result.draft, self.taps + 1
        return self

    def refused(self, given: Input | str) -> Invalid | Stopped:
        """The engine's refusal of one input; the draft must be unchanged."""
        typed = Text(given) if isinstance(given, str) else given
        result = answer(self.form, self.draft, typed, self.today)
        assert not isinstance(result, Next), f"{given!r} was accepted"
        return result

    @property
    def step(self) -> Ask | Review:
        return current(self.form, self.draft)

    @property
    def at(self) -> str:
        """Path of the question asked now, or "review"."""
        step = self.step
        return step.path if isinstance(step, Ask) else "review"

    @property
    def answers(self) -> dict[str, Answer]:
        return dict(self.draft.answers)
