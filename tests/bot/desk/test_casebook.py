"""The desk's list logic with plain values: folding, filters, search in three languages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.desk.casebook import CaseFilter, build, count, documents_of, fold, pick
from storage.export import OpenedCase

TODAY = dt.date(2022, 3, 1)


def opened(case_id: str, form_id: str, day: dt.date, **answers: Any) -> OpenedCase:
    document = {"case_id": case_id, "language": "kk", "answers": answers, "attachments": []}
    return OpenedCase(case_id, form_id, day, document)


CASES = [
    opened(
        "a" * 32,
        "detention",
        dt.date(2022, 1, 6),
        place={"region": "almaty", "town": "Алматы"},
        detained_by=["police"],
        narrative="Махамбет Әбжанды полиция ұстады.",
    ),
    opened(
        "b" * 32,
        "missing_person",
        dt.date(2022, 2, 20),
        last_seen_when={"date": "2022-02-19", "precision": "exact"},
        last_seen_where={"region": "astana"},
        full_name="Makhambet Abzhan",
    ),
    opened(
        "c" * 32,
        "ill_treatment",
        dt.date(2022, 1, 10),
        place={"region": "almaty"},
        narrative="Били дубинками в ИВС.",
    ),
]


def test_folding_meets_kazakh_russian_and_diacritics() -> None:
    assert fold("Махамбет Әбжан") == fold("махамбет абжан")
    assert fold("ҚОНАЕВ") == fold("конаев")
    assert fold("Ёлка й") == fold("елка и")
    assert fold("Ünal Şahin") == "unal sahin"


def test_search_finds_a_name_however_typed_and_a_code_by_its_label() -> None:
    cases = build(CASES, TODAY)
    found = pick(cases, CaseFilter(query="абжанды"))
    assert [c.case_id for c in found] == ["a" * 32]
    for word in ("Полиция", "police", "полиция"):  # Russian, English, Kazakh labels
        assert [c.case_id for c in pick(cases, CaseFilter(query=word))] == ["a" * 32], word
    assert [c.case_id for c in pick(cases, CaseFilter(query="makhambet"))] == ["b" * 32]
    assert pick(cases, CaseFilter(query="махамбет нетакого")) == []


def test_filters_by_type_region_dates_urgent_and_un_gaps() -> None:
    cases = build(CASES, TODAY)
    assert {c.case_id for c in pick(cases, CaseFilter(region="almaty"))} == {"a" * 32, "c" * 32}
    assert [c.case_id for c in pick(cases, CaseFilter(form_id="ill_treatment"))] == ["c" * 32]
    since = CaseFilter(since=dt.date(2022, 1, 7), until=dt.date(2022, 1, 31))
    assert [c.case_id for c in pick(cases, since)] == ["c" * 32]
    assert [c.case_id for c in pick(cases, CaseFilter(urgent=True))] == ["b" * 32]
    assert [c.case_id for c in pick(cases, CaseFilter(gaps=True))] == ["b" * 32]
    assert [c.received_day.day for c in pick(cases, CaseFilter())] == [20, 10, 6], "newest first"


def test_a_filter_from_the_query_string_reports_dates_it_cannot_read() -> None:
    chosen, bad = CaseFilter.from_query({"since": "6 Jan", "until": "2022-01-31", "urgent": "1"})
    assert bad == ("since",)
    assert chosen.since is None and chosen.until == dt.date(2022, 1, 31) and chosen.urgent
    assert CaseFilter.from_query(chosen.as_query())[0] == chosen


def test_new_is_what_the_last_visit_did_not_list_and_followups_join_their_case() -> None:
    addendum = OpenedCase(
        "d" * 32,
        "addendum",
        dt.date(2022, 2, 1),
        {
            "case_id": "d" * 32,
            "answers": {"notes": ["Его видели в СИЗО"]},
            "links": {"addendum_to": "a" * 32},
        },
    )
    cases = build([*CASES, addendum], TODAY, seen_before=frozenset({"a" * 32}))
    assert {c.case_id for c in cases} == {"a" * 32, "b" * 32, "c" * 32}
    first = next(c for c in cases if c.case_id == "a" * 32)
    assert [f.notes for f in first.followups] == [("Его видели в СИЗО",)]
    assert [c.case_id for c in pick(cases, CaseFilter(query="сизо"))] == ["a" * 32]
    figures = count(cases, cases)
    assert (figures.total, figures.new, figures.urgent) == (3, 2, 1)
    assert build(CASES, TODAY)[0].new is False, "a first visit marks nothing new"


def test_a_download_holds_the_listed_cases_with_their_followups_and_nothing_else() -> None:
    later = OpenedCase(
        "e" * 32,
        "addendum",
        dt.date(2022, 2, 25),
        {"case_id": "e" * 32, "answers": {"notes": ["ещё"]}, "links": {"addendum_to": "c" * 32}},
    )
    other = OpenedCase(
        "f" * 32,
        "addendum",
        dt.date(2022, 2, 26),
        {"case_id": "f" * 32, "answers": {"notes": ["x"]}, "links": {"addendum_to": "b" * 32}},
    )
    everything = [*CASES, later, other]
    shown = pick(build(everything, TODAY), CaseFilter(region="almaty"))
    chosen = documents_of(shown, everything)
    # The two Almaty cases and the follow-up of one, in export order (day, then id).
    assert [c.case_id for c in chosen] == ["a" * 32, "c" * 32, "e" * 32]
    assert documents_of([], everything) == []
