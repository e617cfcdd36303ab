"""Short labels for the review screen, one per question id, written for it.

The review lists every answer on one screen: the question's own first line is written to be
asked ("Next, about the moment it happened.", "Before we start: may we record…") and reads
badly as a label. These are msgids, a few words each; a question id keeps one meaning across
forms (the survivor's "What was done to you?" and "What was done to the person?" share
`methods`), so one label per id serves every form. tests/handlers/forms/test_definitions.py
holds every question of every form to having one.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from handlers.forms.model import N_

REVIEW_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "consent": N_("Consent to record"),
        "reporter_role": N_("Who is reporting"),
        "event_date": N_("Date"),
        "place": N_("Place"),
        "detained_by": N_("Who detained"),
        "status_now": N_("Situation now"),
        "held_where": N_("Where held now"),
        "held_where_detail": N_("Which place"),
        "narrative": N_("What happened"),
        "anonymous": N_("Anonymous"),
        "reporter_name": N_("Your name"),
        "share_scope": N_("Share with"),
        "follow_up": N_("Contact later"),
        "more_details": N_("More details"),
        "name": N_("Name"),
        "sex": N_("Sex"),
        "age": N_("Age"),
        "citizenship": N_("Citizenship"),
        "occupation": N_("Occupation or role"),
        "force_used": N_("Force used"),
        "reason_given": N_("Reason given"),
        "reason_detail": N_("The reason in their words"),
        "lawyer_access": N_("Lawyer"),
        "family_informed": N_("Family told"),
        "court": N_("Court hearing"),
        "hearing_date": N_("Hearing date"),
        "court_outcome": N_("Court decision"),
        "arrest_days": N_("Days of arrest"),
        "article": N_("Article of law"),
        "forced_statement": N_("Made to sign"),
        "identifiers": N_("What could identify them"),
        "location_type": N_("Kind of place"),
        "number_of_people": N_("People affected"),
        "source": N_("How you know"),
        "attachments": N_("Files"),
        "in_custody": N_("In custody then"),
        "perpetrators": N_("Who did it"),
        "methods": N_("What was done"),
        "methods_other": N_("What else was done"),
        "injuries": N_("Injuries"),
        "injuries_detail": N_("The injuries"),
        "medical_help": N_("Medical help"),
        "forced_confession": N_("Forced to confess"),
        "complaint": N_("Complaint"),
        "complaint_detail": N_("Complaint: to whom, result"),
        "condition_now": N_("Condition now"),
        "relationship": N_("Your relation"),
        "full_name": N_("Full name"),
        "last_seen_when": N_("Last seen: when"),
        "last_seen_where": N_("Last seen: where"),
        "circumstances": N_("How contact was lost"),
        "believed_responsible": N_("Believed responsible"),
        "steps_taken": N_("Steps to find them"),
        "family_consent": N_("Family agrees (UN)"),
        "id_number": N_("ID number (IIN)"),
        "description": N_("Description"),
        "steps_detail": N_("Search: more"),
        "authorities_response": N_("Authorities' answer"),
    }
)
"""Question id → the msgid of its label on the review."""
