"""Finding reports about the same person: blocked grouping against comparing every pair.

    .venv/bin/python -m bench.sameperson_bench [--people N] [--naive N] [--seed S]

Made-up people with Kazakh names (common names far more common, as in life), each reported
one to three times in Kazakh, Russian or Latin spelling, with ages, dates over three years and
regions. `possible_same_person` runs on `--people`; the baseline, the same comparison over
every pair, runs on the first `--naive` people only (it is quadratic), and on those the two
must find the same groups. Prints one JSON object per result; CPU-bound, no I/O.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from anyascii import anyascii

from storage.casepeople import DaySpan, PersonRecord
from storage.sameperson import (
    MAX_DAYS,
    SamePersonGroup,
    _group,
    _link,
    _Verdicts,
    normalise_name,
    possible_same_person,
)

_MEN = (
    "Нұрлан Ерлан Серік Асқар Дәурен Бауыржан Мұрат Ержан Қайрат Арман Жандос Нұржан "
    "Айдос Ғалым Бекзат Дархан Ермек Мақсат Олжас Талғат Әділет Дидар Еркін Жанболат "
    "Мағжан Ақжол Бақытжан Болат Нұрсұлтан Темірлан Әлихан Жасұлан Махамбет Қуаныш "
    "Төлеген Рүстем Ілияс"
)
MEN = _MEN.split()
_WOMEN = (
    "Айгүл Гүлнар Динара Әсел Жанар Сәуле Айжан Мадина Ләззат Жұлдыз Гүлмира Айнұр Шынар "
    "Ақмарал Әйгерім Назерке Салтанат Томирис Іңкәр Дана Ұлжан Мөлдір Қарлығаш Меруерт"
)
WOMEN = _WOMEN.split()
_ROOTS = (
    "Әбжан Сапар Нұрлан Қасым Төлеу Жақсылық Серік Оспан Мұхтар Ахмет Бейсен Жұмабай Есім "
    "Құдайберген Әбдірахман Ермек Сұлтан Жүсіп Тұрсын Қалиев Ибрай Сейіт Омар Бекет Шора "
    "Дәулет Байжан Исабек Қожахмет Мырзахмет Ыдырыс Рахым Әлім Нұрпейіс Сәрсен Темір "
    "Жаңабыл"
)
ROOTS = _ROOTS.split()
_PARTS = "бай бек жан ғали тай хан мұрат сұлтан"
"""Second halves of Kazakh names (Нұрбек, Әбжанғали): with the lists above, some tens of
thousands of full names, about as varied as a country's reports."""
PARTS = _PARTS.split()
REGIONS = ("almaty", "astana", "shymkent", "mangystau", "jambyl", "karaganda", None)
RUSSIAN = str.maketrans("әғқңөұүһі", "агкноуухи")


def _zipf(items: list[str], rng: random.Random) -> str:
    """A common name far more often than a rare one, as in a real population."""
    weights = [1 / (rank + 1) for rank in range(len(items))]
    return rng.choices(items, weights)[0]


def _spelling(given: str, root: str, female: bool, rng: random.Random) -> str:
    """One way a witness writes the name: Kazakh, Russian, or Latin, surname with or without
    the Russian ending, sometimes surname first."""
    ending = rng.choice(("", "ова" if female else "ов", "қызы" if female else "ұлы"))
    words = [given, root + ending]
    script = rng.choice(("kk", "ru", "en"))
    if script != "kk":
        words = [w.translate(RUSSIAN) for w in words]
    if script == "en":
        words = [anyascii(w) for w in words]
    if rng.random() < 0.2:
        words.reverse()
    return " ".join(words)


def make_people(count: int, seed: int) -> list[PersonRecord]:
    rng = random.Random(seed)
    people: list[PersonRecord] = []
    start = dt.date(2022, 1, 1)
    while len(people) < count:
        female = rng.random() < 0.3
        given, root = _zipf(WOMEN if female else MEN, rng), _zipf(ROOTS, rng)
        given += rng.choice(PARTS) if not female and rng.random() < 0.5 else ""
        root += rng.choice(PARTS) if rng.random() < 0.7 else ""
        born = rng.randint(1950, 2005)
        seen = start + dt.timedelta(days=rng.randint(0, 3 * 365))
        region = rng.choice(REGIONS)
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            day = seen + dt.timedelta(days=rng.randint(0, 5))
            people.append(
                PersonRecord(
                    case_id=f"{len(people):032x}",
                    index=1,
                    form_id="missing_person",
                    name=_spelling(given, root, female, rng),
                    sex=rng.choice(("female" if female else "male", None)),
                    age=2022 - born,
                    birth_year=born + rng.choice((0, 0, 1, -1)),
                    seen=DaySpan(day, day),
                    received_day=day,
                    region=region if rng.random() < 0.8 else None,
                )
            )
    return people[:count]


def naive(people: list[PersonRecord]) -> list[SamePersonGroup]:
    """The baseline: every pair compared, then grouped the same way."""
    records = {p.key: p for p in people}
    names = {p.key: name for p in people if (name := normalise_name(p.name))}
    links = [
        link
        for a, b in combinations(sorted(names), 2)
        if (link := _link(records[a], names[a], records[b], names[b], MAX_DAYS)) is not None
    ]
    return _group(records, links, MAX_DAYS, _Verdicts())


@dataclass(frozen=True)
class Timing:
    wall_s: float
    cpu_s: float
    """This process's CPU time: what the work costs even when others share the machine."""


def timed(run: Callable[[], list[SamePersonGroup]]) -> tuple[Timing, list[SamePersonGroup]]:
    wall, cpu = time.perf_counter(), time.process_time()
    groups = run()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu), groups


def report(result: dict[str, Any]) -> None:
    print(json.dumps(result, ensure_ascii=False), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--naive", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()

    people = make_people(args.people, args.seed)
    small = people[: args.naive]
    blocked_t, blocked = timed(lambda: possible_same_person(small))
    naive_t, baseline = timed(lambda: naive(small))
    report(
        {
            "bench": "sameperson_vs_naive",
            "people": len(small),
            "blocked_wall_s": round(blocked_t.wall_s, 3),
            "blocked_cpu_s": round(blocked_t.cpu_s, 3),
            "naive_wall_s": round(naive_t.wall_s, 3),
            "naive_cpu_s": round(naive_t.cpu_s, 3),
            "groups": len(blocked),
            "same_groups": blocked == baseline,
        }
    )
    timing, groups = timed(lambda: possible_same_person(people))
    report(
        {
            "bench": "sameperson",
            "people": len(people),
            "wall_s": round(timing.wall_s, 2),
            "cpu_s": round(timing.cpu_s, 2),
            "people_per_cpu_s": round(len(people) / timing.cpu_s),
            "groups": len(groups),
            "grouped_people": sum(len(g.members) for g in groups),
            "largest_group": max((len(g.members) for g in groups), default=0),
            "naive_estimate_cpu_s": round(naive_t.cpu_s * (len(people) / max(len(small), 1)) ** 2),
        }
    )
    return 0 if blocked == baseline else 1


if __name__ == "__main__":
    raise SystemExit(main())
