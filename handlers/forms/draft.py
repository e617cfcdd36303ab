"""A report in progress, as stored (encrypted) after every answer, and the shape of its answers.

`Draft.answers` is also, unchanged, the `answers` of the sealed case. One key per question id:

    choice, yes/no  "police", "yes"                          a choice code
    multi           ["police", "knb"]                        codes, in the form's order
    text            "as the witness wrote it"                outer spaces stripped
    number          34
    date            {"date": "2024-03-25", "precision": "exact"}
                    date cut to what is known: "2024-03" (month), "2024" (year);
                    precision: exact · approximate · month · year
    place           {"region": "almaty", "town": str|None, "lat": float|None, "lon": float|None}
    contact         {"method": "signal", "detail": str|None}
    media           [AttachmentRef.to_json(), ...]: attachment_id, sha256, kind, mime, name, size
    repeat group    "victims": [{"name": ..., "sex": ...}, ...]   one dict per person
    any of these    "skipped"; where offered, "dont_know" or "prefer_not"
                    (a date's "dont_know" is ESF's "unknown" precision)

A question never asked has no key; answers of branches no longer taken are dropped, not kept.
A path names one answer: "event_date", or "victims.2.age" with people counted from 1, as the
reviewer export numbers its columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from handlers.forms.model import Answer

DRAFT_FORMAT = 1
"""Raised if the stored shape below ever changes; `from_json` refuses other values."""


class BadDraft(ValueError):
    """A stored draft that is not one we wrote (corrupt, or from an unknown format)."""


@dataclass(frozen=True)
class Draft:
    """A report in progress: language-neutral, JSON-able, small enough to store every answer."""

    form: str
    version: int
    """The form's version when last checked; `resume` brings it up to date."""
    answers: Mapping[str, Answer] = field(default_factory=dict)
    closed: frozenset[str] = frozenset()
    """Repeat groups the witness has finished ("no more people")."""
    editing: str | None = None
    """Path reopened from the review (or by Back): asked again before anything else."""
    pending: tuple[str, Answer] | None = None
    """Path and partial answer of the current question: ticks before Done, a region before
    the town."""

    def to_json(self) -> dict[str, Answer]:
        pending = self.pending and {"path": self.pending[0], "value": self.pending[1]}
        return {
            "draft": DRAFT_FORMAT,
            "form": self.form,
            "version": self.version,
            "answers": dict(self.answers),
            "closed": [*sorted(self.closed)],
            "editing": self.editing,
            "pending": pending or None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Draft:
        """Read back `to_json()`; raises `BadDraft` for anything else."""
        try:
            pending = data["pending"]
            draft = cls(
                form=data["form"],
                version=data["version"],
                answers=dict(data["answers"]),
                closed=frozenset(data["closed"]),
                editing=data["editing"],
                pending=None if pending is None else (pending["path"], pending["value"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise BadDraft("not a stored draft") from error
        if data.get("draft") != DRAFT_FORMAT or not _well_typed(data):
            raise BadDraft("unknown draft format")
        return draft


def _well_typed(data: Mapping[str, Any]) -> bool:
    """The shapes `to_json` writes; the values inside answers are the engine's to judge."""
    closed, pending, version = data["closed"], data["pending"], data["version"]
    return (
        isinstance(data["form"], str)
        and isinstance(version, int)
        and not isinstance(version, bool)
        and isinstance(data["answers"], dict)
        and all(isinstance(key, str) for key in data["answers"])
        and isinstance(closed, list)
        and all(isinstance(group, str) for group in closed)
        and isinstance(data["editing"], str | None)
        and (pending is None or isinstance(pending["path"], str))
    )
