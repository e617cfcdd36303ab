"""Building realistic case documents for storage tests (Kazakh, Russian and English text)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from storage.attachments import seal_attachment
from storage.cases import ADDENDUM_FORM, AttachmentRef, CaseDocument, Receipt, seal_case
from storage.crypto.keys import ReviewerPublicKey
from storage.database import Database

PHOTO = b"\xff\xd8\xff\xe0 not really a jpeg " * 1000

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


def addendum(case_id: str, *, attachments: Sequence[AttachmentRef] = ()) -> CaseDocument:
    """What a witness adds to case `case_id` later through `/followup`, as the bot seals it."""
    return CaseDocument(
        form_id=ADDENDUM_FORM,
        form_version=1,
        language="kk",
        answers={"notes": ["Ол табылды.", "Денсаулығы жақсы."]},
        submitted_at=dt.datetime(2022, 1, 21, tzinfo=dt.UTC),
        attachments=tuple(attachments),
        links={"addendum_to": case_id},
    )


async def store(
    db: Database,
    document: CaseDocument,
    keys: Sequence[ReviewerPublicKey],
    today: dt.date = dt.date(2022, 1, 9),
) -> Receipt:
    # As the bot does: an addendum has no receipt code of its own.
    with_receipt = document.form_id != ADDENDUM_FORM
    async with db.transaction() as session:
        return await seal_case(session, document, keys, today=today, with_receipt=with_receipt)


# What a rogue operator can do: anyone with database write can seal a case of their own to the
# reviewers' public keys, through the same API the bot uses, with the public key alone.


async def forge(
    db: Database, public_key: ReviewerPublicKey, document: CaseDocument, case_id: str | None = None
) -> Receipt:
    async with db.transaction() as session:
        return await seal_case(session, document, [public_key], case_id=case_id)


async def forged_file(
    db: Database, public_key: ReviewerPublicKey, *, name: str = "", kind: str = "photo"
) -> AttachmentRef:
    async with db.transaction() as session:
        sealed = await seal_attachment(session, PHOTO, [public_key])
    return AttachmentRef(sealed.attachment_id, sealed.sha256, sealed.size, kind, "", name)


def files_under(root: Path) -> set[Path]:
    """Every file and folder under `root`, to tell later what an export added."""
    return set(root.rglob("*"))


def copies_of(content: bytes, root: Path) -> list[str]:
    """Every file under `root` that holds `content`, as a path from `root`, sorted."""
    found = (p for p in root.rglob("*") if p.is_file() and p.read_bytes() == content)
    return sorted(p.relative_to(root).as_posix() for p in found)


def written_outside(root: Path, export: Path, before: set[Path]) -> set[Path]:
    """Paths that appeared under `root` but not under `export` (the database's files aside)."""
    new = files_under(root) - before
    return {p for p in new if not p.is_relative_to(export) and not p.name.startswith("kuager.db")}


def missing_person(
    language: str = "ru", *, extra: dict[str, Any] | None = None, drop: Sequence[str] = ()
) -> CaseDocument:
    """A missing-person report with every WGEID element, from a relative who gave a name."""
    answers: dict[str, Any] = {
        "consent": "yes",
        "reporter_role": "relative",
        "relationship": "sibling",
        "full_name": "Ерлан Серікұлы Жақсыбеков",
        "last_seen_when": {"date": "2022-01-06", "precision": "exact"},
        "last_seen_where": {"region": None, "town": None, "lat": 43.2380, "lon": 76.9460},
        "circumstances": "detained",
        "narrative": NARRATIVES[language],
        "believed_responsible": ["knb", "police"],
        "steps_taken": ["asked_police", "morgues"],
        "anonymous": "no",
        "reporter_name": "Айгүл Жақсыбекова",
        "share_scope": ["reviewers", "un_bodies"],
        "more_details": "yes",
        "sex": "male",
        "age": {"number": 35, "approximate": True},
        "citizenship": "kazakhstan",
        "steps_detail": "Полиция сказала, что такого задержанного нет.",
        "authorities_response": "denied",
    }
    answers.update(extra or {})
    for name in drop:
        answers.pop(name, None)
    return CaseDocument(
        form_id="missing_person",
        form_version=1,
        language=language,
        answers=answers,
        submitted_at=dt.datetime(2022, 1, 9, 10, 30, tzinfo=dt.UTC),
    )
