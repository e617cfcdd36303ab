"""The desk's door over real loopback HTTP: session, CSRF, Origin, Host, paths, headers, idle.

Each promise of guard.py is checked by a request that breaks exactly it; the response must be
a refusal that carries nothing of any case.
"""

from __future__ import annotations

import asyncio
import io
import re
import zipfile
from collections.abc import AsyncIterator

import aiohttp
import openpyxl
import pytest

from bot.desk.guard import COOKIE, CSRF_FIELD
from bot.desk.vault import Vault
from storage.attachments import seal_attachment
from storage.cases import AttachmentRef
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from tests.desk_server import RunningDesk, served_desk
from tests.storage.cases import PHOTO, detention, forged_file, store

SECRET = "Тайна-свидетеля-7731"
PAGE_SCRIPT = b"<html><script>alert(1)</script></html>"


class Clock:
    """A clock the test moves: idle time without waiting for it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def stored(db: Database, reviewer_key: ReviewerPrivateKey) -> str:
    photo = await forged_file(db, reviewer_key.public, name="синяк.jpg")
    async with db.transaction() as session:
        sealed = await seal_attachment(session, PAGE_SCRIPT, [reviewer_key.public])
    page = AttachmentRef(
        sealed.attachment_id, sealed.sha256, sealed.size, "document", "text/html", "page.html"
    )
    receipt = await store(
        db, detention("ru", narrative=SECRET, attachments=[photo, page]), [reviewer_key.public]
    )
    return receipt.case_id


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def desk(
    database_url: str, reviewer_key: ReviewerPrivateKey, stored: str, clock: Clock
) -> AsyncIterator[RunningDesk]:
    async with served_desk(database_url, reviewer_key, idle_seconds=60, clock=clock) as running:
        yield running


async def logged_in(desk: RunningDesk) -> aiohttp.ClientSession:
    client = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with client.get(desk.login_url, allow_redirects=False) as response:
        assert response.status == 303
    return client


async def csrf_of(client: aiohttp.ClientSession, desk: RunningDesk) -> str:
    async with client.get(f"{desk.origin}/cases") as response:
        found = re.search(r'name="csrf" value="([^"]+)"', await response.text())
    assert found is not None
    return found.group(1)


async def test_the_token_gives_a_strict_httponly_cookie_once(desk: RunningDesk) -> None:
    async with aiohttp.ClientSession() as client:
        async with client.get(desk.login_url, allow_redirects=False) as response:
            cookie = response.headers["Set-Cookie"]
        assert cookie.startswith(f"{COOKIE}=")
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age" not in cookie
        async with client.get(desk.login_url, allow_redirects=False) as again:
            assert again.status == 403, "the link works once"


async def test_without_the_session_cookie_nothing_of_a_case_is_served(
    desk: RunningDesk, stored: str
) -> None:
    async with aiohttp.ClientSession() as client:
        paths = ("/cases", f"/cases/{stored}", f"/files/{stored}/1", "/", "/download/cases.xlsx")
        for path in (*paths, "/download/cases.zip"):
            async with client.get(desk.origin + path, allow_redirects=False) as response:
                body = await response.read()
                assert response.status == 403, path
                assert SECRET.encode() not in body and PHOTO[:20] not in body
                assert b"Open the desk from its link" in body
        forged = {COOKIE: "not-a-session"}
        async with client.get(desk.origin + "/cases", cookies=forged) as response:
            assert response.status == 403


async def test_a_change_needs_our_origin_and_the_sessions_csrf_token(desk: RunningDesk) -> None:
    client = await logged_in(desk)
    async with client:
        token = await csrf_of(client, desk)
        session = next(iter(desk.desk.gate.sessions.values()))
        attempts = [
            ({"Origin": desk.origin}, {CSRF_FIELD: "wrong", "lang": "kk"}),
            ({"Origin": desk.origin}, {"lang": "kk"}),
            ({"Origin": "http://evil.example"}, {CSRF_FIELD: token, "lang": "kk"}),
            ({"Origin": "null"}, {CSRF_FIELD: token, "lang": "kk"}),
            ({}, {CSRF_FIELD: token, "lang": "kk"}),
        ]
        for headers, form in attempts:
            async with client.post(
                f"{desk.origin}/lang", data=form, headers=headers, allow_redirects=False
            ) as response:
                assert response.status == 403, (headers, form)
                assert session.lang == "en"
        async with client.post(
            f"{desk.origin}/lock", data={CSRF_FIELD: "wrong"}, headers={"Origin": desk.origin}
        ) as response:
            assert response.status == 403 and not desk.desk.vault.locked
        async with client.post(
            f"{desk.origin}/lang",
            data={CSRF_FIELD: token, "lang": "kk", "back": "//evil.example/"},
            headers={"Origin": desk.origin},
            allow_redirects=False,
        ) as response:
            assert response.status == 303 and response.headers["Location"] == "/cases"
        assert session.lang == "kk"


async def test_another_host_name_is_refused_even_with_the_cookie(desk: RunningDesk) -> None:
    """DNS rebinding: evil.example resolved to 127.0.0.1 still sends its own Host."""
    client = await logged_in(desk)
    async with client:
        headers = {"Host": "evil.example"}
        async with client.get(f"{desk.origin}/cases", headers=headers) as response:
            assert response.status == 403
            assert SECRET.encode() not in await response.read()


async def test_only_the_cases_own_files_by_number(desk: RunningDesk, stored: str) -> None:
    client = await logged_in(desk)
    async with client:
        other = "f" * 32
        for path in (
            f"/files/{stored}/0",
            f"/files/{stored}/3",
            f"/files/{stored}/-1",
            f"/files/{other}/1",
            f"/files/{stored}/1%2F..%2F..%2F..%2Fetc%2Fpasswd",
            "/files/..%2F..%2Fetc%2Fpasswd/1",
            "/static/..%2Fapp.py",
            "/static/%2E%2E/pages.py",
            "/static/app.py",
            "/static/../app.py",
        ):
            async with client.get(desk.origin + path, allow_redirects=False) as response:
                body = await response.read()
                assert response.status == 404, path
                assert b"import" not in body and b"root:" not in body
                assert response.headers["Cache-Control"] == "no-store"


async def test_a_file_is_served_by_what_its_bytes_are(desk: RunningDesk, stored: str) -> None:
    client = await logged_in(desk)
    async with client:
        async with client.get(f"{desk.origin}/files/{stored}/1") as photo:
            assert photo.headers["Content-Type"] == "image/jpeg"
            assert photo.headers["Content-Disposition"].startswith("inline;")
            assert await photo.read() == PHOTO
        async with client.get(f"{desk.origin}/files/{stored}/2") as page:
            assert page.headers["Content-Type"] == "application/octet-stream"
            assert page.headers["Content-Disposition"].startswith("attachment;")
            assert "02_page.html" in page.headers["Content-Disposition"]
            assert page.headers["X-Content-Type-Options"] == "nosniff"
            assert await page.read() == PAGE_SCRIPT


async def test_every_response_forbids_cache_script_and_other_origins(
    desk: RunningDesk, stored: str
) -> None:
    client = await logged_in(desk)
    async with client:
        paths = (
            "/cases",
            f"/cases/{stored}",
            f"/files/{stored}/1",
            "/static/desk.css",
            "/nope",
            "/download/cases.xlsx",
        )
        for path in paths:
            async with client.get(desk.origin + path) as response:
                headers = response.headers
                assert headers["Cache-Control"] == "no-store", path
                assert headers["X-Content-Type-Options"] == "nosniff"
                policy = headers["Content-Security-Policy"]
                assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
                assert "script-src" not in policy and "unsafe" not in policy
                assert "http" not in policy, "nothing from any other origin"


async def test_after_the_idle_time_the_key_is_gone_and_pages_say_unlock(
    desk: RunningDesk, stored: str, clock: Clock
) -> None:
    client = await logged_in(desk)
    async with client:
        async with client.get(f"{desk.origin}/cases/{stored}") as response:
            assert SECRET in await response.text()
        clock.now += 59
        async with client.get(f"{desk.origin}/cases/{stored}") as response:
            assert response.status == 200, "used within the idle time: still open"
        clock.now += 61
        async with client.get(f"{desk.origin}/cases/{stored}") as response:
            body = await response.text()
            assert response.status == 423
            assert "The desk is locked" in body and "terminal" in body and SECRET not in body
        assert desk.desk.vault.locked
        assert desk.desk.vault._key is None and desk.desk.vault._opened == {}
        async with client.get(f"{desk.origin}/files/{stored}/1") as response:
            assert response.status == 423


async def test_the_watch_drops_the_key_with_no_request_at_all(
    database_url: str, reviewer_key: ReviewerPrivateKey, stored: str, clock: Clock
) -> None:
    async with served_desk(database_url, reviewer_key, idle_seconds=0.4, clock=clock) as running:
        clock.now += 1
        for _ in range(400):
            if running.desk.vault.locked:
                break
            await asyncio.sleep(0.05)
        assert running.desk.vault.locked


async def test_the_list_downloads_as_the_export_s_workbook_and_csv_tables(
    desk: RunningDesk, stored: str
) -> None:
    client = await logged_in(desk)
    async with client:
        async with client.get(f"{desk.origin}/download/cases.xlsx?type=detention") as response:
            assert response.status == 200
            disposition = response.headers["Content-Disposition"]
            assert disposition.startswith('attachment; filename="kuager-cases-')
            book = openpyxl.load_workbook(io.BytesIO(await response.read()))
        cells = [c for sheet in book.worksheets for row in sheet.values for c in row]
        assert SECRET in cells and stored in cells
        assert book.worksheets[0].freeze_panes == "A2"

        async with client.get(f"{desk.origin}/download/cases.zip") as response:
            assert response.headers["Content-Type"] == "application/zip"
            archive = zipfile.ZipFile(io.BytesIO(await response.read()))
        names = archive.namelist()
        assert all(re.fullmatch(r"kuager-cases-[0-9-]+(_[a-z_]+)?\.csv", n) for n in names)
        assert any(SECRET in archive.read(n).decode("utf-8-sig") for n in names)

        # A filter that admits nothing downloads the headers alone.
        async with client.get(f"{desk.origin}/download/cases.xlsx?type=ill_treatment") as empty:
            book = openpyxl.load_workbook(io.BytesIO(await empty.read()))
        assert SECRET not in [c for s in book.worksheets for row in s.values for c in row]
        async with client.get(f"{desk.origin}/download/../../etc/passwd") as nothing:
            assert nothing.status == 404
        async with client.get(f"{desk.origin}/download/cases.jsonl") as nothing:
            assert nothing.status == 404


async def test_a_lock_while_cases_are_being_decrypted_keeps_none_of_them(
    db: Database, reviewer_key: ReviewerPrivateKey, stored: str
) -> None:
    """The idle lock can fall while the vault waits for the database: what it decrypts after
    that must not land in the emptied memory."""
    vault = Vault(db)
    unlocking = asyncio.create_task(vault.unlock(reviewer_key))
    await asyncio.sleep(0)  # the unlock now waits for its rows
    vault.lock()
    await unlocking
    assert vault.locked
    assert vault._opened == {} and vault._cases == {}  # what a memory dump would find
