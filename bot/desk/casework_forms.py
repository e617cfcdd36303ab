"""The desk's forms that write: a status, a note, a reply to the witness, a word on a possible
same person — and what they show.

Each writes through `bot.casework.append_events`, the function `kuager status/note/reply`
use, so an event from the desk is sealed, chained and shown to the witness exactly as one from
the terminal; events are built by `storage.events.status_event` / `text_event`, which check
them the same way too. A reply is first shown as the witness will read it (`answer_screens`,
in the report's language), then sent by a second POST carrying the same text.
"""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from markupsafe import Markup

from bot.casework import NoReplyChannel
from bot.desk import words as w
from bot.desk.app import DESK, lang_of, render
from bot.desk.pages import case_asked, case_page, not_found
from bot.desk.showing import language_name
from handlers.i18n import _, language
from handlers.screens import answer_screens
from storage.events import (
    MAX_TEXT,
    STATUSES,
    EventDocument,
    EventKind,
    InvalidEvent,
    same_person_event,
    status_event,
    text_event,
)

routes = web.RouteTableDef()


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _text_problem(kind: EventKind, text: str) -> str:
    """The translated reason a note or reply cannot be saved, or "" when it can."""
    try:
        text_event("0" * 32, kind, text, "", _today())
    except InvalidEvent:
        return _(w.TEXT_EMPTY) if not text.strip() else _(w.TEXT_TOO_LONG).format(max=MAX_TEXT)
    return ""


async def _field(request: web.Request, name: str) -> str:
    value = (await request.post()).get(name, "")
    return value if isinstance(value, str) else ""


@routes.post("/cases/{case_id}/status")
async def set_status(request: web.Request) -> web.StreamResponse:
    case = case_asked(request)
    if case is None:
        return not_found(request)
    status, note = await _field(request, "status"), await _field(request, "note")
    with language(lang_of(request)):
        problem = _text_problem(EventKind.NOTE, note) if note.strip() else ""
    if status not in STATUSES or problem:
        return await case_page(request, case, error=problem, status=400)
    today = _today()

    def events(case_id: str, author: str) -> list[EventDocument]:
        made = [status_event(case_id, status, author, today)]
        if note.strip():
            made.append(text_event(case_id, EventKind.NOTE, note, author, today))
        return made

    await request.app[DESK].vault.record(case.case_id, events, today)
    raise web.HTTPSeeOther(f"/cases/{case.case_id}?saved=1")


@routes.post("/cases/{case_id}/same")
async def decide_same_person(request: web.Request) -> web.StreamResponse:
    """A reviewer's word on one same-person group shown beside this case, as `kuager same`.

    The form names the group by its id; the cases come from the group as the desk sees it now,
    never from the browser, so only a grouping the reviewer was shown can be decided."""
    case = case_asked(request)
    if case is None:
        return not_found(request)
    vault = request.app[DESK].vault
    group_id, verdict = await _field(request, "group"), await _field(request, "verdict")
    group = next((g for g in await vault.same_person(case.case_id) if g.id == group_id), None)
    if group is None or verdict not in ("same", "not"):
        with language(lang_of(request)):
            error = _(w.SAME_CHANGED)
        return await case_page(request, case, error=error, status=409)
    others, today = sorted(group.case_ids - {case.case_id}), _today()

    def events(case_id: str, author: str) -> list[EventDocument]:
        return [same_person_event(case_id, others, verdict == "same", author, today)]

    await vault.record(case.case_id, events, today)
    raise web.HTTPSeeOther(f"/cases/{case.case_id}?saved=1")


@routes.post("/cases/{case_id}/note")
async def add_note(request: web.Request) -> web.StreamResponse:
    return await _write_text(request, EventKind.NOTE)


@routes.post("/cases/{case_id}/reply")
async def send_reply(request: web.Request) -> web.StreamResponse:
    """The reply's second step: seal and store the text the preview showed."""
    return await _write_text(request, EventKind.REPLY)


async def _write_text(request: web.Request, kind: EventKind) -> web.StreamResponse:
    case = case_asked(request)
    if case is None:
        return not_found(request)
    text = await _field(request, "text")
    with language(lang_of(request)):
        problem = _text_problem(kind, text)
    if problem:
        return await case_page(request, case, error=problem, status=400)
    today = _today()

    def events(case_id: str, author: str) -> list[EventDocument]:
        return [text_event(case_id, kind, text, author, today)]

    try:
        await request.app[DESK].vault.record(case.case_id, events, today)
    except NoReplyChannel:
        with language(lang_of(request)):
            error = _(w.NO_REPLY_CHANNEL)
        return await case_page(request, case, error=error, status=409)
    raise web.HTTPSeeOther(f"/cases/{case.case_id}?saved=1")


@routes.post("/cases/{case_id}/reply/preview")
async def preview_reply(request: web.Request) -> web.StreamResponse:
    """The reply's first step: the witness's `/followup` screens with this reply added."""
    case = case_asked(request)
    if case is None:
        return not_found(request)
    vault = request.app[DESK].vault
    text = await _field(request, "text")
    with language(lang_of(request)):
        problem = _text_problem(EventKind.REPLY, text)
        if not problem and not await vault.has_reply_channel(case.case_id):
            problem = _(w.NO_REPLY_CHANNEL)
    if problem:
        return await case_page(request, case, error=problem, status=400)
    shown = [
        e.document
        for e in await vault.history(case.case_id)
        if e.document is not None and e.authentic and e.document.kind is not EventKind.NOTE
    ]
    reply = text_event(case.case_id, EventKind.REPLY, text, vault.key_id, _today())
    with language(case.language):
        # answer_screens escapes the reviewers' text itself: Telegram's HTML, shown as is.
        screens = [Markup(s.text) for s in answer_screens([*shown, reply])]  # noqa: S704
    with language(lang_of(request)):
        witness_language = language_name(case.language)
    return render(
        request,
        "reply_preview.html",
        case=case,
        screens=screens,
        text=text,
        witness_language=witness_language,
    )
