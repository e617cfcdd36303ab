"""Reports about the same person find each other on the reviewer's laptop, and only they do.

Documents are built as the bot seals them (`CaseDocument.to_json`), so `people_of` reads the
real answer shapes: skipped answers, "about 35", month-only dates, repeat groups.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.cases import CaseDocument, new_object_id
from storage.personnames import block_keys, compare_names, fold
from storage.sameperson import (
    DaySpan,
    DuplicatePerson,
    PersonRecord,
    Reason,
    SamePersonGroup,
    apply_decisions,
    group_id,
    groups_by_case,
    normalise_name,
    people_of,
    possible_same_person,
)
from tests.storage.cases import detention

SUBMITTED = dt.datetime(2022, 1, 20, 9, 0, tzinfo=dt.UTC)


def missing(
    name: Any,
    *,
    age: Any = None,
    sex: Any = "male",
    last_seen: Any = "2022-01-06",
    region: Any = "almaty",
    submitted: dt.datetime = SUBMITTED,
) -> tuple[str, dict[str, Any]]:
    """A sealed missing-person document; None leaves a question unasked."""
    answers: dict[str, Any] = {"reporter_role": "relative", "consent": "yes"}
    if name is not None:
        answers["full_name"] = name
    if age is not None:
        answers["age"] = age
    if sex is not None:
        answers["sex"] = sex
    if last_seen is not None:
        answers["last_seen_when"] = (
            {"date": last_seen, "precision": "exact"} if isinstance(last_seen, str) else last_seen
        )
    if region is not None:
        answers["last_seen_where"] = {"region": region, "town": None, "lat": None, "lon": None}
    case_id = new_object_id()
    document = CaseDocument("missing_person", 1, "kk", answers, submitted)
    return case_id, document.to_json(case_id)


def person(name: Any, **facts: Any) -> list[PersonRecord]:
    case_id, document = missing(name, **facts)
    return people_of(case_id, "missing_person", document, received_day=dt.date(2022, 1, 20))


def together(*people: list[PersonRecord]) -> list[SamePersonGroup]:
    return possible_same_person(p for group in people for p in group)


def grouped(*names: str, **facts: Any) -> bool:
    """Whether missing-person reports with these names, and otherwise the same facts, make
    one group holding all of them."""
    groups = together(*(person(name, **facts) for name in names))
    return len(groups) == 1 and len(groups[0].members) == len(names)


# --- The example -------------------------------------------------------------------


def test_the_three_spellings_group_together() -> None:
    """Given a Kazakh, a Russian and an English report about Makhambet Abzhan, of which the
    English one is a detention report naming him among two people,
    when the reviewer's laptop groups them,
    then all three cases are in one group, and the other detainee is in none."""
    kazakh = person("Махамбет Әбжан", age=34)
    russian = person("Махамбет Абжан", age={"number": 35, "approximate": True})
    case_id = new_object_id()
    english = detention(
        "en",
        extra={
            "victims": [
                {"name": "Makhambet Abzhan", "sex": "male"},
                {"name": "Serik Nurlanov", "sex": "male", "age": 19},
            ]
        },
    ).to_json(case_id)

    groups = together(kazakh, russian, people_of(case_id, "detention", english))

    assert len(groups) == 1
    (group,) = groups
    assert group.case_ids == {kazakh[0].case_id, russian[0].case_id, case_id}
    assert [m.person.name for m in group.members if m.person.case_id == case_id] == [
        "Makhambet Abzhan"
    ]
    assert all(Reason.SAME_NAME in m.reasons and Reason.DATE in m.reasons for m in group.members)
    assert groups_by_case(groups) == dict.fromkeys(sorted(group.case_ids), group.id)


# --- Names across scripts ------------------------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ("Әлия Қасымова", "Алия Касымова", "Aliya Kasymova", "Äliya Qasymova"),
        ("Ғалым Жаңабыл", "Галым Жанабыл", "Galym Zhanabyl", "Ǵalym Jańabyl"),
        ("Нұрсұлтан Өтебаев", "Нурсултан Отебаев", "Nursultan Otebayev", "Nursultan Otebaev"),
        ("Ілияс Жүсіпов", "Илияс Жусипов", "Iliyas Zhusipov", "Ilias Jusipov"),
        ("Жаһанша Үмбетов", "Жаханша Умбетов", "Zhakhansha Umbetov", "Jahansha Úmbetov"),
    ],
)
def test_kazakh_letters_fold_to_their_russian_and_latin_spellings(
    spellings: tuple[str, ...],
) -> None:
    """ә ғ қ ң ө ұ ү һ і as Kazakh writes them, as Russian does, as a passport and the Kazakh
    Latin alphabet do: one name."""
    folded = {normalise_name(s) for s in spellings}
    assert len(folded) == 1, folded


@pytest.mark.parametrize(
    "spellings",
    [
        ("Жанибек", "Zhanibek", "Janibek", "Djanibek", "Dzhanibek"),
        ("Мухтар", "Mukhtar", "Muhtar"),
        ("Шокан", "Shokan"),
        ("Щукин", "Shchukin", "Schukin"),
        ("Чингиз", "Chingiz", "Tchingiz"),
        ("Цой", "Tsoy", "Tsoi", "Tzoi"),
        ("Юрий", "Yuriy", "Iurii", "Yuri"),
        ("Яна", "Yana", "Iana"),
        ("Айдос", "Aydos", "Aidos"),
        ("Ерлан", "Yerlan", "Erlan"),
        ("Мұхаммед", "Мухаммед", "Mukhammed", "Muhammed", "Muhamed"),
        ("Александр", "Aleksandr", "Alexandr"),
    ],
)
def test_latin_transliterations_fold_together(spellings: tuple[str, ...]) -> None:
    """Zh/J/Dj/Dzh, Kh/H, Sh, Shch, Ch, Ts, Yu/Iu, Ya/Ia, Y/I, Ye/E, doubled letters."""
    assert len({fold(s) for s in spellings}) == 1, [fold(s) for s in spellings]


def test_word_order_does_not_matter() -> None:
    """Kazakh officialese puts the surname first: Әбжан Махамбет."""
    groups = together(person("Әбжан Махамбет"), person("Makhambet Abzhan"))
    assert len(groups) == 1
    assert Reason.NAME_WORD_ORDER in groups[0].members[0].reasons


def test_a_surname_with_or_without_its_russian_ending_is_one_surname() -> None:
    """Абжанов and Абжан: decided to match. Since 1991 many Kazakhs dropped the Soviet -ов
    or took -ұлы; one relative writes the passport's form, another the one the man uses. A
    wrong suggestion costs a reviewer a minute; it is marked as such (NAME_ENDING), and it
    still needs the other name to be the same and no fact to differ."""
    assert grouped(
        "Махамбет Абжанов", "Махамбет Әбжан", "Махамбет Әбжанұлы", "Makhambet Abzhan uly"
    )
    groups = together(person("Махамбет Абжанов"), person("Махамбет Әбжан"))
    assert Reason.NAME_ENDING in groups[0].members[0].reasons


def test_womens_forms_match_each_other_and_never_a_mans() -> None:
    """-ова, -қызы and the bare Kazakh form are one woman's surname; -ов is her brother's."""
    assert grouped("Айгүл Әбжанқызы", "Айгуль Абжанова", "Aigul Abzhanova", sex="female")
    assert grouped("Динара Сапарова", "Dinara Saparova", "Динара Сапар", sex=None)
    assert not grouped("Айгуль Абжанова", "Айгуль Абжанов", sex=None)
    assert not grouped("Айгүл Әбжанқызы", "Айгуль Абжанов", sex=None)


def test_a_patronymic_may_be_given_or_not_but_two_fathers_are_two_people() -> None:
    assert grouped("Абжанов Махамбет Ерланович", "Махамбет Абжанов")
    assert grouped("Махамбет Ерланович Абжанов", "Махамбет Абжанов Маха")
    assert grouped("Махамбет Ерланович Абжанов", "Makhambet Erlanovich Abzhanov")
    assert not grouped("Махамбет Ерланович Абжанов", "Махамбет Серикович Абжанов")


def test_an_initial_stands_for_a_name_it_begins() -> None:
    groups = together(person("М. Әбжан"), person("Махамбет Абжан"))
    assert len(groups) == 1
    assert Reason.NAME_INITIAL in groups[0].members[0].reasons
    assert not grouped("С. Әбжан", "Махамбет Абжан")
    assert not grouped("М. Абжанов", "Махамбет Абжан")  # no word the same in both
    assert not grouped("Ш. Ч.", "Ш. Ч.")


def test_a_one_letter_slip_is_forgiven_once() -> None:
    assert grouped("Махамбет Абжан", "Махамбед Абжан")
    assert not grouped("Махамбед Абжанов", "Махамбет Абжан")  # a slip and an ending


# --- Near misses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("Махамбет Әбжан", {}), ("Мархабат Әбжан", {})),
        (("Махамбет Әбжан", {"age": 25}), ("Махамбет Әбжан", {"age": 60})),
        (("Махамбет Әбжан", {"age": 30}), ("Махамбет Әбжан", {"age": 34})),
        (
            ("Махамбет Әбжан", {"last_seen": "2022-01-06"}),
            ("Махамбет Әбжан", {"last_seen": "2024-01-10"}),
        ),
        (
            ("Махамбет Әбжан", {"last_seen": "2022-01-06"}),
            ("Махамбет Әбжан", {"last_seen": "2022-01-21"}),
        ),
        (("Махамбет Әбжан", {"region": "almaty"}), ("Махамбет Әбжан", {"region": "mangystau"})),
        (("Махамбет Әбжан", {"sex": "male"}), ("Махамбет Әбжан", {"sex": "female"})),
        (("Ivan Petrov", {}), ("Petr Ivanov", {})),
        (("Махамбет", {}), ("Махамбет", {})),
        (("Махамбет Әбжан", {}), ("Махамбет Серік", {})),
        (("Махамбет Ерлан Абжанов", {}), ("Махамбет Ержан Абжан", {})),
    ],
    ids=[
        "another-first-name",
        "ages-25-and-60",
        "ages-30-and-34",
        "seen-two-years-apart",
        "seen-15-days-apart",
        "another-region",
        "another-sex",
        "both-words-through-another-ending",
        "first-name-alone",
        "another-surname",
        "a-slip-and-an-ending",
    ],
)
def test_near_misses_do_not_group(
    first: tuple[str, dict[str, Any]], second: tuple[str, dict[str, Any]]
) -> None:
    assert together(person(first[0], **first[1]), person(second[0], **second[1])) == []


def test_what_only_one_report_gives_neither_helps_nor_hurts() -> None:
    """A relative may not know the age or the date; the other report's facts stand alone."""
    assert grouped("Махамбет Әбжан", "Makhambet Abzhan", age=None, last_seen=None, region=None)
    groups = together(
        person("Махамбет Әбжан", age=34, sex=None), person("Makhambet Abzhan", age="dont_know")
    )
    assert len(groups) == 1
    assert Reason.AGE not in groups[0].members[0].reasons


def test_about_an_age_widens_it_and_a_month_covers_its_days() -> None:
    assert grouped("Махамбет Әбжан", "Makhambet Abzhan", age={"number": 35, "approximate": True})
    assert together(
        person("Махамбет Әбжан", age=30),
        person("Makhambet Abzhan", age={"number": 35, "approximate": True}),
    )
    assert together(
        person("Махамбет Әбжан", last_seen={"date": "2022-01", "precision": "month"}),
        person("Makhambet Abzhan", last_seen="2022-02-10"),
    )
    assert not together(
        person("Махамбет Әбжан", last_seen={"date": "2022-01", "precision": "month"}),
        person("Makhambet Abzhan", last_seen="2022-02-20"),
    )


def test_ages_given_in_different_years_compare_as_birth_years() -> None:
    """34 in 2022 and 36 in 2024 is one man; 34 in both years is two years off, still fine;
    34 in 2022 and 34 in 2026 is not."""
    in_2024 = dt.datetime(2024, 1, 5, tzinfo=dt.UTC)
    in_2026 = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    first = person("Махамбет Әбжан", age=34, last_seen=None)
    assert together(first, person("Махамбет Әбжан", age=36, last_seen=None, submitted=in_2024))
    assert not together(first, person("Махамбет Әбжан", age=34, last_seen=None, submitted=in_2026))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ({"age": 34}, {"age": 60}),
        ({"last_seen": "2022-01-06"}, {"last_seen": "2022-03-06"}),
        ({"region": "almaty"}, {"region": "abai"}),
        ({"sex": "male"}, {"sex": "female"}),
    ],
    ids=["age", "date", "region", "sex"],
)
def test_a_chain_through_a_report_that_lacks_a_fact_does_not_join_two_it_tells_apart(
    one: dict[str, Any], other: dict[str, Any]
) -> None:
    """A man of 34 and one of 60 are not one person because each was linked to a report
    that gave no age; whichever link is taken, it is the same in every reading order."""
    unknown = {"age": None, "sex": None, "last_seen": None, "region": None}
    first, lacking, second = (
        person("Махамбет Әбжан", **one),
        person("Makhambet Abzhan", **{k: unknown[k] for k in one}),
        person("Махамбет Абжан", **other),
    )
    people = [*first, *lacking, *second]

    outcomes = {tuple(possible_same_person(order)) for order in itertools.permutations(people)}

    assert len(outcomes) == 1
    (groups,) = outcomes
    assert len(groups) == 1
    assert groups[0].case_ids in (
        {first[0].case_id, lacking[0].case_id},
        {lacking[0].case_id, second[0].case_id},
    )


def test_which_of_two_equally_strong_links_wins_does_not_depend_on_reading_order() -> None:
    """Two initials point at one full name from two sides; their ages part them, so one
    link must lose, and it is the same one whichever report is read first."""
    full, given_known, surname_known = (
        person("Махамбет Әбжан"),
        person("Махамбет А.", age=34),
        person("М. Әбжан", age=60),
    )
    people = [*full, *given_known, *surname_known]

    outcomes = {tuple(possible_same_person(order)) for order in itertools.permutations(people)}

    assert len(outcomes) == 1
    assert [len(g.members) for g in outcomes.pop()] == [2]


# --- Who is never grouped ------------------------------------------------------------------


def test_people_of_one_case_are_never_grouped_together() -> None:
    """Given one detention report naming two people whose names fold alike, and another
    report naming that name once,
    then the two of the first report are in no group together, directly or through the other."""
    case_id = new_object_id()
    both = detention(
        extra={"victims": [{"name": "Махамбет Әбжан"}, {"name": "Makhambet Abzhan"}]}
    ).to_json(case_id)
    one = person("Махамбет Абжан", last_seen="2022-01-06")

    alone = possible_same_person(people_of(case_id, "detention", both))
    groups = together(people_of(case_id, "detention", both), one)

    assert alone == []
    assert len(groups) == 1
    assert len(groups[0].members) == 2
    assert groups[0].case_ids == {case_id, one[0].case_id}


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "skipped",
        "prefer_not",
        "dont_know",
        None,
        "фамилию не знаю",
        "не знаю",
        "Unknown",
        "аты белгісіз",
        "?",
        "М.",
        "М. А.",
        "12345",
    ],
)
def test_empty_or_skipped_names_are_never_grouped(name: Any) -> None:
    assert together(person(name), person(name), person(name)) == []


# --- Reading the case documents ------------------------------------------------------------


def test_people_of_reads_skipped_and_dont_know_answers_as_unknown() -> None:
    case_id, document = missing("skipped", age="dont_know", sex="prefer_not", last_seen=None)
    document["answers"]["last_seen_when"] = "dont_know"
    document["answers"]["last_seen_where"] = "dont_know"

    (record,) = people_of(case_id, "missing_person", document)

    assert record == PersonRecord(case_id, 1, "missing_person", "")


def test_people_of_reads_each_victim_of_a_detention_with_their_facts() -> None:
    case_id = new_object_id()
    document = detention(
        extra={
            "event_date": {"date": "2022-01-06", "precision": "approximate"},
            "victims": [
                {
                    "name": " Махамбет Әбжан ",
                    "sex": "male",
                    "age": {"number": 35, "approximate": True},
                },
                {"name": "prefer_not", "sex": "unknown", "age": 1988},
                "not a person",
            ],
        }
    ).to_json(case_id)

    first, second, third = people_of(
        case_id, "detention", document, received_day=dt.date(2022, 1, 9)
    )

    assert first == PersonRecord(
        case_id,
        1,
        "detention",
        "Махамбет Әбжан",
        "male",
        35,
        True,
        1987,
        DaySpan(dt.date(2021, 12, 30), dt.date(2022, 1, 13)),
        dt.date(2022, 1, 9),
        "almaty",
    )
    assert (second.name, second.sex, second.birth_year, second.age) == ("", None, 1988, 34)
    assert (third.index, third.name, third.region) == (3, "", "almaty")
    assert first.key == f"{case_id}.1"


def test_people_of_names_the_witness_when_it_happened_to_them() -> None:
    case_id = new_object_id()
    answers = {"reporter_role": "self", "reporter_name": "Махамбет Әбжан", "anonymous": "no"}
    document = CaseDocument("ill_treatment", 1, "ru", answers, SUBMITTED).to_json(case_id)
    assert [p.name for p in people_of(case_id, "ill_treatment", document)] == ["Махамбет Әбжан"]


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"answers": []},
        {"answers": {"victims": "Махамбет"}},
        {"answers": {"victims": [None, 3]}, "submitted_at": "yesterday"},
        {
            "answers": {
                "event_date": {"date": "2022-13-45"},
                "place": "almaty",
                "victims": [{"age": True}],
            }
        },
        {
            "answers": {
                "event_date": {"date": 2022},
                "victims": [{"name": ["x"], "age": {"number": "35"}}],
            }
        },
    ],
)
def test_people_of_reads_a_document_of_another_shape_without_failing(document: Any) -> None:
    people = people_of(new_object_id(), "detention", document)
    assert all(p.name == "" and p.age is None and p.seen is None for p in people)
    assert people_of(new_object_id(), "addendum", {"answers": {"full_name": "X Y"}}) == []


# --- Groups and decisions ------------------------------------------------------------------


def test_a_group_id_is_derived_from_its_members_and_a_case_in_two_groups_shows_both() -> None:
    case_id = new_object_id()
    two = detention(
        extra={"victims": [{"name": "Махамбет Әбжан"}, {"name": "Серік Нұрланов"}]}
    ).to_json(case_id)
    mahambet, serik = person("Makhambet Abzhan"), person("Serik Nurlanov")

    groups = together(people_of(case_id, "detention", two), mahambet, serik)

    assert len(groups) == 2
    assert {g.id for g in groups} == {
        group_id([f"{case_id}.1", mahambet[0].key]),
        group_id([f"{case_id}.2", serik[0].key]),
    }
    assert groups_by_case(groups)[case_id] == "; ".join(sorted(g.id for g in groups))
    assert all(len(g.id) == 12 for g in groups)


def three_reports() -> tuple[list[SamePersonGroup], list[str]]:
    people = [
        person("Махамбет Әбжан", age=34),
        person("Махамбет Абжан"),
        person("Makhambet Abzhan"),
    ]
    return together(*people), [p[0].case_id for p in people]


def test_rejecting_a_grouping_splits_it_and_the_others_stay() -> None:
    groups, (a, b, c) = three_reports()

    after = apply_decisions(groups, {frozenset({a, b}): False})

    assert len(after) == 1
    assert after[0].case_ids in ({a, c}, {b, c})
    assert not after[0].confirmed


def test_rejecting_a_group_by_its_id_dissolves_it() -> None:
    groups, _ = three_reports()
    assert apply_decisions(groups, {groups[0].id: False}) == []
    assert apply_decisions(groups, {"no-such-group": False}) == groups


def test_confirming_a_grouping_marks_it_and_keeps_it_when_it_grows() -> None:
    groups, (a, b, c) = three_reports()

    confirmed = apply_decisions(groups, {frozenset({a, b, c}): True})
    grown = apply_decisions(groups, {frozenset({a, b}): True})
    kept = apply_decisions(groups, {frozenset({a, b}): True, frozenset({a, c}): False})

    assert [g.confirmed for g in confirmed] == [True]
    assert [(g.case_ids, g.confirmed) for g in grown] == [(frozenset({a, b, c}), False)]
    assert [(g.case_ids, g.confirmed) for g in kept] == [(frozenset({a, b}), True)]


def test_a_person_a_rejection_frees_may_join_another_group() -> None:
    """Given a 34-year-old and a 60-year-old of one name, and a report without age, grouped
    with the 34-year-old; when a reviewer says that report is not about him, it is offered
    with the 60-year-old instead."""
    young, ageless, old = (
        person("Махамбет Әбжан", age=34),
        person("Makhambet Abzhan"),
        person("Махамбет Абжан", age=60),
    )
    people = [*young, *ageless, *old]
    no = {frozenset({young[0].case_id, ageless[0].case_id}): False}

    groups = possible_same_person(people, decisions=no)

    assert [g.case_ids for g in groups] == [{ageless[0].case_id, old[0].case_id}]


def test_a_person_listed_twice_is_refused() -> None:
    one = person("Махамбет Әбжан")
    with pytest.raises(DuplicatePerson):
        possible_same_person([*one, *one])


# --- Properties ----------------------------------------------------------------------------

GIVEN = ("Махамбет", "Makhambet", "Мархабат", "Айгүл", "Aigul", "Ерлан", "Yerlan", "М.", "А.")
FAMILY = (
    "Әбжан",
    "Абжан",
    "Абжанов",
    "Abzhanova",
    "Әбжанқызы",
    "Абжанұлы",
    "Сапар",
    "Saparov",
    "Ерланович",
    "Ерлановна",
    "Серикович",
    "Нұрланов",
    "Nurlanova",
    "Ivanov",
    "Петров",
)
names = st.lists(st.sampled_from(GIVEN + FAMILY), min_size=0, max_size=4).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(names, names)
def test_names_that_match_always_share_a_block_key(first: str, second: str) -> None:
    """The blocking that makes 100,000 people fast loses no match a full comparison finds."""
    a, b = normalise_name(first), normalise_name(second)
    if compare_names(a, b) is not None:
        assert set(block_keys(a)) & set(block_keys(b))
    assert (compare_names(a, b) is None) == (compare_names(b, a) is None)


facts = st.fixed_dictionaries(
    {
        "age": st.sampled_from([None, 33, 34, 36, 60, {"number": 35, "approximate": True}]),
        "sex": st.sampled_from([None, "male", "female"]),
        "last_seen": st.sampled_from([None, "2022-01-06", "2022-01-15", "2022-03-01"]),
        "region": st.sampled_from([None, "almaty", "abai"]),
    }
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(names, facts), min_size=2, max_size=12), st.randoms())
def test_grouping_does_not_depend_on_the_order_cases_are_read(
    reports: list[tuple[str, dict[str, Any]]], shuffle: random.Random
) -> None:
    people = [p for name, fact in reports for p in person(name, **fact)]
    groups = possible_same_person(people)
    shuffle.shuffle(people)
    assert possible_same_person(people) == groups
    for group in groups:
        assert len(group.case_ids) == len(group.members)
