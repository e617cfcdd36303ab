"""The gettext catalogs stay complete, well-formed and in step with the code.

A missing translation falls back to the English msgid, and a broken placeholder or HTML tag
makes Telegram reject the whole message: a frightened witness would then read English or
nothing at all. These tests fail on that before a release does.
"""

from __future__ import annotations

import gettext
import io
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from bot import i18n_tool
from bot.i18n_tool import KEYWORDS
from handlers.forms import FORMS
from handlers.i18n import LANGUAGES
from locales import DOMAIN, LOCALES_DIR

ROOT = Path(__file__).resolve().parents[2]
POT = LOCALES_DIR / f"{DOMAIN}.pot"

PLURAL_INDEX: dict[str, dict[str, int]] = {
    "kk": {"one": 0, "other": 1},
    "ru": {"one": 0, "few": 1, "many": 2},
    "en": {"one": 0, "other": 1},
}
"""gettext form index of each CLDR plural category for whole numbers, per language."""

SAME_AS_ENGLISH: frozenset[str] = frozenset()
"""Form msgids whose kk/ru translation may equal the English (proper names such as "Signal"
on their own). Empty today; add an entry only with a reason."""

KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([^)]*\)[a-z]")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)[^>]*>")
COMMAND = re.compile(r"(?<![\w/])/[a-z_]+")
CODE_SPAN = re.compile(r"<code>(.*?)</code>", re.DOTALL)
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


@cache
def catalog_at(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def po_path(lang: str) -> Path:
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def catalog(lang: str) -> Catalog:
    return catalog_at(po_path(lang), lang)


def entries(cat: Catalog) -> Iterator[Message]:
    """Every real message (not the header)."""
    return (m for m in cat if m.id)


def key(message: Message) -> str | tuple[str, ...]:
    """The msgid, with a plural entry's (singular, plural) as a tuple (read_mo gives a list)."""
    return message.id if isinstance(message.id, str) else tuple(message.id)


def ids(message: Message) -> tuple[str, ...]:
    return (message.id,) if isinstance(message.id, str) else tuple(message.id)


def strings(message: Message) -> tuple[str, ...]:
    if message.string is None:
        return ()
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def tags(text: str) -> Counter[str]:
    return Counter(match.group(0) for match in TAG.finditer(text))


def balanced(text: str) -> bool:
    stack: list[str] = []
    for match in TAG.finditer(text):
        name = match.group(1).lower()
        if match.group(0).startswith("</"):
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


def translated(lang: str) -> dict[str | tuple[str, ...], tuple[str, ...]]:
    return {key(m): strings(m) for m in entries(catalog(lang))}


def problems(found: list[str]) -> str:
    return "\n".join(found[:40])


def msgids_of(path: Path) -> set[str | tuple[str, ...]]:
    return {key(m) for m in entries(catalog_at(path))}


def extract_to(output: Path, mapping: Path, *inputs: Path) -> None:
    keywords = [arg for k in KEYWORDS for arg in ("-k", k)]
    args = ["pybabel", "--quiet", "extract", "-F", str(mapping), "--no-default-keywords"]
    args += [*keywords, "-o", str(output), *map(str, inputs)]
    # Babel's CLI class is untyped; it is the documented programmatic entry point.
    CommandLineInterface().run(args)  # type: ignore[no-untyped-call]


def form_msgids() -> set[str]:
    """Every string the report forms show: titles, questions, hints, buttons, offers."""
    found: set[str] = set()
    for form in FORMS.values():
        found.add(form.title)
        for q in form.questions():
            found.update(m for m in (q.text, q.hint, q.stop_text, q.detail_text) if m)
            found.update(choice.label for choice in q.choices)
        for group in form.groups():
            found.update((group.label, group.more_text))
        found.update(offer.text for offer in form.offers)
    return found


# --- the template ---------------------------------------------------------------------------


def test_pot_is_up_to_date_with_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.pot"
    extract_to(fresh, ROOT / "babel.cfg", ROOT)
    in_code, in_pot = msgids_of(fresh), msgids_of(POT)
    assert in_code, "extraction found no strings: check babel.cfg"
    assert in_code - in_pot == set(), "run `kuager i18n extract`: new strings are not in the .pot"
    assert in_pot - in_code == set(), "run `kuager i18n extract`: the .pot has stale strings"


def test_kuager_i18n_extract_writes_the_same_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(i18n_tool, "LOCALES_DIR", tmp_path)
    i18n_tool.extract(ROOT)
    assert msgids_of(tmp_path / f"{DOMAIN}.pot") == msgids_of(POT)


def test_form_strings_are_in_the_template() -> None:
    missing = form_msgids() - msgids_of(POT)
    assert not missing, f"form strings not extracted (N_ marker missing?): {sorted(missing)}"


# --- headers --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_header(lang: str) -> None:
    cat = catalog(lang)
    assert str(cat.locale) == lang
    assert not cat.fuzzy, "remove the #, fuzzy flag from the header"
    assert "charset=utf-8" in dict(cat.mime_headers)["Content-Type"].lower()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_forms_follow_cldr(lang: str) -> None:
    """The header's formula picks, for every whole number, the form CLDR's category names."""
    cat = catalog(lang)
    index = PLURAL_INDEX[lang]
    assert cat.num_plurals == len(index), cat.plural_forms
    choose = gettext.c2py(cat.plural_expr)
    category = Locale.parse(lang).plural_form
    wrong = [n for n in range(1001) if choose(n) != index[category(n)]]
    assert not wrong, f"{cat.plural_forms} disagrees with CLDR for n in {wrong[:10]}"


# --- completeness ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_template_message_is_translated(lang: str) -> None:
    cat, template = catalog(lang), msgids_of(POT)
    found = [f"missing: {msgid!r}" for msgid in template if msgid not in cat]
    for m in entries(cat):
        forms = strings(m)
        if "fuzzy" in m.flags:
            found.append(f"fuzzy: {m.id!r}")
        expected = cat.num_plurals if m.pluralizable else 1
        if len(forms) != expected or not all(s.strip() for s in forms):
            found.append(f"untranslated or wrong number of forms: {m.id!r} -> {forms!r}")
        if m.id not in template:
            found.append(f"not in the template (run `kuager i18n update`): {m.id!r}")
    assert not found, problems(found)


def test_english_catalog_repeats_the_msgids() -> None:
    found = [
        f"{m.id!r} -> {strings(m)!r}"
        for m in entries(catalog("en"))
        if strings(m) != (ids(m)[0],) + (ids(m)[-1],) * (len(strings(m)) - 1)
    ]
    assert not found, problems(found)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_nothing_is_left_in_english(lang: str) -> None:
    """A msgstr equal to its English msgid is an untranslated copy, unless it has no words."""
    found = [
        f"{m.id!r}"
        for m in entries(catalog(lang))
        if any(s in ids(m) for s in strings(m))
        and ASCII_WORD.search(PLACEHOLDER.sub("", ids(m)[0]))
        and m.id not in SAME_AS_ENGLISH
    ]
    assert not found, problems(found)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_form_strings_are_translated(lang: str) -> None:
    table = translated(lang)
    found = []
    for msgid in sorted(form_msgids()):
        shown = table.get(msgid, ())
        if not shown or not shown[0].strip():
            found.append(f"missing: {msgid!r}")
        elif shown[0] == msgid and msgid not in SAME_AS_ENGLISH:
            found.append(f"same as English: {msgid!r}")
    assert not found, problems(found)


def test_kazakh_is_written_with_kazakh_letters() -> None:
    """Most Kazakh texts need at least one of ә ғ қ ң ө ұ ү һ і; Russian look-alikes do not."""
    texts = [" ".join(strings(m)) for m in entries(catalog("kk"))]
    with_kazakh = [t for t in texts if KAZAKH_LETTERS.intersection(t)]
    assert len(with_kazakh) > len(texts) / 2, f"{len(with_kazakh)} of {len(texts)}"


# --- form of each translation ---------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match(lang: str) -> None:
    found = []
    for m in entries(catalog(lang)):
        wanted = set().union(*(placeholders(i) for i in ids(m)))
        for s in strings(m):
            if set(placeholders(s)) != wanted:
                found.append(f"{m.id!r}: {sorted(placeholders(s))} != {sorted(wanted)}")
    assert not found, problems(found)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_html_tags_match_and_balance(lang: str) -> None:
    found = []
    for m in entries(catalog(lang)):
        for s in strings(m):
            if tags(s) != tags(ids(m)[0]) or not balanced(s):
                found.append(f"{m.id!r}: {dict(tags(s))}")
            if CODE_SPAN.findall(s) != CODE_SPAN.findall(ids(m)[0]):
                found.append(f"{m.id!r}: text inside <code> changed")
    assert not found, problems(found)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_line_structure_and_commands_match(lang: str) -> None:
    """The neutral first line stays a line of its own; /commands are never translated."""
    found = []
    for m in entries(catalog(lang)):
        source = ids(m)[0]
        for s in strings(m):
            breaks, wanted = s.count("\n"), source.count("\n")
            if breaks != wanted:
                found.append(f"{m.id!r}: {breaks} line breaks, not {wanted}")
            elif "\n" in source and not s.split("\n", 1)[0].strip():
                found.append(f"{m.id!r}: empty first line")
            if Counter(COMMAND.findall(s)) != Counter(COMMAND.findall(source)):
                found.append(f"{m.id!r}: commands {COMMAND.findall(s)}")
    assert not found, problems(found)


# --- compiled catalogs ----------------------------------------------------------------------


def mo_messages(data: bytes) -> dict[str | tuple[str, ...], tuple[str, ...]]:
    return {key(m): strings(m) for m in entries(read_mo(io.BytesIO(data)))}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_committed_mo_matches_po(lang: str) -> None:
    """`kuager i18n compile` ran after the last change to the .po (the .mo is what ships)."""
    compiled = io.BytesIO()
    write_mo(compiled, catalog(lang))
    committed = mo_path(lang).read_bytes()
    assert mo_messages(committed) == mo_messages(compiled.getvalue()), (
        f"run `kuager i18n compile`: {mo_path(lang)} is out of date"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_mo_loads_with_gettext(lang: str) -> None:
    with mo_path(lang).open("rb") as f:
        loaded = gettext.GNUTranslations(f)
    index = PLURAL_INDEX[lang]
    category = Locale.parse(lang).plural_form
    for m in entries(catalog(lang)):
        forms = strings(m)
        if isinstance(m.id, str):
            assert loaded.gettext(m.id) == forms[0]
            continue
        singular, plural = ids(m)[0], ids(m)[-1]
        for n in (0, 1, 2, 3, 5, 11, 21, 22, 25, 101, 111):
            assert loaded.ngettext(singular, plural, n) == forms[index[category(n)]], (m.id, n)
