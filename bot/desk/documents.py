"""What the desk makes from cases for reading elsewhere: the summary's charts, a WGEID draft,
the listed cases as a workbook or CSV tables.

Each reuses the reviewer commands' own parts — `kuager summary`'s counting and charts
(`storage.summary`, `handlers.summary_page`, `storage.summary_html.render_chart`), `kuager
wgeid`'s draft (`handlers.wgeid`, `storage.wgeid_docx`), `kuager export`'s tables
(`storage.export.tables_in_memory` with the same layout and same-person column) — from the cases
already decrypted in memory; nothing is written to disk but what the reviewer's browser saves.

A download is not an export in the retention sense: it records no ack, since the desk cannot
know the browser kept the file, so it never lets housekeeping purge a case.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from aiohttp import web

from bot.desk.app import DESK, lang_of, render
from bot.desk.casebook import MISSING_PERSON, CaseFilter, documents_of, pick, with_statuses
from bot.desk.files import safe_disposition
from bot.desk.pages import case_asked, not_found
from handlers.export_layout import export_layout
from handlers.summary_page import summary_charts, summary_fields, summary_page
from handlers.wgeid import draft_submission
from storage.export import ExportFormat, tables_in_memory
from storage.sameperson import export_column
from storage.summary import summarise
from storage.summary_html import render_chart
from storage.wgeid_docx import document_bytes

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS = {
    "cases.xlsx": (ExportFormat.XLSX, XLSX),
    "cases.zip": (ExportFormat.CSV, "application/zip"),
}
"""The list's downloads, by the only names a request may ask for."""

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


@routes.get("/download/{name}")
async def download(request: web.Request) -> web.StreamResponse:
    """The cases the list shows under the same filters, with their follow-ups, as `kuager
    export` would write them in the session's language."""
    how = DOWNLOADS.get(request.match_info["name"])
    if how is None:
        return not_found(request)
    kind, content_type = how
    vault = request.app[DESK].vault
    await vault.refresh()
    chosen, _bad = CaseFilter.from_query(request.query)
    shown = pick(with_statuses(vault.cases(), await vault.statuses()), chosen)
    documents = documents_of(shown, vault.reports())
    name = f"kuager-cases-{dt.date.today().isoformat()}"
    layout = export_layout(lang_of(request))
    # Seconds for thousands of cases: off the event loop, so the desk keeps answering.
    body = await asyncio.to_thread(tables_in_memory, documents, kind, layout, export_column, name)
    suffix = ".xlsx" if kind is ExportFormat.XLSX else ".zip"
    return web.Response(
        body=body,
        content_type=content_type,
        headers={"Content-Disposition": safe_disposition(name + suffix)},
    )


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
