"""Report forms as data, and the pure engine that walks a witness through them.

A handler turns a Telegram update into an `Input` (`Button`, `Text`, `Location`, `Media`),
calls `answer(form, draft, input, today)`, and gets back a `Next`: the new `Draft` to store
(encrypted) and the step to show, an `Ask` (msgids, buttons, path) or the `Review`. A stored
draft comes back through `resume(form, Draft.from_json(data))`, which re-checks it against
the form as it is now and returns its `Next` too. Nothing here imports Telegram or the
database; strings are msgids the handler translates when it shows them:
`_(invalid.message).format(**invalid.params)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from handlers.forms.analyst_labels import (
    ANALYST_HEADERS,
    ANALYST_WORDS,
    ANY_QUESTION,
    WGEID_ELEMENTS,
)
from handlers.forms.common import CARRIED, CONSENT_TERMS, REGIONS
from handlers.forms.detention import DETENTION
from handlers.forms.draft import BadDraft, Draft
from handlers.forms.engine import (
    Ask,
    Next,
    Position,
    Review,
    ReviewItem,
    Step,
    WrongForm,
    answer,
    back,
    current,
    edit,
    flags,
    offers,
    progress,
    recorded,
    resume,
    review_items,
    start,
)
from handlers.forms.ill_treatment import ILL_TREATMENT
from handlers.forms.missing_person import MISSING_PERSON, is_un_ready, is_urgent, wgeid_gaps
from handlers.forms.model import (
    DONE,
    KEEP,
    N_,
    AllOf,
    Answer,
    AnyOf,
    AttachmentRef,
    BadAttachment,
    Button,
    Choice,
    Flag,
    Form,
    In,
    Input,
    Invalid,
    Kind,
    Location,
    Media,
    Not,
    Offer,
    Question,
    Repeat,
    Section,
    Special,
    Stopped,
    Text,
    When,
    check_form,
)
from handlers.forms.reading import SPECIAL_LABELS, TOO_LONG, Accept, Option, base_choices
from handlers.forms.review_labels import REVIEW_LABELS

__all__ = [
    "ADDENDUM_FORM",
    "ANALYST_HEADERS",
    "ANALYST_WORDS",
    "ANY_QUESTION",
    "CARRIED",
    "CONSENT_TERMS",
    "DONE",
    "FORMS",
    "KEEP",
    "N_",
    "REGIONS",
    "REVIEW_LABELS",
    "SPECIAL_LABELS",
    "TOO_LONG",
    "WGEID_ELEMENTS",
    "Accept",
    "AllOf",
    "Answer",
    "AnyOf",
    "Ask",
    "AttachmentRef",
    "BadAttachment",
    "BadDraft",
    "Button",
    "Choice",
    "Draft",
    "Flag",
    "Form",
    "In",
    "Input",
    "Invalid",
    "Kind",
    "Location",
    "Media",
    "Next",
    "Not",
    "Offer",
    "Option",
    "Position",
    "Question",
    "Repeat",
    "Review",
    "ReviewItem",
    "Section",
    "Special",
    "Step",
    "Stopped",
    "Text",
    "UnknownForm",
    "When",
    "WrongForm",
    "answer",
    "back",
    "base_choices",
    "check_form",
    "current",
    "edit",
    "flags",
    "get_form",
    "is_un_ready",
    "is_urgent",
    "offers",
    "progress",
    "recorded",
    "resume",
    "review_items",
    "start",
    "wgeid_gaps",
]

FORMS: Mapping[str, Form] = MappingProxyType(
    {form.id: form for form in (DETENTION, ILL_TREATMENT, MISSING_PERSON)}
)
"""Every report type a witness can choose, by form id, in menu order."""


ADDENDUM_FORM = "addendum"
"""The form id of a follow-up a witness adds to a sent report (`/followup CODE`): notes and
files, linked to the report by `links.addendum_to`; no form definition of its own. The forms
import nothing outside their package, so the store has its own copy, `storage.cases.
ADDENDUM_FORM`, and `tests/handlers/test_layering.py` holds the two equal."""


class UnknownForm(KeyError):
    """A form id no form has (an old callback, a draft of a removed type)."""


def get_form(form_id: str) -> Form:
    try:
        return FORMS[form_id]
    except KeyError:
        raise UnknownForm(form_id) from None
