"""Building realistic case documents for storage tests (Kazakh, Russian and English text)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from storage.cases import AttachmentRef, CaseDocument, Receipt, seal_case
from storage.crypto.keys import ReviewerPublicKey
from storage.database import Database

NARRATIVES = {
    "kk": "Ағамды Алматыда азаматтық киімдегі адамдар ұстап әкетті, қайда екені белгісіз.",
    "ru": "Брата задержали в Алматы люди в штатском, где он сейчас — неизвестно.",
    "en": "My brother was taken in Almaty by plainclothes officers; we do not know where he is.",
}


def detention(
    language: str = "ru",
    *,
    narrative: str | None = None,
    extra: dict[str, Any] | None = None,
    attachments: Sequence[AttachmentRef] = (),
) -> CaseDocument:
    answers: dict[str, Any] = {
        "reporter_role": "relative",
        "consent": "yes",
        "event_date": {"date": "2022-01-06", "precision": "exact"},
        "place": {"region": "almaty", "town": "Алматы"},
        "detained_by": ["plainclothes", "police"],
        "status_now": "whereabouts_unknown",
        "narrative": narrative or NARRATIVES[language],
        "victims": [{"name": "А. Б.", "sex": "male", "age": 34}, {"name": "C. D.", "age": 19}],
    }
    answers.update(extra or {})
    return CaseDocument(
        form_id="detention",
        form_version=1,
        language=language,
        answers=answers,
        submitted_at=dt.datetime(2022, 1, 9, 10, 30, tzinfo=dt.UTC),
        attachments=tuple(attachments),
    )


async def store(
    db: Database,
    document: CaseDocument,
    keys: Sequence[ReviewerPublicKey],
    today: dt.date = dt.date(2022, 1, 9),
) -> Receipt:
    async with db.transaction() as session:
        return await seal_case(session, document, keys, today=today)
