"""Gettext catalogs (kk, ru, en). A package only so the catalogs travel inside the wheel."""

from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent
DOMAIN = "messages"
