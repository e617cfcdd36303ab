"""What the desk makes from cases for reading elsewhere: the summary's charts, a WGEID draft.

Both reuse the reviewer commands' own parts — `kuager summary`'s counting and charts
(`storage.summary`, `handlers.summary_page`, `storage.summary_html.render_chart`), `kuager
wgeid`'s draft (`handlers.wgeid`, `storage.wgeid_docx`) — from the cases already decrypted in
memory; nothing is written to disk but what the reviewer's browser saves.
"""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from bot.desk.app import DESK, lang_of, render
from bot.desk.casebook import MISSING_PERSON
from bot.desk.files import safe_disposition
from bot.desk.pages import case_asked, not_found
from handlers.summary_page import summary_charts, summary_fields, summary_page
from handlers.wgeid import draft_submission
from storage.summary import summarise
from storage.summary_html import render_chart
from storage.wgeid_docx import document_bytes

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

routes = web.RouteTableDef()


@routes.get("/summary")
async def summary(request: web.Request) -> web.StreamResponse:
    vault = request.app[DESK].vault
    await vault.refresh()
    counted = summarise(vault.reports(), summary_fields())
    lang = lang_of(request)
    page = summary_page(counted, lang, dt.datetime.now(dt.UTC).date())
    charts = [render_chart(chart, page.empty) for chart in summary_charts(counted, lang)]
    return render(request, "summary.html", page=page, charts=charts)


@routes.get("/cases/{case_id}/wgeid.docx")
async def wgeid_draft(request: web.Request) -> web.StreamResponse:
    case = case_asked(request)
    if case is None or case.form_id != MISSING_PERSON:
        return not_found(request)
    submission = draft_submission(
        case.case_id, case.form_id, case.received_day, case.answers, dt.date.today()
    )
    return web.Response(
        body=document_bytes(submission),
        content_type=DOCX,
        headers={"Content-Disposition": safe_disposition(f"wgeid-{case.case_id}.docx")},
    )
