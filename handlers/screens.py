"""What the witness sees: messages and buttons built from the session and the form engine.

Pure: translation and formatting only, no Telegram objects and no I/O, so the wording and
layout of every screen is tested with plain values. Anything the witness typed is escaped
here (the bot sends HTML), and every message starts with a neutral first line.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

from handlers import texts
from handlers.callbacks import Action, encode
from handlers.forms import (
    CONSENT_TERMS,
    FORMS,
    REGIONS,
    REVIEW_LABELS,
    SPECIAL_LABELS,
    Answer,
    Ask,
    Kind,
    Offer,
    Question,
    ReviewItem,
    Special,
    base_choices,
)
from handlers.i18n import LANGUAGES, _, current_language, ngettext
from storage.events import EventDocument, EventKind

Row = tuple[tuple[str, str], ...]
"""One row of inline buttons: (label, callback data)."""

MAX_MESSAGE = 4000
"""Telegram's limit is 4096 characters; a margin for the header and entities."""
ALONE_MAX = 24
"""Longest label a phone shows whole on a button alone on its row (the catalogs' notes say so)."""
SHARED_ROW_MAX = 18
"""Longest label that shares a row with another: two to a row, a phone cuts it past this."""
THIRD_ROW_MAX = 10
"""Three labels share a row only when every one is this short."""
TICK = "✓ "
"""Put before a ticked option of a multi choice; counts towards the label's length."""
VALUE_PREVIEW = 160
"""Long answers are cut on the review screen; the sealed case keeps them whole."""


@dataclass(frozen=True)
class Terms:
    """What the consent promises, filled in from the config: who reads, how long a draft
    stays readable."""

    organisation: str = ""
    """Named by the operator; empty: a neutral description in the witness's language."""
    draft_hours: int = 72


def consent_terms(terms: Terms) -> str:
    """The one consent text, shown on the consent screen and under the form's question."""
    who = html.escape(terms.organisation) if terms.organisation else _(texts.ORGANISATION_DEFAULT)
    return _(CONSENT_TERMS).format(organisation=who, hours=terms.draft_hours)


@dataclass(frozen=True)
class Screen:
    """One message: HTML text and inline buttons."""

    text: str
    buttons: tuple[Row, ...] = ()


def language_screen(ticket: int) -> Screen:
    row = tuple(
        (texts.LANGUAGE_NAMES[lang], encode(ticket, Action.LANGUAGE, lang)) for lang in LANGUAGES
    )
    return Screen(_(texts.CHOOSE_LANGUAGE), (row,))


def consent_screen(ticket: int, terms: Terms) -> Screen:
    return Screen(
        f"{_(texts.CONSENT)}\n\n{consent_terms(terms)}\n\n{_(texts.CONSENT_ASK)}",
        (
            ((_(texts.CONSENT_YES), encode(ticket, Action.CONSENT, "yes")),),
            ((_(texts.CONSENT_NO), encode(ticket, Action.CONSENT, "no")),),
        ),
    )


def menu_screen(ticket: int) -> Screen:
    rows = tuple(
        ((_(form.title), encode(ticket, Action.MENU, form.id)),) for form in FORMS.values()
    )
    return Screen(f"{_(texts.MENU)}\n\n<i>{_(texts.MENU_FOLLOWUP_HINT)}</i>", rows)


def ask_screen(ask: Ask, ticket: int, terms: Terms = Terms()) -> Screen:
    """A question: neutral header, the question, its hint, what is chosen so far, buttons."""
    lines = [question_header(ask)]
    if ask.position is not None:
        lines.append(
            _(texts.PERSON).format(label=_(ask.position.label), number=ask.position.number)
        )
    lines.append(_(ask.text))
    if ask.hint == CONSENT_TERMS:
        lines.append(consent_terms(terms))
    elif ask.hint:
        lines.append(f"<i>{_(ask.hint)}</i>")
    if ask.question.kind is Kind.MEDIA:
        lines.append(f"<i>{_(texts.PHOTO_WARNING)}</i>")
    lines.extend(_progress_lines(ask))
    return Screen("\n".join(lines), _ask_rows(ask, ticket))


def file_received_screen(ask: Ask, ticket: int) -> Screen:
    """One more file at the files question: how many so far and what to do, under the file
    just sent; the question and its warning were shown once, above."""
    count = len(ask.partial) if isinstance(ask.partial, list) else 0
    text = f"{_(texts.FILES_SO_FAR).format(count=count)}\n{_(texts.FILES_MORE)}"
    return Screen(text, _ask_rows(ask, ticket))


def _ask_rows(ask: Ask, ticket: int) -> tuple[Row, ...]:
    buttons = [
        (_(option.label), encode(ticket, Action.ANSWER, option.code)) for option in ask.buttons
    ]
    multi = ask.question.kind is Kind.MULTI
    ticked = set(ask.partial) if isinstance(ask.partial, list) and multi else set()
    rows = [
        tuple(
            ((TICK + label) if data.rsplit("|", 1)[1] in ticked else label, data)
            for label, data in row
        )
        for row in _layout(buttons, room=len(TICK) if multi else 0)
    ]
    if ask.answered > 0:
        rows.append(((_(texts.BACK), encode(ticket, Action.BACK)),))
    return tuple(rows)


def question_header(ask: Ask) -> str:
    """The first line: where the witness is, with a count only when it will not jump."""
    if ask.previous is not None:
        return _(texts.QUESTION_HEADER_CHANGE).format(number=ask.number)
    if ask.remaining is None:
        return _(texts.QUESTION_HEADER_OPEN).format(number=ask.number)
    return _(texts.QUESTION_HEADER).format(number=ask.number, total=ask.number + ask.remaining)


def _progress_lines(ask: Ask) -> list[str]:
    lines = []
    if ask.question.kind is Kind.MULTI and isinstance(ask.partial, list) and ask.partial:
        labels = ", ".join(
            _choice_label(ask.question, code) for code in ask.partial if isinstance(code, str)
        )
        lines.append(_(texts.TICKED).format(answers=labels))
    if ask.question.kind is Kind.MEDIA and isinstance(ask.partial, list) and ask.partial:
        lines.append(_(texts.FILES_SO_FAR).format(count=len(ask.partial)))
    if ask.previous is not None:
        lines.append(
            _(texts.CURRENT_ANSWER).format(answer=format_value(ask.question, ask.previous))
        )
    return lines


def _layout(buttons: Sequence[tuple[str, str]], room: int = 0) -> list[Row]:
    """Short labels two or three to a row, longer ones alone: thumbs, not eyes, read them.

    A label longer than `SHARED_ROW_MAX` goes alone, so a phone never cuts it. `room` is what
    every label may still grow by (the tick of a multi choice): ticking an option never moves a
    button under the witness's thumb.
    """
    rows: list[Row] = []
    current: list[tuple[str, str]] = []
    width = 3 if all(len(label) + room <= THIRD_ROW_MAX for label, _data in buttons) else 2
    for label, data in buttons:
        if len(label) + room > SHARED_ROW_MAX:
            if current:
                rows.append(tuple(current))
                current = []
            rows.append(((label, data),))
            continue
        current.append((label, data))
        if len(current) == width:
            rows.append(tuple(current))
            current = []
    if current:
        rows.append(tuple(current))
    return rows


def review_screens(items: Sequence[ReviewItem], ticket: int) -> list[Screen]:
    """The review: every answer numbered under its short label, a number button to change
    it, a "Show all" button for each answer cut here, then Send.

    Split over several messages if needed; the buttons go on the last.
    """
    lines = []
    cut: list[tuple[int, ReviewItem]] = []
    for number, item in enumerate(items, start=1):
        shown = format_value(item.question, item.value)
        if len(shown) > VALUE_PREVIEW:
            cut.append((number, item))
            shown = _cut(shown) + "\n<i>" + _(texts.REVIEW_CUT).format(number=number) + "</i>"
        lines.append(f"{number}. {review_label(item)} — {shown}")
    chunks: list[str] = [_(texts.REVIEW_HEADER)]
    for line in lines:
        if len(chunks[-1]) + len(line) + 1 > MAX_MESSAGE:
            chunks.append(line)
        else:
            chunks[-1] += "\n" + line
    numbers = [
        (str(n), encode(ticket, Action.EDIT, item.path)) for n, item in enumerate(items, start=1)
    ]
    rows = [tuple(numbers[i : i + 6]) for i in range(0, len(numbers), 6)]
    shows = [
        (_(texts.REVIEW_SHOW_ALL).format(number=n), encode(ticket, Action.SHOW, item.path))
        for n, item in cut
    ]
    rows += [tuple(shows[i : i + 2]) for i in range(0, len(shows), 2)]
    rows.append(((_(texts.REVIEW_SEND), encode(ticket, Action.SEND)),))
    rows.append(
        (
            (_(texts.BACK), encode(ticket, Action.BACK)),
            (_(texts.REVIEW_CANCEL), encode(ticket, Action.CANCEL)),
        )
    )
    screens = [Screen(chunk) for chunk in chunks]
    screens[-1] = Screen(screens[-1].text, tuple(rows))
    return screens


def review_label(item: ReviewItem) -> str:
    """The answer's short label on the review ("Person 2: Age"), translated."""
    label = REVIEW_LABELS.get(item.question.id)
    title = _(label) if label else _(item.question.text).split("\n", 1)[0]
    if item.position is None:
        return title
    person = _(texts.PERSON).format(label=_(item.position.label), number=item.position.number)
    return f"{person}: {title}"


def _cut(shown: str) -> str:
    """The start of an HTML-escaped answer, never cutting inside an escape like `&amp;`."""
    head = shown[: VALUE_PREVIEW - 1]
    amp = head.rfind("&")
    if amp != -1 and ";" not in head[amp:]:
        head = head[:amp]
    return head + "…"


def full_answer_screens(number: int, item: ReviewItem) -> list[Screen]:
    """One answer whole, for "Show all": as many messages as Telegram's length limit needs,
    each split on a line or a space where it can, never inside an HTML escape."""
    head = f"{number}. {review_label(item)}\n"
    raw = item.value if isinstance(item.value, str) and item.question.kind is Kind.TEXT else None
    if raw is None:
        return [Screen(head + format_value(item.question, item.value))]
    pieces: list[str] = []
    rest = raw
    while rest:
        room = MAX_MESSAGE - (len(head) if not pieces else 0)
        piece = _fitting(rest, room)
        pieces.append(piece)
        rest = rest[len(piece) :]
    return [Screen((head if n == 0 else "") + html.escape(p)) for n, p in enumerate(pieces)]


def _fitting(text: str, room: int) -> str:
    """The longest start of `text` whose escaped form fits `room` UTF-16 units (Telegram's
    count), ending at a line break or a space when one is near the end."""
    size = min(len(text), room)
    while _telegram_length(html.escape(text[:size])) > room:
        size -= max(1, (_telegram_length(html.escape(text[:size])) - room) // 6)
    if size < len(text):
        brk = max(text.rfind("\n", 0, size), text.rfind(" ", 0, size))
        if brk > 0 and brk > size - 200:
            size = brk + 1
    return text[:size]


def _telegram_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _choice_label(question: Question, code: str) -> str:
    for choice in base_choices(question):
        if choice.code == code:
            return _(choice.label)
    return html.escape(code)


def format_value(question: Question, value: Answer) -> str:
    """An answer as the witness should read it back, in their language, HTML-escaped."""
    if value is None:
        return _(texts.NO_ANSWER)
    if isinstance(value, str) and value in {s.value for s in Special}:
        return _(SPECIAL_LABELS[Special(value)])
    kind = question.kind
    if kind in (Kind.CHOICE, Kind.YES_NO) and isinstance(value, str):
        return _choice_label(question, value)
    if kind is Kind.MULTI and isinstance(value, list):
        return ", ".join(_choice_label(question, str(code)) for code in value)
    if kind is Kind.NUMBER and isinstance(value, int | float):
        return format_decimal(value, locale=current_language())
    if kind is Kind.NUMBER and isinstance(value, dict):
        about = value.get("number")
        if isinstance(about, int):
            number = format_decimal(about, locale=current_language())
            return _(texts.APPROXIMATE_NUMBER).format(number=number)
    if kind is Kind.DATE and isinstance(value, dict):
        return format_partial_date(value)
    if kind is Kind.PLACE and isinstance(value, dict):
        return _format_place(value)
    if kind is Kind.CONTACT and isinstance(value, dict):
        method = _choice_label(question, str(value.get("method")))
        detail = value.get("detail")
        return f"{method}: {html.escape(str(detail))}" if detail else method
    if kind is Kind.TEXT and isinstance(value, dict) and "voice" in value:
        return voice_label(value.get("seconds"))
    if kind is Kind.MEDIA and isinstance(value, list):
        # TRANSLATORS: An answer on the review screen: how many files were sent. {count} is a
        # number.
        return ngettext("{count} file", "{count} files", len(value)).format(count=len(value))
    return html.escape(str(value))


def voice_label(seconds: Answer) -> str:
    """ "voice message, 1:42"; without a length when Telegram gave none."""
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 0:
        return _(texts.VOICE_MESSAGE).format(duration="?:??")
    minutes, rest = divmod(seconds, 60)
    return _(texts.VOICE_MESSAGE).format(duration=f"{minutes}:{rest:02d}")


def format_partial_date(value: dict[str, Answer]) -> str:
    """A date as precise as the witness knew it, per locale ("6 января 2022 г.", "2022")."""
    raw, precision = str(value.get("date", "")), value.get("precision")
    locale = current_language()
    try:
        if len(raw) == 10:
            shown = format_date(dt.date.fromisoformat(raw), format="long", locale=locale)
        elif len(raw) == 7:
            shown = format_skeleton("yMMMM", dt.date.fromisoformat(raw + "-01"), locale=locale)
        else:
            shown = html.escape(raw)
    except ValueError:
        shown = html.escape(raw)
    return f"≈ {shown}" if precision == "approximate" else shown


def _format_place(value: dict[str, Answer]) -> str:
    parts = []
    region = value.get("region")
    if isinstance(region, str):
        parts.append(next((_(c.label) for c in REGIONS if c.code == region), html.escape(region)))
    town = value.get("town")
    if isinstance(town, str) and town:
        parts.append(html.escape(town))
    if value.get("lat") is not None:
        parts.append(_(texts.LOCATION_SHARED))
    return ", ".join(parts) or _(texts.NO_ANSWER)


def offer_screen(offer: Offer, ticket: int) -> Screen:
    return Screen(
        _(offer.text),
        (
            ((_(texts.OFFER_YES), encode(ticket, Action.OFFER, offer.form)),),
            ((_(texts.OFFER_NO), encode(ticket, Action.OFFER, "")),),
        ),
    )


def answer_screens(events: Sequence[EventDocument], *, purged: bool = False) -> list[Screen]:
    """What `/followup CODE` shows before the follow-up: the status sentence (and, once the
    report was purged, that the reviewers hold it), then every reply, oldest first. A
    reviewer's text is untrusted like a witness's: escaped."""
    status = "new"
    replies = []
    for event in events:
        if event.kind is EventKind.STATUS and event.status in texts.STATUS_SENTENCES:
            status = event.status
        elif event.kind is EventKind.REPLY and event.text:
            replies.append(event)
    sentence = _(texts.STATUS_SENTENCES[status])
    if purged:
        sentence += "\n\n" + _(texts.REPORT_PURGED)
    shown = [Screen(_(texts.STATUS_SHOWN).format(sentence=sentence))]
    locale = current_language()
    for number, reply in enumerate(replies, start=1):
        day = format_date(reply.day, format="long", locale=locale)
        heading = _(texts.REPLY_SHOWN).format(number=number, total=len(replies), day=day)
        shown.append(Screen(f"{heading}\n\n{html.escape(reply.text or '')}"))
    return shown


def receipt_screen(code: str) -> Screen:
    return Screen(_(texts.RECEIPT).format(code=html.escape(code)))


def wipe_offer_screen(ticket: int) -> Screen:
    return Screen(
        f"{_(texts.WIPE_OFFER)}\n\n{_(texts.REMAINS_AFTER_SEND)}",
        (
            ((_(texts.WIPE_NOW), encode(ticket, Action.WIPE, "ask")),),
            ((_(texts.WIPE_LATER), encode(ticket, Action.WIPE, "no")),),
        ),
    )


def wipe_confirm_screen(ticket: int) -> Screen:
    return Screen(
        _(texts.WIPE_CONFIRM),
        (
            ((_(texts.WIPE_CONFIRM_YES), encode(ticket, Action.WIPE, "yes")),),
            ((_(texts.WIPE_LATER), encode(ticket, Action.WIPE, "no")),),
        ),
    )


def discard_confirm_screen(ticket: int) -> Screen:
    """ "Don't send" asks first: one slip of a thumb must not throw a whole report away."""
    return Screen(
        _(texts.DISCARD_CONFIRM),
        (
            ((_(texts.DISCARD_YES), encode(ticket, Action.CANCEL, "yes")),),
            ((_(texts.DISCARD_NO), encode(ticket, Action.CANCEL, "no")),),
        ),
    )


def followup_screen(ticket: int, text: str) -> Screen:
    return Screen(_(text), (((_(texts.FOLLOWUP_DONE), encode(ticket, Action.FOLLOWUP, "done")),),))


def notice(msgid: str, **params: str | int) -> Screen:
    return Screen(_(msgid).format(**params) if params else _(msgid))
