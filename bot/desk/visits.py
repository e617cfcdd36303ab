"""Which cases the desk listed last time, so this visit can mark the new ones.

Only case ids are kept — random hex that the server's database holds in clear anyway — one
file per reviewer key, readable by the reviewer alone. No answer, name or day is written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from storage.cases import is_object_id
from storage.defuse import private_file, private_folder


def seen_path(state_dir: Path, key_id: str) -> Path:
    return state_dir.expanduser() / f"desk-seen-{key_id}.txt"


def load_seen(path: Path) -> frozenset[str] | None:
    """The ids listed at the last visit; None on a first visit (then nothing is "new")."""
    try:
        lines = path.read_text(encoding="ascii").split()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return None
    return frozenset(line for line in lines if is_object_id(line))


def save_seen(path: Path, case_ids: Iterable[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    private_folder(path.parent)
    with os.fdopen(private_file(path), "w", encoding="ascii") as out:
        out.writelines(f"{case_id}\n" for case_id in sorted(case_ids))
