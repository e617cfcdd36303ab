"""The summary's charts in the reader's words: a time axis without holes, codes as words."""

from __future__ import annotations

import datetime as dt

from handlers.summary_page import summary_charts
from storage.summary import HeldPlace, Summary
from storage.summary_html import BarChart, ColumnChart


def test_quiet_days_are_columns_too_and_codes_read_as_words() -> None:
    summary = Summary(
        cases=3,
        forms=("detention",),
        per_day=(
            (dt.date(2022, 1, 5), {"detention": 2}),
            (dt.date(2022, 1, 8), {"detention": 1}),
        ),
        by_region=(("jetisu", 2), (None, 1)),
        held_places=(HeldPlace("ИВС", "sizo", 1),),
    )
    per_day, by_region, _status, places = summary_charts(summary, "en")
    assert isinstance(per_day, ColumnChart) and isinstance(by_region, BarChart)
    assert [c.label for c in per_day.columns] == ["5 Jan", "6 Jan", "7 Jan", "8 Jan"]
    assert [c.values for c in per_day.columns] == [(2,), (0,), (0,), (1,)]
    assert per_day.series == ("Detention or arrest",)
    assert [b.label for b in by_region.bars] == ["Jetisu Region", "Region not given"]
    assert isinstance(places, BarChart)
    assert places.bars[0].label == "ИВС (Pre-trial prison (SIZO))"
