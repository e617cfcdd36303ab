"""`kuager i18n extract|update|compile`: the whole gettext cycle through Babel in one place.

extract writes locales/messages.pot from the code and the form definitions (N_ markers);
update merges it into each language's .po; compile writes the .mo files the bot loads and the
wheel ships. Run from the repository root.

Every entry carries a translator's note (`#.`): where the text appears and how long it may be.
Code strings have a `# TRANSLATORS:` comment on the line before them; the form definitions are
data whose notes follow from what they are (a question, a button of a question, a hint), so
extract writes those notes from the forms themselves, with the button limits of the layout.
"""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from handlers.forms import FORMS, REGIONS, REVIEW_LABELS, Kind, base_choices
from handlers.i18n import LANGUAGES
from handlers.screens import ALONE_MAX, SHARED_ROW_MAX, TICK
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
    _add_form_notes(LOCALES_DIR / f"{DOMAIN}.pot")


def _first_line(msgid: str) -> str:
    return msgid.split("\n", 1)[0]


def _button_note(multi: bool) -> str:
    """The strictest limit of a label used by several questions: a ticked one is longest."""
    if multi:
        alone, shared = ALONE_MAX - len(TICK), SHARED_ROW_MAX - len(TICK)
        what = f'Button of a "choose all that apply" list, shown as "{TICK}…" when ticked'
    else:
        alone, shared, what = ALONE_MAX, SHARED_ROW_MAX, "Button"
    return (
        f"{what}: at most {alone} characters; up to {shared} it may share a row. "
        "Also shown on the review screen and in the reviewers' export."
    )


def form_notes() -> dict[str, list[str]]:
    """Translator's notes for the form definitions' strings, by msgid."""
    notes: dict[str, list[str]] = {}

    def note(msgid: str | None, text: str) -> None:
        if msgid and text not in notes.setdefault(msgid, []):
            notes[msgid].append(text)

    asked_by: dict[str, set[str]] = {}
    in_multi: dict[str, bool] = {}
    for form in FORMS.values():
        note(form.title, f"Menu button, alone on its row: at most {ALONE_MAX} characters.")
        for q in form.questions():
            note(
                q.text,
                "A question, as its own message. Its first line shows on a locked phone: "
                "no name, place or kind of report in it. A few short lines at most.",
            )
            note(q.hint, f'Hint in italics under the question "{_first_line(q.text)}".')
            note(
                q.detail_text,
                f'Second step of "{_first_line(q.text)}", asked after its '
                "button is pressed. One or two short lines.",
            )
            note(
                q.stop_text,
                f'Message when the witness declines at "{_first_line(q.text)}": '
                "the report stops here. First line neutral.",
            )
            choices = REGIONS if q.kind is Kind.PLACE else base_choices(q)
            multi = q.kind is Kind.MULTI
            for choice in choices:
                asked_by.setdefault(choice.label, set()).add(_first_line(q.text))
                in_multi[choice.label] = in_multi.get(choice.label, False) or multi
        for group in form.groups():
            note(
                group.label,
                'One word naming an item of a repeated group, shown as "{label} 2" '
                'above its questions (e.g. "Person 2").',
            )
            note(
                group.more_text,
                "A yes/no question after each item of a repeated group. First line neutral.",
            )
        for offer in form.offers:
            note(
                offer.text,
                "Message after a report is sent, offering a linked report, with the "
                "buttons Yes, continue / No, thank you. First line neutral.",
            )
    for label, questions in asked_by.items():
        note(label, _button_note(in_multi[label]))
        if len(questions) == 1:
            note(label, f'Answers "{next(iter(questions))}".')
    for label in REVIEW_LABELS.values():
        note(
            label,
            'Label of an answer on the review screen ("5. Date — yesterday"): a few words, '
            "at most 32 characters.",
        )
    return notes


def _add_form_notes(pot: Path) -> None:
    with pot.open("rb") as f:
        template = read_po(f)
    for msgid, notes in form_notes().items():
        message = template.get(msgid)
        if message is not None:
            message.auto_comments = [*message.auto_comments, *notes]
    with pot.open("wb") as f:
        write_po(f, template, sort_by_file=True)


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
