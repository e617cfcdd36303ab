"""A `storage.summary.Summary` in the reader's words: charts and the page, in kk, ru or en.

Beside the forms because it words their codes (report types, regions, detention status) and
knows which of their questions say when and where. The reviewer's desk calls `summary_charts`
and renders each with `storage.summary_html.render_chart`; `kuager summary` calls
`summary_html` for the whole page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from babel.dates import format_date

from handlers.forms import FORMS, REGIONS, Kind
from handlers.i18n import _, language, ngettext
from storage.summary import Summary, SummaryFields
from storage.summary_html import Bar, BarChart, Chart, Column, ColumnChart, Page, render_page


def summary_fields() -> SummaryFields:
    """Each report type's first date and first place question: when and where it happened."""

    def first(kind: Kind) -> dict[str, str]:
        found: dict[str, str] = {}
        for form_id, form in FORMS.items():
            ids = [q.id for q in form.questions() if q.kind is kind]
            if ids:
                found[form_id] = ids[0]
        return found

    return SummaryFields(when=first(Kind.DATE), where=first(Kind.PLACE))


MAX_DAYS = 400
"""A time axis with a column for every day, quiet ones too, up to about a year."""


def _every_day(summary: Summary) -> list[tuple[dt.date, Mapping[str, int]]]:
    """The days with cases, and the quiet days between them while the span is short."""
    if not summary.per_day:
        return []
    first, last = summary.per_day[0][0], summary.per_day[-1][0]
    if (last - first).days > MAX_DAYS:
        return list(summary.per_day)
    counts = dict(summary.per_day)
    days = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return [(day, counts.get(day, {})) for day in days]


def _choice_labels(question_id: str) -> dict[str, str]:
    """Code → msgid for a question that one of the forms asks."""
    for form in FORMS.values():
        for question in form.questions():
            if question.id == question_id:
                return {choice.code: choice.label for choice in question.choices}
    return {}


def _word(labels: dict[str, str], code: str | None) -> str:
    # A code no form has (a forged case, a removed choice) is shown as it is: escaped text.
    return _(labels[code]) if code in labels else str(code)


def summary_charts(
    summary: Summary, lang: str, fields: SummaryFields | None = None
) -> tuple[Chart, ...]:
    """The four charts of a summary, worded in `lang`."""
    fields = fields or summary_fields()
    forms = {form_id: form.title for form_id, form in FORMS.items()}
    regions = {choice.code: choice.label for choice in REGIONS}
    with language(lang):
        # TRANSLATORS: Shown under the chart of cases per day in the reviewers' summary page.
        # {count} is a number of reports whose date is only a month, a year or unknown.
        undated = ngettext(
            "{count} case without an exact day is not shown.",
            "{count} cases without an exact day are not shown.",
            summary.undated,
        ).format(count=summary.undated)
        per_day = ColumnChart(
            "per-day",
            # TRANSLATORS: Title of a chart in the reviewers' summary page.
            _("Cases per day, by report type"),
            tuple(_word(forms, form) for form in summary.forms),
            tuple(
                Column(
                    format_date(day, "d MMM", locale=lang),
                    format_date(day, "long", locale=lang),
                    tuple(counts.get(form, 0) for form in summary.forms),
                )
                for day, counts in _every_day(summary)
            ),
            undated if summary.undated else "",
        )
        # TRANSLATORS: A bar label in the reviewers' summary page: cases with no region given.
        no_region = _("Region not given")
        by_region = BarChart(
            "by-region",
            # TRANSLATORS: Title of a chart in the reviewers' summary page.
            _("Cases by region"),
            tuple(
                Bar(_word(regions, code) if code else no_region, count)
                for code, count in summary.by_region
            ),
        )
        statuses = _choice_labels(fields.status)
        by_status = BarChart(
            "by-status",
            # TRANSLATORS: Title of a chart in the reviewers' summary page (detention reports).
            _("Detention: status now"),
            tuple(Bar(_word(statuses, code), count) for code, count in summary.by_status),
        )
        kinds = _choice_labels(fields.held)
        places = BarChart(
            "held-places",
            # TRANSLATORS: Title of a chart in the reviewers' summary page: the places of
            # detention that witnesses typed most often.
            _("Places of detention named most often"),
            tuple(
                Bar(
                    f"{place.name} ({_word(kinds, place.kind)})" if place.kind else place.name,
                    place.count,
                )
                for place in summary.held_places
            ),
            # TRANSLATORS: Note under a chart in the reviewers' summary page.
            _("Names as witnesses typed them; the same place may be spelt in several ways."),
        )
    return (per_day, by_region, by_status, places)


def summary_page(summary: Summary, lang: str, today: dt.date) -> Page:
    """The words around the charts."""
    with language(lang):
        return Page(
            lang=lang,
            # TRANSLATORS: Title of the reviewers' summary page (an HTML file).
            title=_("Summary of cases"),
            # TRANSLATORS: First line of the reviewers' summary page. {count} is a number of cases.
            lead=ngettext(
                "{count} case that your key can open.",
                "{count} cases that your key can open.",
                summary.cases,
            ).format(count=summary.cases),
            # TRANSLATORS: Foot of the reviewers' summary page. {day} is a date.
            footer=_(
                "Made on {day} on this computer. The page loads nothing from the internet; "
                "keep it as safe as the cases themselves."
            ).format(day=format_date(today, "long", locale=lang)),
            # TRANSLATORS: Shown in the reviewers' summary page in place of an empty chart.
            empty=_("Nothing to show yet."),
        )


def summary_html(summary: Summary, lang: str, today: dt.date) -> str:
    """The whole offline page in `lang`."""
    return render_page(summary_page(summary, lang, today), summary_charts(summary, lang))
