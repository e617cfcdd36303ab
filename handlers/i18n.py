"""Per-update translation: one `Translations` per language, chosen through a ContextVar.

A process-wide `gettext.install()` would let one witness's language leak into another's
reply when updates are handled concurrently; a ContextVar is scoped to the task handling
the update.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.support import NullTranslations, Translations

from locales import DOMAIN, LOCALES_DIR

LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")
"""Languages a witness can choose, in the order the buttons show them."""

DEFAULT_LANGUAGE = "ru"
"""Most witnesses in Kazakhstan read Russian; used when Telegram's tag matches nothing."""

_current: contextvars.ContextVar[str] = contextvars.ContextVar("language", default=DEFAULT_LANGUAGE)


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalog for `language`, loaded once per process."""
    return Translations.load(str(LOCALES_DIR), [language], DOMAIN)


def negotiate(telegram_tag: str | None) -> str:
    """Pick our language for a Telegram `language_code` such as `kk-KZ` or `ru`."""
    if not telegram_tag:
        return DEFAULT_LANGUAGE
    try:
        found = Locale.negotiate([telegram_tag.replace("_", "-")], list(LANGUAGES), sep="-")
    except (UnknownLocaleError, ValueError):
        found = None
    return str(found) if found is not None else DEFAULT_LANGUAGE


def current_language() -> str:
    return _current.get()


def set_language(language: str) -> None:
    """Set the language for the rest of the current task (one update's handling)."""
    _current.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Translate in `lang` inside the block, restoring the previous language after."""
    token = _current.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _current.reset(token)


def _(msgid: str) -> str:
    """Translate `msgid` into the current witness's language."""
    return translations(_current.get()).gettext(msgid)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with CLDR plural rules of the current language (ru: one/few/many)."""
    return translations(_current.get()).ngettext(singular, plural, n)
