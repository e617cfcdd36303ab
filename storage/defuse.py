"""Making what a sealed case says safe for a reviewer's spreadsheet, terminal and disk.

Everything inside a case is untrusted: a witness chooses the text, and anyone with write access
to the database can seal a whole case of their own to the reviewers' public keys (sealing gives
confidentiality, not proof of origin). So before anything of a case reaches a reviewer's tools:
a cell or a column header that would run as a formula is defused; a control character that
would act on a terminal, break a spreadsheet file or hide text (bidi overrides) is shown as
an escape instead; and a name that becomes a file on disk is one plain, short component that
cannot leave the export folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HIDING = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 and C1 controls: ESC, CSI, BEL, backspace...
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, overrides and isolates
    "\ud800-\udfff"  # lone surrogates (JSON can carry them; UTF-8 files cannot)
    "\ufffe\uffff"  # not characters, and not allowed in the XML inside an XLSX file
)
_IN_CELL = re.compile(f"[{_HIDING}]")
_IN_LINE = re.compile(f"[{_HIDING}\t\n\r\u2028\u2029]")
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")
_BAD_SHEET_TITLE = re.compile(rf"[\\*?:/\[\]'{_HIDING}]")
MAX_NAME_BYTES = 120
"""A file name's budget: far below the 255 bytes most file systems allow (143 on eCryptfs),
counted in bytes because a letter outside Latin and Cyrillic can take four."""
SHEET_TITLE_LENGTH = 31
"""Excel refuses longer sheet titles."""


class OutsideExport(Exception):
    """A path would land outside the export folder."""


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def cell_text(text: str) -> str:
    """A witness's text as a cell: line breaks and tabs kept, anything that acts or hides escaped.

    openpyxl refuses control characters outright, so one ESC would otherwise end an XLSX export.
    """
    return _IN_CELL.sub(_escape, text)


def one_line(text: str) -> str:
    """Text for a terminal or a header: a single line, with no character that acts or hides."""
    return _IN_LINE.sub(_escape, text)


def json_line(encoded: str) -> str:
    """A `json.dumps` line with every acting or hiding character as a `\\u` escape.

    JSON already escapes C0 controls; this adds DEL, C1, bidi controls and lone surrogates, so
    that `cat` on the file acts on nothing while a JSON reader gets the witness's exact text.
    """
    return _IN_LINE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)


def defuse(cell: str) -> str:
    """Make a cell that a spreadsheet would run as a formula read as text instead (OWASP)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _cut_to_bytes(text: str, limit: int) -> str:
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _plain_name(text: str) -> str:
    """The last component of `text`, letters, digits, `.`, `-` and `_` only, within budget."""
    name = _UNSAFE_NAME.sub("_", Path(text.replace("\\", "/")).name).strip("._")
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and len(suffix) <= 10:  # keep a short extension so the file still opens
        return _cut_to_bytes(stem, MAX_NAME_BYTES - len(suffix) - 1).rstrip("._") + "." + suffix
    return _cut_to_bytes(name, MAX_NAME_BYTES).rstrip("._")


def safe_file_name(index: int, name: str, kind: str) -> str:
    """A file name from a witness's file (or a forger's kind): never a path, hidden or too long."""
    return f"{index:02d}_{_plain_name(name) or _plain_name(kind) or 'file'}"


def sheet_title(form_id: str, taken: set[str]) -> str:
    """An XLSX sheet title for a form id: characters Excel accepts, 31 at most, unique."""
    base = _BAD_SHEET_TITLE.sub("_", form_id)[:SHEET_TITLE_LENGTH] or "cases"
    title, number = base, 1
    while title.casefold() in taken:  # Excel compares sheet titles without case
        number += 1
        suffix = f"~{number}"
        title = base[: SHEET_TITLE_LENGTH - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


def inside(folder: Path, path: Path) -> Path:
    """`path` if it resolves under `folder` (symbolic links followed); `OutsideExport` if not."""
    if not path.resolve().is_relative_to(folder.resolve()):
        raise OutsideExport(f"{path.name} would be written outside {folder}")
    return path


def private_folder(path: Path) -> None:
    """Make `path` (if needed) a folder only the reviewer can enter, whatever the umask."""
    path.mkdir(mode=0o700, exist_ok=True)
    path.chmod(0o700)


def private_file(path: Path) -> int:
    """A descriptor for writing `path` afresh, readable by the reviewer alone whatever the umask.

    The mode is set again after opening: a file left by an older export may be readable by all.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
    except OSError:
        os.close(descriptor)
        raise
    return descriptor
