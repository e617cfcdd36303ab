"""Choice codes as words for a reviewer who asks `kuager export --lang kk|ru|en`.

The domain's wording of answers, so it sits beside the forms; not inside `handlers.forms`,
which translates nothing itself (it marks msgids; this module turns them into words).

The export stays language-neutral by default (codes, whatever language the witness used), so
a Kazakh and a Russian report about the same detention line up column for column; `--lang`
only turns codes into the reviewer's words. Columns keep their ids either way.
"""

from __future__ import annotations

from collections.abc import Callable

from handlers.forms import (
    FORMS,
    REGIONS,
    SPECIAL_LABELS,
    Form,
    Kind,
    Question,
    Special,
    base_choices,
)
from handlers.i18n import _, language

SEPARATOR = "; "


def _codes(question: Question) -> dict[str, str]:
    codes = {c.code: c.label for c in base_choices(question)}
    codes.update({s.value: SPECIAL_LABELS[s] for s in Special})
    return codes


def _field_labels(form: Form) -> dict[str, dict[str, str]]:
    """Column suffix → {code: msgid}; a place's region and a contact's method included."""
    table: dict[str, dict[str, str]] = {}
    for question in form.questions():
        codes = _codes(question)
        if question.kind is Kind.PLACE:
            table[f"{question.id}.region"] = {c.code: c.label for c in REGIONS}
        elif question.kind is Kind.CONTACT:
            table[f"{question.id}.method"] = codes
        table[question.id] = codes
    return table


Labeller = Callable[[str, str, str], str]
"""(form id, flattened answer path, stored code) -> the words a reviewer reads."""


def labeller(lang: str) -> Labeller:
    tables = {form_id: _field_labels(form) for form_id, form in FORMS.items()}

    def label(form_id: str, column: str, value: str) -> str:
        table = tables.get(form_id, {})
        parts = [p for p in column.split(".") if not p.isdigit()]
        codes = table.get(".".join(parts[-2:])) or table.get(parts[-1]) if parts else None
        if not codes or not value:
            return value
        with language(lang):
            return SEPARATOR.join(_(codes[v]) if v in codes else v for v in value.split(SEPARATOR))

    return label
