"""Every catalog entry tells its translator where it appears and how long it may be.

docs/translating.md promises a `#.` note above each entry: a translator who cannot see the
screen otherwise guesses whether "Done" is a button, a toast or a message, and how much room
it has. Code strings carry a `# TRANSLATORS:` comment; form strings get theirs from the forms.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot import i18n_tool
from handlers.i18n import LANGUAGES
from locales import DOMAIN, LOCALES_DIR

ROOT = Path(__file__).resolve().parents[2]


def _without_note(path: Path) -> list[str]:
    with path.open("rb") as f:
        catalog = read_po(f)
    return [repr(m.id) for m in catalog if m.id and not m.auto_comments]


def test_every_template_entry_has_a_translators_note() -> None:
    missing = _without_note(LOCALES_DIR / f"{DOMAIN}.pot")
    assert not missing, "no `# TRANSLATORS:` note for:\n" + "\n".join(missing)


def test_a_fresh_extract_gives_every_entry_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A string added to the code without a note fails here even before the .pot is rebuilt."""
    monkeypatch.setattr(i18n_tool, "LOCALES_DIR", tmp_path)
    i18n_tool.extract(ROOT)
    missing = _without_note(tmp_path / f"{DOMAIN}.pot")
    assert not missing, "no `# TRANSLATORS:` note for:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalogs_carry_the_notes(lang: str) -> None:
    missing = _without_note(LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po")
    assert not missing, "run `kuager i18n update`; entries without a note:\n" + "\n".join(missing)


def test_a_button_note_gives_the_limit_the_layout_enforces() -> None:
    notes = i18n_tool.form_notes()
    assert any("at most 24 characters" in n for n in notes["Police lockup (IVS)"])
    assert any("at most 22 characters" in n for n in notes["KNB"]), "a ticked label is longer"
