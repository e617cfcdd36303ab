"""A submission draft for the UN Working Group on Enforced or Involuntary Disappearances.

The desk officer who sends a missing-person case to the WGEID fills in the Working Group's form
by hand; `kuager wgeid CASE` fills it from the case instead. This module is the draft as plain
values — what each section says, which answers are missing — so that the wording can be tested
without a word processor; `storage.wgeid_docx` writes it as a .docx, and
`handlers.wgeid.draft_submission` builds it from a case's answers (it knows the forms).

The sections follow the Working Group's form: the person, the date and place of the
disappearance, the forces believed responsible, the steps taken by the family and by the
authorities, the source of the submission and the family's consent. The six elements the
Working Group needs before it takes a case (its methods of work) are each marked present or
missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

TO_COMPLETE = "[TO COMPLETE]"
"""How a gap reads in the draft: a reviewer searches for it before sending."""


@dataclass(frozen=True)
class Entry:
    """One line of a section: a label and what the case says, or None where it says nothing."""

    label: str
    value: str | None
    """The case's answer in English words (a witness's own text as typed); None is a gap."""
    ask: str = ""
    """What the reviewer should find out where the case says nothing."""


@dataclass(frozen=True)
class Section:
    """A section of the Working Group's form."""

    title: str
    entries: tuple[Entry, ...]
    element: str | None = None
    """The WGEID element this section carries ("1. Full name", ...), if any."""
    element_missing: bool = False
    """The Working Group would not take the case until this element is given."""


@dataclass(frozen=True)
class Submission:
    """The whole draft of one case."""

    case_id: str
    received_day: dt.date
    prepared_on: dt.date
    urgent: bool
    """Last seen under three months ago: an urgent action can still change the outcome."""
    sections: tuple[Section, ...]
    missing: tuple[str, ...]
    """Everything still needed before sending, in words, in the form's order."""

    @property
    def ready(self) -> bool:
        return not self.missing
