"""The WGEID draft as the desk officer opens it in a word processor, written like an export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX

from handlers.wgeid import draft_submission
from storage.wgeid import TO_COMPLETE, Submission
from storage.wgeid_docx import DraftNotWritten, write_submission
from tests.storage.cases import missing_person


def submission(drop: tuple[str, ...] = ()) -> Submission:
    answers = missing_person("kk", drop=drop).answers
    return draft_submission(
        "c" * 32, "missing_person", dt.date(2022, 1, 9), answers, dt.date(2022, 2, 1)
    )


def text_of(path: Path) -> tuple[str, list[str]]:
    """All the document's text, and the text of every highlighted run."""
    document = docx.Document(str(path))
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        paragraphs += [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    highlighted = [
        r.text
        for p in paragraphs
        for r in p.runs
        if r.font.highlight_color == WD_COLOR_INDEX.YELLOW
    ]
    return "\n".join(p.text for p in paragraphs), highlighted


def test_the_draft_opens_with_the_case_filled_in_and_the_gaps_highlighted(tmp_path: Path) -> None:
    out = tmp_path / "draft.docx"
    write_submission(submission(drop=("steps_taken", "believed_responsible")), out)
    text, highlighted = text_of(out)
    assert "Ерлан Серікұлы Жақсыбеков" in text and "6 January 2022" in text
    assert "URGENT" in text
    assert "Айгүл" not in text, "the witness's name stays in the sealed case"
    assert f"{TO_COMPLETE} the steps taken to find the person" in highlighted
    assert any(h.startswith(f"{TO_COMPLETE} State agents") for h in highlighted)
    assert "WGEID element 1. Full name: present" in text
    assert highlighted.count("MISSING") == 2
    assert out.stat().st_mode & 0o777 == 0o600


def test_an_existing_draft_is_kept_unless_replacing_is_asked(tmp_path: Path) -> None:
    out = tmp_path / "draft.docx"
    out.write_bytes(b"the reviewer's own edits")
    with pytest.raises(DraftNotWritten, match="--force"):
        write_submission(submission(), out)
    assert out.read_bytes() == b"the reviewer's own edits"
    write_submission(submission(), out, replace=True)
    assert "Ерлан" in text_of(out)[0]
    assert [p.name for p in tmp_path.iterdir()] == ["draft.docx"], "no temporary file left"


def test_a_link_planted_at_the_path_is_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.docx"
    link = tmp_path / "draft.docx"
    link.symlink_to(elsewhere)
    for replace in (False, True):
        with pytest.raises(DraftNotWritten, match="symbolic link"):
            write_submission(submission(), link, replace=replace)
    assert not elsewhere.exists()


def test_only_a_docx_name_is_written(tmp_path: Path) -> None:
    with pytest.raises(DraftNotWritten, match=r"\.docx"):
        write_submission(submission(), tmp_path / "draft.txt")
    assert list(tmp_path.iterdir()) == []
