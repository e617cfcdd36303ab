"""An analyst's words for the reviewers' export, where a witness's words would read wrongly.

A button is written for the witness ("I saw it happen", "Yes, stay anonymous") and a review
label for the witness checking their own answers ("Your name"). An analyst sorting 300 cases
in a spreadsheet wants "Eyewitness" and "Reporter's name". These tables give those words where
they differ; everything else keeps its button or review label. Codes are those of the forms.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from handlers.forms.model import N_

ANALYST_HEADERS: Mapping[str, str] = MappingProxyType(
    {
        # TRANSLATORS: Column header in the reviewers' spreadsheet: who reported the case.
        "reporter_role": N_("Reporter"),
        # TRANSLATORS: Column header in the reviewers' spreadsheet.
        "reporter_name": N_("Reporter's name"),
        # TRANSLATORS: Column header in the reviewers' spreadsheet: how the reporter is related
        # to the missing person.
        "relationship": N_("Reporter's relation"),
        # TRANSLATORS: Column header in the reviewers' spreadsheet: how the reporter knows.
        "source": N_("Source of information"),
        # TRANSLATORS: Column header in the reviewers' spreadsheet: may the group contact the
        # reporter later, and how.
        "follow_up": N_("Follow-up contact"),
        # TRANSLATORS: Column header in the reviewers' spreadsheet: does the family agree to a
        # submission to UN bodies.
        "family_consent": N_("Family consent (UN)"),
        # TRANSLATORS: Column header in the reviewers' spreadsheet.
        "detained_by": N_("Detained by"),
        # TRANSLATORS: Column header in the reviewers' spreadsheet: the kind of place a
        # detained person is held in now.
        "held_where": N_("Place of detention"),
        # TRANSLATORS: Column header in the reviewers' spreadsheet: the name or address of
        # the place of detention.
        "held_where_detail": N_("Place of detention: name"),
        # TRANSLATORS: Column header in the reviewers' spreadsheet: uniforms, badges, number
        # plates of the perpetrators.
        "identifiers": N_("Identifying details"),
        # TRANSLATORS: Column header in the reviewers' spreadsheet: who the report may be
        # shared with.
        "share_scope": N_("May be shared with"),
        # TRANSLATORS: Column header in the reviewers' spreadsheet.
        "perpetrators": N_("Perpetrators"),
        # TRANSLATORS: Column header in the reviewers' spreadsheet: methods of ill-treatment.
        "methods": N_("Methods"),
        # TRANSLATORS: Column header in the reviewers' spreadsheet: other methods of
        # ill-treatment, in the witness's words.
        "methods_other": N_("Methods: other"),
        # TRANSLATORS: Column header in the reviewers' spreadsheet: the injuries in the
        # witness's words.
        "injuries_detail": N_("Injuries: details"),
        # TRANSLATORS: Column header in the reviewers' spreadsheet: how contact with the
        # missing person was lost.
        "circumstances": N_("Circumstances"),
        # TRANSLATORS: Column header in the reviewers' spreadsheet: what was done to find the
        # missing person; also a UN WGEID element.
        "steps_taken": N_("Steps taken"),
        # TRANSLATORS: Column header in the reviewers' spreadsheet: more on the search, in the
        # witness's words.
        "steps_detail": N_("Steps taken: details"),
    }
)
"""Question id → header, where the review label speaks to the witness."""

ANY_QUESTION: Mapping[str, str] = MappingProxyType(
    {
        # TRANSLATORS: A cell in the reviewers' spreadsheet: the witness did not know.
        "unknown": N_("Unknown"),
        "other": N_("Other"),
    }
)
"""Code → word for every question that has the code ("I don't know", "Somewhere else")."""

ANALYST_WORDS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "reporter_role": {
            # TRANSLATORS: A cell in the reviewers' spreadsheet: the reporter is the victim.
            "self": N_("Victim (self)"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: who reported, or how they know.
            "eyewitness": N_("Eyewitness"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: the reporter is a relative.
            "relative": N_("Relative"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: the reporter is a colleague.
            "colleague": N_("Colleague"),
            "lawyer": N_("Lawyer"),
            "medical_worker": N_("Medical worker"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: the reporter is a journalist.
            "journalist": N_("Journalist"),
        },
        "consent": {"yes": N_("Yes")},
        "anonymous": {"yes": N_("Yes"), "no": N_("No")},
        "share_scope": {
            # TRANSLATORS: A cell in the reviewers' spreadsheet: who the report may be shared with.
            "reviewers": N_("Reviewers only"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: the report may be published
            # without names.
            "publish": N_("Publication (anonymised)"),
        },
        "follow_up": {
            # TRANSLATORS: A cell in the reviewers' spreadsheet: the reporter does not want
            # to be contacted.
            "none": N_("No contact"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: contact through the bot's chat.
            "this_chat": N_("This Telegram chat"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: the messenger Signal.
            "signal": N_("Signal"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: contact by phone.
            "phone": N_("Phone"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: contact through someone the
            # reporter trusts.
            "trusted_person": N_("Via a trusted person"),
        },
        "source": {
            "saw": N_("Eyewitness"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: how the reporter knows.
            "victim_told": N_("Told by the victim"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: how the reporter knows.
            "others_told": N_("Told by others"),
        },
        "family_consent": {
            # TRANSLATORS: A cell in the reviewers' spreadsheet: the reporter is the missing
            # person's family, so consents as family.
            "i_am_family": N_("Reporter is family"),
        },
        "authorities_response": {
            # TRANSLATORS: A cell in the reviewers' spreadsheet: the authorities did not answer.
            "no_answer": N_("No answer"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: nobody asked the authorities.
            "not_asked": N_("Authorities not asked"),
        },
        "lawyer_access": {
            # TRANSLATORS: A cell in the reviewers' spreadsheet: the detainee had their own lawyer.
            "own_lawyer": N_("Own lawyer"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: access to a lawyer was denied.
            "denied": N_("Denied"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: no lawyer was asked for.
            "not_requested": N_("Not requested"),
        },
        # TRANSLATORS: A cell in the reviewers' spreadsheet: no reason for the detention.
        "reason_given": {"none_given": N_("None given")},
        "court": {
            # TRANSLATORS: A cell in the reviewers' spreadsheet: the kind of court case.
            "administrative": N_("Administrative case"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: the kind of court case.
            "criminal": N_("Criminal case"),
        },
        "medical_help": {
            # TRANSLATORS: A cell in the reviewers' spreadsheet: no medical help was given.
            "none": N_("No help"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: medical help was asked for
            # and refused.
            "refused": N_("Refused"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: medical help was given.
            "received": N_("Help received"),
        },
        "complaint": {
            # TRANSLATORS: A cell in the reviewers' spreadsheet: no complaint was made.
            "not_filed": N_("Not filed"),
            # TRANSLATORS: A cell in the reviewers' spreadsheet: a complaint was made.
            "filed": N_("Filed"),
        },
        "condition_now": {"released": N_("Released")},
        "methods": {
            # TRANSLATORS: A cell in the reviewers' spreadsheet: a method of ill-treatment.
            "deprivation": N_("Deprivation of food, water or sleep"),
        },
    }
)
"""Question id → {code: word}, where the button speaks as or to the witness."""

WGEID_ELEMENTS: Mapping[str, str] = MappingProxyType(
    {
        "full_name": N_("Full name"),
        # TRANSLATORS: A UN WGEID element a missing-person case lacks (reviewers' spreadsheet).
        "last_seen_when": N_("Date last seen"),
        # TRANSLATORS: A UN WGEID element a missing-person case lacks (reviewers' spreadsheet).
        "last_seen_where": N_("Place last seen"),
        "believed_responsible": N_("Believed responsible"),
        "steps_taken": N_("Steps taken"),
        # TRANSLATORS: A UN WGEID element a missing-person case lacks (reviewers' spreadsheet):
        # who submits the case (not anonymous, with a name).
        "submitter": N_("Submitter's identity"),
        # TRANSLATORS: What a missing-person case lacks to go to the UN (reviewers'
        # spreadsheet): the reporter did not allow sharing with UN bodies.
        "share_scope": N_("Permission to share with UN bodies"),
        # TRANSLATORS: What a missing-person case lacks to go to the UN (reviewers'
        # spreadsheet): the family's consent.
        "family_consent": N_("Family's consent"),
    }
)
"""`wgeid_gaps` id → the element's name, for the "Missing UN elements" column."""
