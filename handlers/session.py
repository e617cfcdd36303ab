"""Where a witness is in the conversation, as stored (encrypted) between updates.

A session holds the language, the stage, the report in progress (an engine `Draft`), and the
ids of messages in the chat so that /delete can remove them later. It is pure data: no
Telegram, no database; `handlers.conversation` loads it, changes it, and stores it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

MAX_TRACKED_MESSAGES = 3000
"""Telegram deletes at most 48 h of messages anyway; this bounds a flooded session's size."""


class Stage(StrEnum):
    """The conversation's map: each update is handled according to the stage it finds."""

    LANGUAGE = "language"
    """Choosing kk / ru / en."""
    CONSENT = "consent"
    """Reading who will see the report, and agreeing."""
    MENU = "menu"
    """Choosing the type of report (or /followup)."""
    FORM = "form"
    """Answering questions, or on the review screen."""
    OFFER = "offer"
    """A report was sent; a linked report is suggested."""
    FOLLOWUP = "followup"
    """Adding notes and files to an earlier case."""
    SENT = "sent"
    """A report was sent; the receipt was shown and a wipe offered."""


class SessionFormatError(ValueError):
    """The stored session is not one this code wrote."""


@dataclass
class Session:
    """One witness's conversation state. Everything here is encrypted at rest."""

    language: str | None = None
    stage: Stage = Stage.LANGUAGE
    consented: bool = False
    """The consent screen was accepted in this conversation."""
    draft: dict[str, Any] | None = None
    """`handlers.forms.Draft.to_json()` of the report in progress."""
    case_id: str | None = None
    """Drawn when a report starts; the sealed case gets this id, so a retried submit after
    a crash cannot store the report twice."""
    group: str | None = None
    """Shared by linked reports (a detention and the missing-person report it led to)."""
    offers: list[list[str]] = field(default_factory=list)
    """Linked reports still to suggest: [form that led to it, form to suggest]; the first
    form's `Offer` holds the wording."""
    carry: dict[str, Any] = field(default_factory=dict)
    """Answers to carry into a suggested report (role, date, place)."""
    receipt: str | None = None
    """A receipt code not yet shown (a crash right after sealing); dropped once shown."""
    followup_case: str | None = None
    followup_notes: list[str] = field(default_factory=list)
    followup_files: list[dict[str, Any]] = field(default_factory=list)
    messages: list[int] = field(default_factory=list)
    """Ids of this chat's messages, both sides, for /delete."""
    prompt: int | None = None
    """Id of the message whose buttons are current, to take them away once answered."""
    ticket: int = 0
    """Raised whenever new buttons are shown; buttons carry it, so stale ones are refused."""

    def track(self, *message_ids: int) -> None:
        for message_id in message_ids:
            if message_id not in self.messages:
                self.messages.append(message_id)
        del self.messages[:-MAX_TRACKED_MESSAGES]

    def next_ticket(self) -> int:
        self.ticket += 1
        return self.ticket

    def clear_report(self) -> None:
        """Forget the report in progress (cancel, submit); keep language and message ids."""
        self.draft = None
        self.case_id = None
        self.followup_case = None
        self.followup_notes = []
        self.followup_files = []

    def to_json(self) -> dict[str, Any]:
        """A shallow mapping, serialised at once by the draft store (asdict's deep copy of
        every answer was measurable per update)."""
        data = {name: getattr(self, name) for name in _FIELD_NAMES}
        data["stage"] = self.stage.value
        data["format"] = 1
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Session:
        if data.get("format") != 1:
            raise SessionFormatError("unknown session format")
        values = {k: v for k, v in data.items() if k != "format"}
        try:
            session = cls(**values)
            session.stage = Stage(session.stage)
        except (TypeError, ValueError) as exc:
            raise SessionFormatError("stored session does not fit") from exc
        return session


_FIELD_NAMES = tuple(f.name for f in fields(Session))
