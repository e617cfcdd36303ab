"""Where a witness is in the conversation, as stored (encrypted) between updates.

A session holds the language, the stage, the report in progress (an engine `Draft`), and the
range of message ids the conversation spans so /delete can remove them later. Pure data: no
Telegram, no database; `handlers.conversation` loads it, changes it, and stores it again.

The conversation's map is `TRANSITIONS`, and `Session.move` is the only code that changes
the stage (tests/handlers/test_session.py holds both to this drawing):

    LANGUAGE ─choose_language─► CONSENT ─agree─► MENU ─start─► FORM   (questions … review)
    FORM ─send─► SENT
    FORM ─suggest─► OFFER ─start─► FORM                    (a linked report, suggested)
    OFFER ─decline─► SENT
    FORM ─stop─► CONSENT                                   (consent refused in the form)
    MENU FORM OFFER FOLLOWUP SENT ─follow_up─► FOLLOWUP ─add─► SENT     (/followup CODE)
    MENU FORM OFFER FOLLOWUP SENT ─leave─► MENU    (/cancel, /start, an unreadable draft)
    /delete: a new session, at LANGUAGE with the language kept

Each stage holds only what it shows: a move drops the report, the follow-up and the linked
offers when the stage it reaches has no use for them.

Nothing stored says that a report was sent. OFFER, SENT and FOLLOWUP are stored as MENU, and
what they hold (the suggested reports, the answers they carry, the group that links them, the
follow-up's case and notes) is the session's `Sequel`, which the bot keeps in its memory only
(`handlers.services.Sequels`): the database and the draft key together, with the witness's id,
find a witness at the menu, not a witness who reported. A restart forgets the sequel: the
witness finds the menu.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from handlers.forms import (
    Accept,
    Ask,
    AttachmentRef,
    BadDraft,
    Draft,
    Next,
    Step,
    UnknownForm,
    WrongForm,
    get_form,
    resume,
)

logger = logging.getLogger(__name__)


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


class Move(StrEnum):
    """Something that moves the conversation to another stage; `TRANSITIONS` says where."""

    CHOOSE_LANGUAGE = "choose_language"
    AGREE = "agree"
    """The consent screen was accepted."""
    START = "start"
    """A report of the chosen type, or of the suggested linked type, begins."""
    STOP = "stop"
    """Consent was refused inside a form: the report is thrown away."""
    SEND = "send"
    SUGGEST = "suggest"
    """The report was sent and a linked report is suggested."""
    DECLINE = "decline"
    """The last suggested report was declined."""
    FOLLOW_UP = "follow_up"
    """A receipt code was accepted: notes and files for that case follow."""
    ADD = "add"
    """The notes and files were sent."""
    LEAVE = "leave"
    """Back to the menu, dropping whatever was in progress."""


@dataclass(frozen=True)
class Transition:
    sources: frozenset[Stage]
    target: Stage


_AFTER_CONSENT = frozenset({Stage.MENU, Stage.FORM, Stage.OFFER, Stage.FOLLOWUP, Stage.SENT})

TRANSITIONS: Mapping[Move, Transition] = MappingProxyType(
    {
        Move.CHOOSE_LANGUAGE: Transition(frozenset({Stage.LANGUAGE}), Stage.CONSENT),
        Move.AGREE: Transition(frozenset({Stage.CONSENT}), Stage.MENU),
        Move.START: Transition(frozenset({Stage.MENU, Stage.OFFER}), Stage.FORM),
        Move.STOP: Transition(frozenset({Stage.FORM}), Stage.CONSENT),
        Move.SEND: Transition(frozenset({Stage.FORM}), Stage.SENT),
        Move.SUGGEST: Transition(frozenset({Stage.FORM}), Stage.OFFER),
        Move.DECLINE: Transition(frozenset({Stage.OFFER}), Stage.SENT),
        Move.FOLLOW_UP: Transition(_AFTER_CONSENT, Stage.FOLLOWUP),
        Move.ADD: Transition(frozenset({Stage.FOLLOWUP}), Stage.SENT),
        Move.LEAVE: Transition(_AFTER_CONSENT, Stage.MENU),
    }
)
"""Every change of stage the conversation makes: the map drawn in this module's docstring."""


STORED_AS: Mapping[Stage, Stage] = MappingProxyType(
    {Stage.OFFER: Stage.MENU, Stage.SENT: Stage.MENU, Stage.FOLLOWUP: Stage.MENU}
)
"""The stage a row records for a stage that only follows a sent report."""


@dataclass(frozen=True)
class Sequel:
    """What follows a sent report, held in the bot's memory only, never in a draft row.

    A stored row with any of it would tell whoever holds the database and the draft key that
    this witness reported, and what (the carried answers are the report's own)."""

    stage: Stage
    """The stage the session was at: OFFER, SENT or FOLLOWUP, or FORM (a linked report)."""
    group: str | None
    offers: list[list[str]]
    carry: dict[str, Any]
    followup_case: str | None
    followup_notes: list[str]
    followup_files: list[AttachmentRef]


class IllegalMove(RuntimeError):
    """A move from a stage the map has no arrow from: a bug, not a witness's doing."""


class SessionFormatError(ValueError):
    """The stored session is not one this code wrote."""


@dataclass
class Session:
    """One witness's conversation state. What is stored is encrypted at rest; the `Sequel`
    of a sent report is never stored."""

    language: str | None = None
    stage: Stage = Stage.LANGUAGE
    consented: bool = False
    """The consent screen was accepted in this conversation."""
    draft: Draft | None = None
    """The report in progress, settled against its form; set with `keep`, stored as
    `Draft.to_json()`."""
    step: Step | None = field(default=None, compare=False, repr=False)
    """What `draft` asks now (or its review): derived with it, never stored."""
    case_id: str | None = None
    """Drawn when a report starts; the sealed case gets this id, so a retried submit after
    a crash cannot store the report twice."""
    group: str | None = None
    """Shared by linked reports (a detention and the missing-person report it led to).
    This and the fields down to `followup_files` are the `Sequel`: memory only."""
    offers: list[list[str]] = field(default_factory=list)
    """Linked reports still to suggest: [form that led to it, form to suggest]; the first
    form's `Offer` holds the wording."""
    carry: dict[str, Any] = field(default_factory=dict)
    """Answers to carry into a suggested report (role, date, place)."""
    receipt: str | None = None
    """A receipt code not yet shown (a crash right after sealing); dropped once shown."""
    followup_case: str | None = None
    followup_notes: list[str] = field(default_factory=list)
    followup_files: list[AttachmentRef] = field(default_factory=list)
    first_message: int | None = None
    """The lowest message id of this conversation. In a private chat both sides' messages
    share one increasing sequence of ids, so /delete removes every id from here up to a
    message it sends itself (`handlers.wipe`): no id needs recording as it is sent."""
    last_message: int | None = None
    """The highest message id known when the session was stored (a floor for the wipe)."""
    prompt: int | None = None
    """Id of the message whose buttons are current, to take them away once answered."""
    ticket: int = 0
    """Raised whenever new buttons are shown; buttons carry it, so stale ones are refused."""
    voice_warned: bool = False
    """The witness was told a voice can identify them; a voice message is kept from then on."""
    shown: list[int] = field(default_factory=list)
    """The bot's messages of the report (or addition) in progress still on the phone: its
    questions, notices, answers shown whole, the review. Deleted once it is sent or given up,
    so a searched phone shows the receipt, not the answers (`handlers.turn.Turn.clear_shown`)."""
    review: list[int] = field(default_factory=list)
    """The messages the review now on the phone is split over (the last holds its buttons):
    replaced, never repeated, when the review is shown again or left."""

    def track(self, message_id: int) -> None:
        """Widen the conversation's range of message ids to hold this one."""
        self.first_message = min(self.first_message or message_id, message_id)
        self.last_message = max(self.last_message or message_id, message_id)

    def next_ticket(self) -> int:
        self.ticket += 1
        return self.ticket

    def keep(self, report: Next) -> None:
        """Hold a draft the engine settled, with the step it leads to."""
        self.draft, self.step = report.draft, report.step

    def takes_text(self) -> bool:
        """Whether a typed message answers what is shown now (a follow-up note, a question
        that takes text), rather than being refused with "use the buttons"."""
        if self.stage is Stage.FOLLOWUP:
            return True
        return (
            self.stage is Stage.FORM
            and isinstance(self.step, Ask)
            and (Accept.TEXT in self.step.accepts)
        )

    def can(self, move: Move) -> bool:
        return self.stage in TRANSITIONS[move].sources

    def move(self, move: Move) -> None:
        """Go to the stage `move` leads to, dropping what that stage does not hold.

        The one place the stage changes. What is dropped is what a seized server would
        otherwise keep for no reason: a report once it is sent or abandoned, a follow-up's
        notes once sent, the answers carried into a linked report once none is pending.
        """
        transition = TRANSITIONS[move]
        if self.stage not in transition.sources:
            raise IllegalMove(f"{move} from {self.stage}")
        target = self.stage = transition.target
        self.consented = target in _AFTER_CONSENT
        if target is not Stage.FORM:
            self.draft, self.step, self.case_id = None, None, None
        if target is not Stage.FOLLOWUP or move is Move.FOLLOW_UP:
            self.followup_case, self.followup_notes, self.followup_files = None, [], []
        if target not in (Stage.FORM, Stage.OFFER):
            self.offers, self.carry, self.group = [], {}, None

    def sequel(self) -> Sequel | None:
        """What of this session must stay in memory, not in its row; None if nothing."""
        after_sent = self.stage in STORED_AS
        if not after_sent and self.group is None and not self.offers and not self.carry:
            return None
        return Sequel(**_sequel_of(self))

    def resumed(self, sequel: Sequel) -> Session:
        """This session with what memory held put back, if it was stored where that sequel
        was; otherwise this session as stored."""
        if STORED_AS.get(sequel.stage, sequel.stage) is not self.stage:
            return self
        if sequel.stage is Stage.FORM and self.draft is None:
            return self
        session = replace(self, **_sequel_of(sequel))
        # Only what `move` could have left: otherwise the stored stage stands.
        return session if session._holds_what_its_stage_needs() else self

    def to_json(self) -> dict[str, Any]:
        """A shallow mapping, serialised at once by the draft store (asdict's deep copy of
        every answer was measurable per update)."""
        data = {name: getattr(self, name) for name in _STORED}
        data["stage"] = STORED_AS.get(self.stage, self.stage).value
        data["draft"] = None if self.draft is None else self.draft.to_json()
        data["format"] = 1
        for name in _WRITTEN_ONCE_SET:
            # A row stored before these fields existed reads and writes the same.
            if not data[name]:
                del data[name]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Session:
        """Read back `to_json()`; a draft that no longer fits its form is dropped, logged."""
        if data.get("format") != 1:
            raise SessionFormatError("unknown session format")
        # A row written before sequels moved to memory may still hold one: it is dropped.
        dropped = ("format", "draft", "messages", *_IN_MEMORY)
        values = {k: v for k, v in data.items() if k not in dropped}
        if data.get("messages"):
            # Stored before sessions kept a range: the listed ids span the same range.
            values["first_message"], values["last_message"] = (
                min(data["messages"]),
                max(data["messages"]),
            )
        try:
            stage = Stage(values.get("stage", Stage.LANGUAGE))
            values["stage"] = STORED_AS.get(stage, stage)
            session = cls(**values)
        except (TypeError, ValueError) as exc:
            raise SessionFormatError("stored session does not fit") from exc
        stored_draft = data.get("draft")
        if stored_draft is not None:
            session._resume(stored_draft)
        if not session._holds_what_its_stage_needs():
            raise SessionFormatError("stored session is at a stage it cannot be at")
        return session

    def _resume(self, stored: object) -> None:
        """The stored draft checked against its form as it is now (a release may change it);
        one that fits no form any more is dropped rather than crashing every update."""
        try:
            if not isinstance(stored, dict):
                raise BadDraft("not a stored draft")
            draft = Draft.from_json(stored)
            self.keep(resume(get_form(draft.form), draft))
        except (BadDraft, WrongForm, UnknownForm):
            logger.warning("draft_dropped reason=unreadable")
            if self.can(Move.LEAVE):
                self.move(Move.LEAVE)

    def _holds_what_its_stage_needs(self) -> bool:
        """What `move` guarantees, checked on what storage gave back."""
        stage = self.stage
        if self.language is None and stage is not Stage.LANGUAGE:
            return False
        if self.consented != (stage in _AFTER_CONSENT):
            return False
        if (self.draft is not None) != (stage is Stage.FORM):
            return False
        if stage is Stage.OFFER:
            return bool(self.offers)
        if stage is Stage.FOLLOWUP:
            return self.followup_case is not None
        return True


def _sequel_of(source: Session | Sequel) -> dict[str, Any]:
    """The sequel's fields, copied (lists and dicts are changed in place by handlers)."""
    return {f.name: copy.copy(getattr(source, f.name)) for f in fields(Sequel)}


_IN_MEMORY = frozenset(
    {"step", "group", "offers", "carry", "followup_case", "followup_notes", "followup_files"}
)
"""Derived (`step`) or part of the `Sequel`: never in a stored row."""
_STORED = tuple(f.name for f in fields(Session) if f.name not in _IN_MEMORY)
_WRITTEN_ONCE_SET = ("voice_warned", "shown", "review")
"""Stored only when not at their default, as they were added after rows were written."""
