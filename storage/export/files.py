"""Decrypting a case's attachments beside the export, each checked against its SHA-256.

Every export into one folder shares one attachments folder, `kuager_attachments/<case id>/`,
whatever the export's name or format: a reviewer who exports the same cases as `a.csv`, then
`b.xlsx`, has one copy of each photo on the laptop, not one per export. A file an earlier
export already wrote is not decrypted again when its bytes still hash to what the sealed case
records: the hash is authenticated with the case, so a partial file (an export stopped
half-way) or one changed since does not match and is written afresh.

Every name that becomes a file goes through `storage.defuse`, and nothing is written outside
the folder the reviewer chose, not even when a case's folder or the attachments folder itself
is a symbolic link.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from storage.attachments import open_attachment
from storage.cases import is_object_id
from storage.crypto.envelope import NotARecipient, TamperedCase
from storage.crypto.keys import ReviewerPrivateKey
from storage.defuse import OutsideExport, inside, private_file, private_folder, safe_file_name
from storage.export.opening import ExportTally
from storage.export.rows import OpenedCase

_READ = 1 << 20


ATTACHMENTS = "kuager_attachments"
"""The one attachments folder beside every export in a folder."""


def attachments_folder(out: Path) -> Path:
    """Where the attachments of an export written to `out` go: the same for every export
    into `out`'s folder, so none is decrypted twice."""
    return out.with_name(ATTACHMENTS)


def already_written(target: Path, sha256: object) -> bool:
    """A regular file (not a link) at `target` whose bytes hash to `sha256`."""
    if not isinstance(sha256, str) or target.is_symlink() or not target.is_file():
        return False
    digest = hashlib.sha256()
    with target.open("rb") as existing:
        while piece := existing.read(_READ):
            digest.update(piece)
    return digest.hexdigest() == sha256


async def write_attachments(
    session: AsyncSession,
    case: OpenedCase,
    private_key: ReviewerPrivateKey,
    folder: Path,
    tally: ExportTally,
) -> list[str]:
    """Decrypt a case's attachments into `folder/<case id>/`, checking each SHA-256; the
    paths returned are relative to the export's folder (`folder`'s parent), where the export's
    tables are.

    One attachment that cannot be written (a name this disk refuses, a full disk, a path that
    would leave `folder`) is named in `tally.unwritable` and skipped; the export goes on.
    """
    written: list[str] = []
    for index, ref in enumerate(case.document.get("attachments", []), start=1):
        name = safe_file_name(index, str(ref.get("name", "")), str(ref.get("kind", "")))
        attachment_id = ref.get("attachment_id")
        try:
            if not isinstance(attachment_id, str) or not is_object_id(attachment_id):
                raise TamperedCase("not an attachment id")
            target = _target(folder, case.case_id, name)
            private_folder(folder)
            private_folder(target.parent)
            if already_written(target, ref.get("sha256")):
                target.chmod(0o600)  # an older export's file may be readable by all
                tally.already += 1
                written.append(str(target.relative_to(folder.parent)))
                continue
            sha256 = await _decrypt_into(session, attachment_id, private_key, target)
        except (TamperedCase, NotARecipient):
            tally.attachment_problems.append(
                f"{case.case_id}: attachment {index} is missing or altered"
            )
            continue
        except (OSError, OutsideExport) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            tally.unwritable.append(
                f"{case.case_id}: attachment {index} ({name}) cannot be written: {reason}"
            )
            continue
        if sha256 != ref.get("sha256"):
            tally.attachment_problems.append(
                f"{case.case_id}: attachment {index} does not match its hash"
            )
            continue
        tally.attachments += 1
        written.append(str(target.relative_to(folder.parent)))
    return written


def _target(folder: Path, case_id: str, name: str) -> Path:
    """Where one attachment goes: under `folder` and under the export's folder, links followed.

    Under `folder` alone would not do: were `folder` itself a link elsewhere, every file
    would follow it out of the folder the reviewer chose."""
    return inside(folder.parent, inside(folder, folder / case_id / name))


async def _decrypt_into(
    session: AsyncSession, attachment_id: str, private_key: ReviewerPrivateKey, target: Path
) -> str:
    """Decrypt one attachment into `target` and return its SHA-256; a failed one leaves nothing."""
    digest = hashlib.sha256()
    with os.fdopen(private_file(target), "wb") as out:
        try:
            async for piece in open_attachment(session, attachment_id, private_key):
                digest.update(piece)
                out.write(piece)
        except BaseException:
            # Blocking, like the writes above: an export is the only task on its event loop.
            target.unlink(missing_ok=True)  # noqa: ASYNC240
            raise
    return digest.hexdigest()
