"""`kuager export --lang`: codes become the reviewer's words; columns and free text stay."""

from __future__ import annotations

import csv
from pathlib import Path

from handlers.i18n import _, language
from handlers.labels import labeller
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.export import ExportFormat, ExportRequest, export_cases
from tests.storage.cases import NARRATIVES, detention, store


def test_codes_become_words_in_the_reviewers_language() -> None:
    ru, kk = labeller("ru"), labeller("kk")
    with language("ru"):
        police, knb = _("Police"), _("KNB")
    assert ru("detention", "detained_by", "police; knb") == f"{police}; {knb}"
    with language("kk"):
        assert kk("detention", "place.region", "almaty") == _("Almaty (city)")
        assert kk("detention", "victims.2.sex", "female") == _("Female")
        assert kk("detention", "status_now", "skipped") == _("Skip")
    assert ru("detention", "narrative", "police") == "police", "free text is never relabelled"
    assert ru("detention", "place.town", "almaty") == "almaty"
    assert ru("unknown_form", "detained_by", "police") == "police"


async def test_a_csv_export_in_russian_keeps_columns_and_the_witness_text(
    db: Database, reviewer_key: ReviewerPrivateKey, tmp_path: Path
) -> None:
    await store(db, detention("kk"), [reviewer_key.public])
    out = tmp_path / "cases.csv"
    request = ExportRequest(out, ExportFormat.CSV, labeller=labeller("ru"))
    await export_cases(db, reviewer_key, request)
    row = next(csv.DictReader(out.read_text("utf-8-sig").splitlines()))
    with language("ru"):
        assert row["status_now"] == _("Whereabouts unknown")
        assert row["place.region"] == _("Almaty (city)")
    assert row["narrative"] == NARRATIVES["kk"]
