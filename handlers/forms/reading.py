"""Reading what a witness sends: one input for one question becomes an answer, or a reason not.

Also which buttons the question's current step shows, next to the code that reads their
presses, so the two cannot drift apart. Pure functions of the question, the partial answer so
far, the input and a `today` passed in.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeAlias

from handlers.forms.model import (
    DONE,
    N_,
    Answer,
    Button,
    Choice,
    Input,
    Invalid,
    Kind,
    Location,
    Media,
    Question,
    Special,
    Text,
)
from handlers.forms.parsing import (
    BAD_DATE,
    NOT_A_NUMBER,
    PartialDate,
    Precision,
    check_date,
    check_number,
    exact,
    parse_date,
    parse_number,
)

# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
PRESS_BUTTON = N_("Please choose one of the buttons below.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# Sent when a required question is skipped; not a demand.
REQUIRED = N_("We need this to send the report. A few words, or “Don't know”, are enough.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# Done is the button of that name.
CHOOSE_ONE = N_("Please choose at least one option, then press Done.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
TYPE_IT = N_("Please type your answer as a message.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
EMPTY = N_("The message was empty. Please type your answer.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# {min} is a number.
TOO_SHORT = N_("Please write at least {min} characters.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# {max} is a number.
TOO_LONG = N_("This answer can be up to {max} characters long. Please shorten it.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
CHOOSE_REGION = N_("Please choose a region with the buttons below, or share a location.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
BAD_LOCATION = N_("That location could not be read. Please choose a region instead.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
BAD_FILE = N_("That file could not be added. Please try sending it again.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# {max} is a number; Done is the button of that name.
TOO_MANY_FILES = N_("You can send up to {max} files. Please press Done to continue.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# Done is the button of that name.
SEND_FILE = N_("Please send a photo, video, document or voice message, or press Done.")

# TRANSLATORS: Asked after the button for an uncertain day. Keep the example dates as they are.
APPROX_PROMPT = N_(
    "Type the date as best you know it.\n"
    "For example 25.03.2024, or 03.2024 for a month, or 2024 for a year."
)
# TRANSLATORS: Asked after a region button is pressed; a Skip button follows. Two short lines.
TOWN_PROMPT = N_(
    "Which town or village, and where exactly?\n"
    "For example a street, a building or a landmark. You can skip this."
)
# TRANSLATORS: Asked after a way to contact is chosen; a Skip button follows. Two short lines.
CONTACT_PROMPT = N_(
    "How can we reach you, and when is it safe?\n"
    "For example a number or a username, and times of day."
)

TODAY, YESTERDAY, APPROX = "today", "yesterday", "approx"
"""Button codes of a date question."""


@dataclass(frozen=True)
class Complete:
    """The question is answered with `value`."""

    value: Answer


@dataclass(frozen=True)
class Partial:
    """More input is needed (a multi choice before Done, a town after a region); kept in the
    draft as `value` so a restart loses nothing."""

    value: Answer


Outcome: TypeAlias = Complete | Partial | Invalid


@dataclass(frozen=True)
class Option:
    """One button to show: a msgid and the code its press sends back as `Button(code)`."""

    label: str
    code: str


class Accept(StrEnum):
    """What else than a button the current step takes, so the handler sets its keyboard."""

    TEXT = "text"
    LOCATION = "location"
    MEDIA = "media"
    VOICE = "voice"
    """A voice message, in place of typed text."""


YES_NO = (
    # TRANSLATORS: Buttons of a yes/no question: at most 18 characters (they share a row).
    Choice("yes", N_("Yes")),
    # TRANSLATORS: Buttons of a yes/no question: at most 18 characters (they share a row).
    Choice("no", N_("No")),
)
SPECIAL_LABELS = {
    # TRANSLATORS: Button for an optional question, and on the review for a skipped one: at most 18
    # characters.
    Special.SKIPPED: N_("Skip"),
    # TRANSLATORS: Button, and on the review: at most 18 characters (it often shares a row).
    Special.DONT_KNOW: N_("Don't know"),
    # TRANSLATORS: Button, and on the review: at most 24 characters; up to 18 it may share a row.
    Special.PREFER_NOT: N_("Prefer not to say"),
}
_SPECIAL_CODES = frozenset(s.value for s in Special)
# TRANSLATORS: Button ending a "choose all that apply" list or a run of files: at most 18
# characters.
_DONE = Option(N_("Done"), DONE)
_SKIP = Option(SPECIAL_LABELS[Special.SKIPPED], Special.SKIPPED.value)
_DATE_OPTIONS = (
    # TRANSLATORS: Button of a date question: at most 18 characters (shares a row).
    Option(N_("Today"), TODAY),
    # TRANSLATORS: Button of a date question: at most 18 characters (shares a row).
    Option(N_("Yesterday"), YESTERDAY),
    # TRANSLATORS: Button of a date question: at most 24 characters; up to 18 it may share a row.
    Option(N_("Not sure of the day"), APPROX),
)
_TOWN_MAX = 300
_CONTACT_MAX = 500


def base_choices(question: Question) -> tuple[Choice, ...]:
    """The question's own buttons; a yes/no question without any gets plain Yes and No."""
    if question.kind is Kind.YES_NO and not question.choices:
        return YES_NO
    return question.choices


def read(
    question: Question,
    choices: tuple[Choice, ...],
    partial: Answer,
    given: Input,
    today: dt.date,
) -> Outcome:
    """Turn one input into an answer, a partial answer, or the reason it was refused.

    `choices` are the buttons on show (their conditions already checked by the engine).
    """
    pressed = given.code if isinstance(given, Button) else None
    if pressed in _SPECIAL_CODES and not _detail_step(question, partial):
        return _special(question, Special(pressed))
    return _READERS[question.kind](question, choices, partial, given, today)


def options(question: Question, choices: tuple[Choice, ...], partial: Answer) -> tuple[Option, ...]:
    """The buttons for the question's current step, in order, specials last."""
    if _detail_step(question, partial):
        return (_SKIP,)
    own = tuple(Option(c.label, c.code) for c in choices)
    if question.kind is Kind.MULTI:
        own += (_DONE,)
    elif question.kind is Kind.MEDIA:
        own = (_DONE,)
    elif question.kind is Kind.DATE:
        own = () if partial else _DATE_OPTIONS
    elif question.kind in (Kind.TEXT, Kind.NUMBER):
        own = ()
    return own + tuple(Option(SPECIAL_LABELS[s], s.value) for s in _specials(question))


def prompt(question: Question, partial: Answer) -> tuple[str, str | None]:
    """Text and hint msgids for the current step."""
    if _detail_step(question, partial):
        default = TOWN_PROMPT if question.kind is Kind.PLACE else CONTACT_PROMPT
        return question.detail_text or default, None
    if question.kind is Kind.DATE and partial:
        return APPROX_PROMPT, None
    return question.text, question.hint


def accepts(question: Question, partial: Answer) -> frozenset[Accept]:
    """Inputs other than buttons the current step takes."""
    if question.kind is Kind.TEXT and question.voice:
        return frozenset({Accept.TEXT, Accept.VOICE})
    if question.kind in (Kind.TEXT, Kind.NUMBER, Kind.DATE):
        return frozenset({Accept.TEXT})
    if question.kind is Kind.PLACE:
        step = {Accept.TEXT} if partial else set()
        return frozenset({Accept.LOCATION, *step})
    if question.kind is Kind.CONTACT and partial:
        return frozenset({Accept.TEXT})
    if question.kind is Kind.MEDIA:
        return frozenset({Accept.MEDIA})
    return frozenset()


def is_valid(question: Question, choices: tuple[Choice, ...], value: Answer) -> bool:
    """Whether a stored answer still fits the question (after an edit or a code reload)."""
    if isinstance(value, str) and value in _SPECIAL_CODES:
        return isinstance(_special(question, Special(value)), Complete)
    codes = {c.code for c in choices}
    if question.kind in (Kind.CHOICE, Kind.YES_NO):
        return value in codes
    if question.kind is Kind.MULTI:
        return isinstance(value, list) and bool(value) and all(v in codes for v in value)
    return True


def _specials(question: Question) -> tuple[Special, ...]:
    flags = (not question.required, question.dont_know, question.prefer_not)
    return tuple(s for s, on in zip(Special, flags, strict=True) if on)


def _special(question: Question, special: Special) -> Outcome:
    if special in _specials(question):
        return Complete(special.value)
    return Invalid(REQUIRED if special is Special.SKIPPED else PRESS_BUTTON)


def _detail_step(question: Question, partial: Answer) -> bool:
    """Place and contact ask a second thing (town, detail) once the first button is pressed."""
    return question.kind in (Kind.PLACE, Kind.CONTACT) and isinstance(partial, dict)


def _codes(choices: tuple[Choice, ...]) -> list[str]:
    return [c.code for c in choices]


def _read_choice(q: Question, cs: tuple[Choice, ...], p: Answer, g: Input, t: dt.date) -> Outcome:
    if isinstance(g, Button) and g.code in _codes(cs):
        return Complete(g.code)
    return Invalid(PRESS_BUTTON)


def _read_multi(q: Question, cs: tuple[Choice, ...], p: Answer, g: Input, t: dt.date) -> Outcome:
    chosen = {c for c in p if isinstance(c, str)} if isinstance(p, list) else set()
    if not isinstance(g, Button):
        return Invalid(PRESS_BUTTON)
    if g.code == DONE:
        kept: list[Answer] = [c for c in _codes(cs) if c in chosen]
        if kept:
            return Complete(kept)
        return Invalid(CHOOSE_ONE) if q.required else Complete(Special.SKIPPED.value)
    if g.code not in _codes(cs):
        return Invalid(PRESS_BUTTON)
    chosen ^= {g.code}
    toggled: list[Answer] = [c for c in _codes(cs) if c in chosen]
    return Partial(toggled)


def _read_text(q: Question, cs: tuple[Choice, ...], p: Answer, g: Input, t: dt.date) -> Outcome:
    if isinstance(g, Media) and q.voice and g.ref.kind == "voice":
        if not g.ref.is_sound():
            return Invalid(BAD_FILE)
        return Complete(voice_answer(g))
    return _typed(g, q.min_length, q.max_length)


def voice_answer(given: Media) -> dict[str, Answer]:
    """The stored shape of an account given as a voice message: the sealed file's reference
    (so it is sealed with the case like any file) and its length in seconds."""
    seconds = given.seconds if isinstance(given.seconds, int) and given.seconds >= 0 else None
    return {"voice": given.ref.to_json(), "seconds": seconds}


def _typed(given: Input, min_length: int, max_length: int) -> Outcome:
    if not isinstance(given, Text):
        return Invalid(TYPE_IT)
    text = given.text.strip()
    if not text:
        return Invalid(EMPTY)
    if len(text) < min_length:
        return Invalid(TOO_SHORT, {"min": min_length})
    if len(text) > max_length:
        return Invalid(TOO_LONG, {"max": max_length})
    return Complete(text)


def _read_number(q: Question, cs: tuple[Choice, ...], p: Answer, g: Input, t: dt.date) -> Outcome:
    if not isinstance(g, Text):
        return Invalid(TYPE_IT)
    typed = parse_number(g.text)
    if typed is None:
        return Invalid(NOT_A_NUMBER)
    value = typed.value
    if q.birth_year and value > q.maximum and t.year - q.maximum <= value <= t.year:
        value = t.year - value  # a year of birth, given where we asked for an age
    problem = check_number(value, q.minimum, q.maximum)
    return problem or Complete(replace(typed, value=value).answer())


def _read_date(q: Question, cs: tuple[Choice, ...], p: Answer, g: Input, t: dt.date) -> Outcome:
    approximate = isinstance(p, dict) and p.get("approximate") is True
    shortcuts = {TODAY: t, YESTERDAY: t - dt.timedelta(days=1)}
    if isinstance(g, Button) and g.code == APPROX and not approximate:
        return Partial({"approximate": True})
    if isinstance(g, Button) and g.code in shortcuts and not approximate:
        date: PartialDate | Invalid = exact(shortcuts[g.code])
    elif isinstance(g, Text):
        date = parse_date(g.text, t)
    else:
        return Invalid(PRESS_BUTTON if isinstance(g, Button) else BAD_DATE)
    if isinstance(date, Invalid):
        return date
    problem = check_date(date, t, q.earliest_year, q.future_ok)
    if problem:
        return problem
    if approximate and date.precision is Precision.EXACT:
        date = replace(date, precision=Precision.APPROXIMATE)
    return Complete(dict[str, Answer](date.answer()))


def _place(region: Answer, town: str | None, lat: float | None, lon: float | None) -> Outcome:
    """The stored shape: `{"region": code|None, "town": str|None, "lat": ..., "lon": ...}`."""
    return Complete({"region": region, "town": town, "lat": lat, "lon": lon})


def _read_place(q: Question, cs: tuple[Choice, ...], p: Answer, g: Input, t: dt.date) -> Outcome:
    region = p.get("region") if isinstance(p, dict) else None
    if isinstance(g, Location):
        if not (_finite(g.lat, 90) and _finite(g.lon, 180)):
            return Invalid(BAD_LOCATION)
        return _place(region, None, g.lat, g.lon)
    if not isinstance(p, dict):
        if isinstance(g, Button) and g.code in _codes(cs):
            return Partial({"region": g.code})
        return Invalid(CHOOSE_REGION)
    if isinstance(g, Button) and g.code == Special.SKIPPED:
        return _place(region, None, None, None)
    town = _typed(g, 1, _TOWN_MAX)
    if isinstance(town, Complete) and isinstance(town.value, str):
        return _place(region, town.value, None, None)
    return town


def _finite(value: float, bound: float) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and -bound <= value <= bound


def _read_contact(q: Question, cs: tuple[Choice, ...], p: Answer, g: Input, t: dt.date) -> Outcome:
    if not isinstance(p, dict):
        chosen = [c for c in cs if isinstance(g, Button) and c.code == g.code]
        if not chosen:
            return Invalid(PRESS_BUTTON)
        if chosen[0].detail:
            return Partial({"method": chosen[0].code})
        return Complete({"method": chosen[0].code, "detail": None})
    if isinstance(g, Button) and g.code == Special.SKIPPED:
        return Complete({"method": p.get("method"), "detail": None})
    detail = _typed(g, 1, _CONTACT_MAX)
    if isinstance(detail, Complete):
        return Complete({"method": p.get("method"), "detail": detail.value})
    return detail


def _read_media(q: Question, cs: tuple[Choice, ...], p: Answer, g: Input, t: dt.date) -> Outcome:
    files: list[Answer] = list(p) if isinstance(p, list) else []
    if isinstance(g, Media):
        if not g.ref.is_sound():
            return Invalid(BAD_FILE)
        if len(files) >= q.max_files:
            return Invalid(TOO_MANY_FILES, {"max": q.max_files})
        return Partial([*files, g.ref.to_json()])
    if isinstance(g, Button) and g.code == DONE:
        if files:
            return Complete(files)
        return Invalid(SEND_FILE) if q.required else Complete(Special.SKIPPED.value)
    return Invalid(SEND_FILE)


_Reader: TypeAlias = Callable[[Question, tuple[Choice, ...], Answer, Input, dt.date], Outcome]
_READERS: dict[Kind, _Reader] = {
    Kind.CHOICE: _read_choice,
    Kind.YES_NO: _read_choice,
    Kind.MULTI: _read_multi,
    Kind.TEXT: _read_text,
    Kind.NUMBER: _read_number,
    Kind.DATE: _read_date,
    Kind.PLACE: _read_place,
    Kind.CONTACT: _read_contact,
    Kind.MEDIA: _read_media,
}
