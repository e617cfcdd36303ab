"""A real headless Chromium (Debian's package) driven through Playwright.

Pages a reviewer opens — the summary, the desk — are tested as the reviewer's browser renders
them, not by reading HTML strings. Playwright's own browser downloads are never used: the
machine has no internet beyond package registries, and Debian's Chromium is what `.ci/run`
installs. A missing Chromium fails the test with the command that installs it, rather than
skipping, so a CI machine without it cannot pass silently.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, async_playwright

CHROMIUM_NAMES = ("chromium", "chromium-browser")
INSTALL_HINT = "apt-get install -y chromium (Debian's package; `.ci/run` does it)"


def chromium_path() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"no Chromium on this machine: {INSTALL_HINT}", pytrace=False)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            # Containers often lack the kernel features Chromium's sandbox wants; the pages
            # opened here are our own, served on loopback.
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield await context.new_page()
    finally:
        await context.close()
