"""Charts as inline SVG and the one-file summary page, drawn on the reviewer's machine.

No script, no web font, no CDN: the page holds case data and must open offline, so charts are
drawn here (Jinja2 templates, `storage/templates/`) and the page forbids itself every request
(Content-Security-Policy `default-src 'none'`). Labels arrive already in the reader's language
(`handlers.summary_page` words them); a place name a witness typed is text like any other, and
autoescaping makes it text in the page too — never markup.

The reviewer's desk reuses `render_chart` for one chart and `render_page` for a whole page.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
"""Okabe and Ito's colours: told apart with every common colour-vision deficiency."""
LABEL_WIDTH, BAR_AREA, BAR_HEIGHT, ROW = 260, 460, 20, 28
COLUMN_AREA, COLUMN_HEIGHT, AXIS_LEFT = 860, 220, 36
LABEL_CHARACTERS = 38


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one per label: regions, statuses, places."""

    id: str
    """The figure's HTML id (a page may hold several charts)."""
    title: str
    bars: tuple[Bar, ...]
    note: str = ""


@dataclass(frozen=True)
class Column:
    """One day: its axis label, its full name, and a count per series."""

    label: str
    title: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class ColumnChart:
    """Stacked columns over days, one colour per series (report type)."""

    id: str
    title: str
    series: tuple[str, ...]
    columns: tuple[Column, ...]
    note: str = ""


Chart = BarChart | ColumnChart


@dataclass(frozen=True)
class Page:
    """The words around the charts, in the reader's language."""

    lang: str
    title: str
    lead: str
    footer: str
    empty: str
    """Shown in place of a chart with nothing to draw."""


@cache
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("storage", "templates"),
        autoescape=True,  # every template, whatever its name: witness text is untrusted
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARACTERS else text[: LABEL_CHARACTERS - 1] + "…"


def _bar_chart(chart: BarChart, empty: str) -> str:
    peak = max((bar.value for bar in chart.bars), default=1)
    rows = [
        {
            "label": bar.label,
            "short": _short(bar.label),
            "value": bar.value,
            "y": index * ROW,
            "text_y": index * ROW + BAR_HEIGHT - 5,
            "width": max(1, round(bar.value / peak * BAR_AREA)),
            "value_x": LABEL_WIDTH + 8 + round(bar.value / peak * BAR_AREA) + 6,
        }
        for index, bar in enumerate(chart.bars)
    ]
    return (
        _templates()
        .get_template("bar_chart.svg")
        .render(
            chart=chart,
            rows=rows,
            empty=empty,
            width=LABEL_WIDTH + 8 + BAR_AREA + 48,
            height=len(rows) * ROW,
            label_x=LABEL_WIDTH,
            bar_x=LABEL_WIDTH + 8,
            bar_height=BAR_HEIGHT,
            colour=PALETTE[0],
        )
    )


def _column_chart(chart: ColumnChart, empty: str) -> str:
    top, base = 8, 8 + COLUMN_HEIGHT
    peak = max((sum(c.values) for c in chart.columns), default=1)
    step = COLUMN_AREA / max(len(chart.columns), 1)
    width = max(2.0, min(28.0, step * 0.8))
    every = max(1, round(len(chart.columns) / 16))  # at most about 16 day labels
    columns = []
    for index, column in enumerate(chart.columns):
        segments, y = [], float(base)
        for series, value in enumerate(column.values):
            if value:
                height = value / peak * COLUMN_HEIGHT
                y -= height
                segments.append(
                    {
                        "y": round(y, 2),
                        "height": round(height, 2),
                        "value": value,
                        "label": chart.series[series],
                        "colour": PALETTE[series % len(PALETTE)],
                    }
                )
        x = AXIS_LEFT + index * step + (step - width) / 2
        columns.append(
            {
                "x": round(x, 2),
                "width": round(width, 2),
                "label": column.label,
                "title": column.title,
                "segments": segments,
                "tick": index % every == 0,
            }
        )
    legend = [
        {"label": label, "colour": PALETTE[i % len(PALETTE)]}
        for i, label in enumerate(chart.series)
    ]
    return (
        _templates()
        .get_template("column_chart.svg")
        .render(
            chart=chart,
            columns=columns,
            legend=legend,
            empty=empty,
            width=AXIS_LEFT + COLUMN_AREA,
            height=base + 20,
            top=top,
            base=base,
            left=AXIS_LEFT,
            peak=peak,
        )
    )


def render_chart(chart: Chart, empty: str = "") -> Markup:
    """One chart as an HTML `<figure>` holding an inline SVG; `empty` when it has no data."""
    if isinstance(chart, BarChart):
        return Markup(_bar_chart(chart, empty))  # noqa: S704  (rendered with autoescape)
    return Markup(_column_chart(chart, empty))  # noqa: S704  (rendered with autoescape)


def render_page(page: Page, charts: tuple[Chart, ...]) -> str:
    """The whole page: one self-contained HTML file."""
    figures = [render_chart(chart, page.empty) for chart in charts]
    return _templates().get_template("summary.html").render(page=page, charts=figures)


def write_page(out: Path, html: str) -> None:
    """Write the page at `out`, readable by the reviewer alone; never through a symbolic link."""
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(html)
