"""Writing a `storage.wgeid.Submission` as a Word document the desk officer edits and sends.

A draft holds a disappeared person's name and the circumstances in clear, so it is written like
an export (`storage.defuse`): exactly at the path the reviewer gave, readable by the reviewer
alone, never through a symbolic link (one planted in the folder would send the file elsewhere).
An existing file is not replaced unless asked: it may be yesterday's draft with the reviewer's
own additions in it.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph

from storage.wgeid import TO_COMPLETE, Entry, Section, Submission

DOCX_SUFFIX = ".docx"
_RED = RGBColor(0xB0, 0x00, 0x00)


class DraftNotWritten(Exception):
    """The draft was not written: the path exists, is a link, or is not a .docx name."""


def document_bytes(submission: Submission) -> bytes:
    """The .docx file's bytes (nothing touches the disk)."""
    doc = Document()
    doc.add_heading("Submission of a case of enforced disappearance: DRAFT", level=1)
    doc.add_paragraph(
        "To the Working Group on Enforced or Involuntary Disappearances (OHCHR). "
        f"Case {submission.case_id}, received {submission.received_day.isoformat()}; "
        f"draft prepared {submission.prepared_on.isoformat()} from the witness's report."
    )
    if submission.urgent:
        run = doc.add_paragraph().add_run(
            "URGENT: the person was last seen less than three months ago. "
            "Consider the urgent action procedure."
        )
        run.bold = True
        run.font.color.rgb = _RED
    doc.add_heading("Before sending", level=2)
    if submission.ready:
        doc.add_paragraph("All six elements and the family's consent are in the case.")
    for item in submission.missing:
        _gap(doc.add_paragraph(style="List Bullet"), f"{TO_COMPLETE} {item}")
    doc.add_paragraph(
        f"Search this document for {TO_COMPLETE} and replace each with what you find out. "
        "The witness's own words are copied as typed: translate them before sending."
    )
    for section in submission.sections:
        _section(doc, section)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _gap(paragraph: Paragraph, text: str) -> None:
    run = paragraph.add_run(text)
    run.bold = True
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _section(doc: DocumentObject, section: Section) -> None:
    doc.add_heading(section.title, level=2)
    if section.element:
        line = doc.add_paragraph()
        line.add_run(f"WGEID element {section.element}: ")
        if section.element_missing:
            _gap(line, "MISSING")
        else:
            line.add_run("present").bold = True
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for entry in section.entries:
        label, value = table.add_row().cells
        label.text = entry.label
        if entry.value is not None:
            value.text = entry.value
        else:
            _gap(value.paragraphs[0], _ask(entry))


def _ask(entry: Entry) -> str:
    return f"{TO_COMPLETE} {entry.ask}" if entry.ask else f"{TO_COMPLETE} (not in the case)"


def check_target(out: Path, *, replace: bool = False) -> None:
    """`DraftNotWritten` unless a draft may be written at `out` (checked again when written)."""
    if out.suffix.lower() != DOCX_SUFFIX:
        raise DraftNotWritten(f"{out.name} does not end in {DOCX_SUFFIX}")
    if out.is_symlink():
        raise DraftNotWritten(f"{out} is a symbolic link; give the path of a real file")
    if out.exists() and not replace:
        raise DraftNotWritten(f"{out} exists already; add --force to replace it")
    if out.exists() and not out.is_file():
        raise DraftNotWritten(f"{out} is not a file")


def write_submission(submission: Submission, out: Path, *, replace: bool = False) -> None:
    """Write the draft at `out`; `DraftNotWritten` says why it was not.

    A new file is created exclusively (a link or a file that appeared meanwhile is refused);
    with `replace`, the new draft is written beside the old one and renamed over it, so a
    failure halfway leaves the old draft whole.
    """
    check_target(out, replace=replace)
    data = document_bytes(submission)
    if not replace:
        try:
            descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            raise DraftNotWritten(f"{out} exists already; add --force to replace it") from None
        _write_all(descriptor, data)
        return
    # mkstemp: a new file of mode 0600 with a name no one could have linked in advance.
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=".wgeid-", suffix=DOCX_SUFFIX)
    try:
        _write_all(handle, data)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_all(descriptor: int, data: bytes) -> None:
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
