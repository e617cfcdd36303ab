"""The browser part itself: Debian's Chromium renders a local page and takes a screenshot."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page


async def test_renders_a_local_page_and_screenshots_it(page: Page, tmp_path: Path) -> None:
    html = tmp_path / "page.html"
    html.write_text(
        "<!doctype html><meta charset=utf-8><h1>Куәгер</h1>"
        '<div style="width:200px;height:100px;background:#c00"></div>',
        encoding="utf-8",
    )
    await page.goto(html.as_uri())
    assert await page.text_content("h1") == "Куәгер"
    shot = tmp_path / "shot.png"
    await page.screenshot(path=str(shot))
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG")
    assert len(png) > 1000
