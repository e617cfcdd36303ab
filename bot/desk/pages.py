"""The desk's pages: each handler reads the request, asks the vault, and renders a template.

Every route is here, in `ROUTES`; the door middleware (`app.door`) has already checked the
host, the session, and for a POST the Origin and CSRF token, before any of these runs.
"""

from __future__ import annotations

from importlib import resources
from urllib.parse import urlencode

from aiohttp import web

from bot.desk import words as w
from bot.desk.app import DESK, lang_of, message, render, session_of
from bot.desk.casebook import CaseFilter, DeskCase, count, pick, with_statuses
from bot.desk.files import delivery
from bot.desk.guard import set_session_cookie
from bot.desk.showing import (
    HistoryEntry,
    ShownFile,
    answers,
    day,
    form_title,
    gap_label,
    language_name,
    linked,
    region_label,
    shown_file,
    side_by_side,
)
from bot.desk.vault import FileUnavailable
from handlers.forms import FORMS, REGIONS
from handlers.i18n import LANGUAGES, _, language
from storage.cases import is_object_id
from storage.events import STATUSES, current_status

STATIC = {"desk.css": "text/css"}
"""The only static files, by name: a request names one of these or gets 404, never a path."""

routes = web.RouteTableDef()


@routes.get("/open/{token}")
async def open_desk(request: web.Request) -> web.StreamResponse:
    """The one-time link from the terminal: trade its token for a session cookie."""
    session_id = request.app[DESK].gate.exchange(request.match_info["token"])
    if session_id is None:
        with language(lang_of(request)):
            return message(request, _(w.NO_SESSION_TITLE), _(w.NO_SESSION_TEXT), 403)
    response = web.HTTPSeeOther("/cases")
    set_session_cookie(response, session_id)
    raise response


@routes.get("/")
async def index(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/cases")


@routes.get("/cases")
async def list_cases(request: web.Request) -> web.StreamResponse:
    vault = request.app[DESK].vault
    await vault.refresh()
    chosen, bad = CaseFilter.from_query(request.query)
    everything = with_statuses(vault.cases(), await vault.statuses())
    shown = pick(everything, chosen)
    query = urlencode(chosen.as_query())
    return render(
        request,
        "cases.html",
        cases=shown,
        download_query=f"?{query}" if query else "",
        counts=count(everything, shown),
        chosen=chosen,
        bad_dates=bool(bad),
        tampered=len(vault.tampered),
        forms=[(form_id, form.title) for form_id, form in FORMS.items()],
        regions=[(c.code, c.label) for c in REGIONS],
        statuses=[(code, w.STATUS_LABELS[code]) for code in STATUSES],
        form_title=form_title,
        region_label=region_label,
        day=day,
    )


@routes.get("/cases/{case_id}")
async def show_case(request: web.Request) -> web.StreamResponse:
    case = case_asked(request)
    if case is None:
        return not_found(request)
    saved = request.query.get("saved") == "1"
    return await case_page(request, case, notice=_(w.SAVED) if saved else "")


def case_asked(request: web.Request) -> DeskCase | None:
    """The case the path names, if it is one this key opened; None for anything else."""
    case_id = request.match_info["case_id"]
    return request.app[DESK].vault.case(case_id) if is_object_id(case_id) else None


async def case_page(
    request: web.Request, case: DeskCase, *, notice: str = "", error: str = "", status: int = 200
) -> web.Response:
    """A case with its files, its history (follow-ups and events) and the forms."""
    vault = request.app[DESK].vault
    files = [
        await _shown(request, case.case_id, index, ref)
        for index, ref in enumerate(case.attachments, start=1)
    ]
    entries: list[HistoryEntry] = []
    for followup in case.followups:
        shown = [
            await _shown(request, followup.case_id, index, ref)
            for index, ref in enumerate(followup.attachments, start=1)
        ]
        entries.append(HistoryEntry(followup.received_day, followup=followup, files=shown))
    events = await vault.history(case.case_id)
    entries += [HistoryEntry(event.day, event=event) for event in events]
    entries.sort(key=lambda entry: entry.day)
    groups = await vault.same_person(case.case_id)
    with language(lang_of(request)):
        known, others = answers(case)
        same = side_by_side(case.case_id, groups)
    return render(
        request,
        "case.html",
        same=list(zip(groups, same, strict=True)),
        status=status,
        case=case,
        current=current_status(events),
        statuses=[(code, w.STATUS_LABELS[code]) for code in STATUSES],
        known=known,
        others=others,
        files=files,
        history=entries,
        linked=linked(case, vault.cases()),
        notice=notice,
        error=error,
        form_title=form_title,
        region_label=region_label,
        gap_label=gap_label,
        language_name=language_name,
        day=day,
    )


async def _shown(request: web.Request, document_id: str, index: int, ref: object) -> ShownFile:
    vault = request.app[DESK].vault
    head = await vault.file_head(document_id, index)
    assert isinstance(ref, dict)
    return shown_file(document_id, index, ref, delivery(index, "", "", head).inline)


@routes.get("/files/{document_id}/{index}")
async def file(request: web.Request) -> web.StreamResponse:
    """One attachment, by the number the case gives it; what it is decides how it is served."""
    document_id, index = request.match_info["document_id"], request.match_info["index"]
    if not is_object_id(document_id) or not index.isdigit() or len(index) > 4:
        return not_found(request)
    try:
        opened = await request.app[DESK].vault.open_file(document_id, int(index))
    except FileUnavailable:
        return not_found(request)
    how = delivery(opened.index, opened.name, opened.kind, opened.data[:64])
    return web.Response(
        body=opened.data,
        content_type=how.content_type,
        headers={"Content-Disposition": how.disposition},
    )


@routes.post("/lang")
async def set_language(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    session = session_of(request)
    chosen = form.get("lang")
    if session is not None and isinstance(chosen, str) and chosen in LANGUAGES:
        session.lang = chosen
    raise web.HTTPSeeOther(_back(form.get("back")))


@routes.post("/lock")
async def lock(request: web.Request) -> web.StreamResponse:
    request.app[DESK].vault.lock()
    raise web.HTTPSeeOther("/cases")


@routes.get("/static/{name}")
async def static(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in STATIC:
        raise web.HTTPNotFound
    body = resources.files("bot.desk").joinpath("static", name).read_bytes()
    return web.Response(body=body, content_type=STATIC[name])


def _back(back: object) -> str:
    """Where to return after a form: a path on this desk only, never another site."""
    # "//host" and "/\\host" are other sites to a browser.
    if isinstance(back, str) and back.startswith("/") and back[1:2] not in ("/", "\\"):
        return back
    return "/cases"


def not_found(request: web.Request) -> web.Response:
    with language(lang_of(request)):
        return message(request, _(w.NOT_FOUND_TITLE), _(w.NOT_FOUND_TEXT), 404)
