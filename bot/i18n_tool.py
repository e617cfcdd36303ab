"""`kuager i18n extract|update|compile`: the whole gettext cycle through Babel in one place.

extract writes locales/messages.pot from the code and the form definitions (N_ markers);
update merges it into each language's .po; compile writes the .mo files the bot loads and the
wheel ships. Run from the repository root.
"""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from handlers.i18n import LANGUAGES
from locales import DOMAIN, LOCALES_DIR

KEYWORDS = ("_", "N_", "ngettext:1,2")


def _pybabel(*args: str) -> None:
    # Babel's CLI class is untyped; it is the documented programmatic entry point.
    CommandLineInterface().run(["pybabel", "--quiet", *args])  # type: ignore[no-untyped-call]


def extract(root: Path) -> None:
    keywords = [arg for k in KEYWORDS for arg in ("-k", k)]
    _pybabel(
        "extract",
        "-F",
        str(root / "babel.cfg"),
        "--no-default-keywords",
        *keywords,
        "--sort-by-file",
        "--project",
        "Kuager",
        "--copyright-holder",
        "Kuager contributors",
        "--msgid-bugs-address",
        "translations@kuager.invalid",
        "--add-comments",
        "TRANSLATORS:",
        "-o",
        str(LOCALES_DIR / f"{DOMAIN}.pot"),
        # One input, the root: babel.cfg's patterns (bot/**.py) are relative to it.
        os.path.relpath(root),  # relative, so catalogs do not record this machine's paths
    )


def update() -> None:
    pot = LOCALES_DIR / f"{DOMAIN}.pot"
    for language in LANGUAGES:
        po = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.exists():
            _pybabel(
                "update",
                "-i",
                str(pot),
                "-d",
                str(LOCALES_DIR),
                "-D",
                DOMAIN,
                "-l",
                language,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
            )
        else:
            _pybabel("init", "-i", str(pot), "-d", str(LOCALES_DIR), "-D", DOMAIN, "-l", language)


def compile_catalogs() -> None:
    _pybabel("compile", "-d", str(LOCALES_DIR), "-D", DOMAIN, "--statistics")


def run(step: str, root: Path) -> int:
    if step in ("extract", "all"):
        extract(root)
    if step in ("update", "all"):
        update()
    if step in ("compile", "all"):
        compile_catalogs()
    return 0
