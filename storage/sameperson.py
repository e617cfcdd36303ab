"""Reports that may be about the same person, found on the reviewer's laptop at decrypt time.

Two relatives register the same missing man, one in Kazakh, one in Russian; a detention report
names him in English. Only the reviewers can read names, so only their laptop can see that
these cases meet: the server never learns it. This module takes decrypted case documents and
returns groups of people from *different* cases whose names fold to the same words
(`storage.personnames`) and whose sex, age, date and region do not contradict each other.

A group is a suggestion for a reviewer, who confirms or rejects it (`apply_decisions`): a
wrong suggestion costs a minute, a missed one can leave a family searching for a man already
found. Pure: no I/O, no clock, no logging of what it compares.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from storage.casepeople import DaySpan, PersonRecord, people_of
from storage.personnames import (
    Likeness,
    NameMatch,
    PersonName,
    block_keys,
    compare_names,
    normalise_name,
)

__all__ = [
    "MAX_DAYS",
    "DaySpan",
    "Decisions",
    "DuplicatePerson",
    "GroupMember",
    "PersonRecord",
    "Reason",
    "SameLink",
    "SamePersonGroup",
    "apply_decisions",
    "group_id",
    "groups_by_case",
    "normalise_name",
    "people_of",
    "possible_same_person",
]
"""What the export and the reviewer's commands use; `casepeople` and `personnames` hold the
parts, re-exported so that one import serves."""

MAX_DAYS = 14
"""Days between two dates (last seen, detained, beaten) that may still be one person's story."""
MAX_YEARS = 2
"""Years two birth years, worked out from ages given in different years, may differ by."""
MAX_YEARS_APPROXIMATE = 5
"""The same when either age was "about": people guess a stranger's age within five years."""


class Reason(StrEnum):
    """Why two people were put in one group; shown to the reviewer beside the group."""

    SAME_NAME = "same_name"
    """Every word of the name the same after folding, in the same order."""
    NAME_WORD_ORDER = "name_word_order"
    NAME_ENDING = "name_ending"
    """A surname with and without its ending: Абжан / Абжанов / Әбжанұлы."""
    NAME_SPELLING = "name_spelling"
    """One letter apart: Махамбет / Махамбед."""
    NAME_INITIAL = "name_initial"
    NAME_EXTRA_WORDS = "name_extra_words"
    """One name has more: a patronymic, a second given name."""
    SEX = "same_sex"
    AGE = "age_compatible"
    DATE = "dates_close"
    REGION = "same_region"


@dataclass(frozen=True)
class SameLink:
    """Two people, of two cases, who may be one, and why."""

    a: str
    """Person key (`PersonRecord.key`), the smaller of the two."""
    b: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class GroupMember:
    person: PersonRecord
    reasons: tuple[Reason, ...]
    """Every reason of the links that hold this person in the group."""
    linked_to: tuple[str, ...]
    """Person keys of the members it was matched with."""


@dataclass(frozen=True)
class SamePersonGroup:
    """People of different cases who may be one person: a suggestion for a reviewer."""

    id: str
    """12 hex digits derived from the sorted member keys: the same members, the same id,
    in every export and on every reviewer's laptop."""
    members: tuple[GroupMember, ...]
    """Ordered by person key."""
    links: tuple[SameLink, ...]
    confirmed: bool = False
    """A reviewer confirmed these cases concern one person (`apply_decisions`)."""

    @property
    def case_ids(self) -> frozenset[str]:
        """What a reviewer's decision about this group names (see `apply_decisions`)."""
        return frozenset(m.person.case_id for m in self.members)


class DuplicatePerson(ValueError):
    """The same person key given twice: the caller read one case twice."""


def possible_same_person(
    people: Iterable[PersonRecord],
    *,
    decisions: Decisions | None = None,
    max_days: int = MAX_DAYS,
) -> list[SamePersonGroup]:
    """Groups of people of different cases who probably are one person, ordered by id.

    Only records sharing a name key (`personnames.block_keys`) are compared, so 100,000
    people take seconds, not the hours of comparing every pair. Linked records join one
    group, strongest links first, but never two people of one case (the witness said they
    are two) nor two whose facts contradict. With `decisions`, as `apply_decisions` says,
    and a person a rejection took out of a group may join another it is linked to.
    """
    records = _by_key(people)
    names = {key: name for key, r in records.items() if (name := normalise_name(r.name))}
    links: list[SameLink] = []
    for a, b in _candidates(records, names, max_days):
        link = _link(records[a], names[a], records[b], names[b], max_days)
        if link is not None:
            links.append(link)
    groups = _group(records, links, max_days, _Verdicts())
    if not decisions:
        return groups
    return _group(records, links, max_days, _Verdicts.of(decisions, groups))


def _by_key(people: Iterable[PersonRecord]) -> dict[str, PersonRecord]:
    records: dict[str, PersonRecord] = {}
    for person in people:
        if person.key in records:
            raise DuplicatePerson(person.key)
        records[person.key] = person
    return records


def _candidates(
    records: Mapping[str, PersonRecord], names: Mapping[str, PersonName], max_days: int
) -> Iterator[tuple[str, str]]:
    """Each pair of person keys that shares a block key and may be close enough in time,
    once, smaller key first."""
    blocks: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, name in names.items():
        for block in set(block_keys(name)):
            blocks[block].append(key)
    seen: set[tuple[str, str]] = set()
    for members in blocks.values():
        for a, b in _close_in_time([records[k] for k in members], max_days):
            pair = (a, b) if a < b else (b, a)
            if pair not in seen:
                seen.add(pair)
                yield pair


def _close_in_time(block: list[PersonRecord], max_days: int) -> Iterator[tuple[str, str]]:
    """Pairs of a block whose dates may be `max_days` apart or less: a common name's block
    holds thousands, but few of them within two weeks of each other. Sorted by first day,
    a record meets only those starting before its last day plus `max_days`; a record
    without a date meets every other."""
    dated = sorted(
        ((r.seen, r.key) for r in block if r.seen is not None),
        key=lambda item: (item[0].earliest, item[1]),
    )
    undated = [r.key for r in block if r.seen is None]
    for i, key in enumerate(undated):
        for other in (*undated[i + 1 :], *(k for _, k in dated)):
            yield key, other
    for i, (span, key) in enumerate(dated):
        horizon = span.latest + dt.timedelta(days=max_days)
        j = i + 1
        while j < len(dated) and dated[j][0].earliest <= horizon:
            yield key, dated[j][1]
            j += 1


def _link(
    a: PersonRecord, name_a: PersonName, b: PersonRecord, name_b: PersonName, max_days: int
) -> SameLink | None:
    """Why `a` and `b` may be one person, or None when their names differ or a fact does.
    People of one case are linked too: `_group` is where they are kept apart, directly
    and through others alike."""
    facts = _facts(a, b, max_days)
    match = None if facts is None else compare_names(name_a, name_b)
    if facts is None or match is None:
        return None
    return SameLink(a.key, b.key, tuple(sorted(facts | _name_reasons(match))))


def _facts(a: PersonRecord, b: PersonRecord, max_days: int) -> set[Reason] | None:
    """The facts both give that agree, or None when one contradicts: what only one report
    gives neither helps nor hurts, since a relative may not know the age."""
    reasons: set[Reason] = set()
    if a.sex in ("male", "female") and b.sex in ("male", "female"):
        if a.sex != b.sex:
            return None
        reasons.add(Reason.SEX)
    if a.birth_year is not None and b.birth_year is not None:
        approximate = a.age_approximate or b.age_approximate
        if abs(a.birth_year - b.birth_year) > (MAX_YEARS_APPROXIMATE if approximate else MAX_YEARS):
            return None
        reasons.add(Reason.AGE)
    if a.seen is not None and b.seen is not None:
        if a.seen.gap(b.seen) > max_days:
            return None
        reasons.add(Reason.DATE)
    if a.region is not None and b.region is not None:
        if a.region != b.region:
            return None
        reasons.add(Reason.REGION)
    return reasons


_LIKENESS_REASON = {
    Likeness.ENDING: Reason.NAME_ENDING,
    Likeness.SPELLING: Reason.NAME_SPELLING,
    Likeness.INITIAL: Reason.NAME_INITIAL,
}


def _name_reasons(match: NameMatch) -> set[Reason]:
    reasons = {_LIKENESS_REASON[k] for k in match.likenesses if k in _LIKENESS_REASON}
    if match.reordered:
        reasons.add(Reason.NAME_WORD_ORDER)
    if match.extra_words:
        reasons.add(Reason.NAME_EXTRA_WORDS)
    return reasons or {Reason.SAME_NAME}


_EVIDENCE = frozenset({Reason.SEX, Reason.AGE, Reason.DATE, Reason.REGION})
_LOOSE = frozenset({Reason.NAME_ENDING, Reason.NAME_SPELLING, Reason.NAME_INITIAL})


def _rank(link: SameLink) -> tuple[int, int, str, str]:
    """Strongest first: more facts agreeing, then fewer loose name matches; then by keys, so
    the grouping does not depend on the order the cases were read in."""
    evidence = sum(r in _EVIDENCE for r in link.reasons)
    loose = sum(r in _LOOSE for r in link.reasons)
    return -evidence, loose, link.a, link.b


def _group(
    records: Mapping[str, PersonRecord],
    links: Iterable[SameLink],
    max_days: int,
    verdicts: _Verdicts,
) -> list[SamePersonGroup]:
    """Join linked people, refusing a join that would put in one group two people of one
    case, two cases a reviewer said are not one person (`forbidden`), or two people whose
    facts contradict: a man of 34 and one of 60 are not one person because each was linked
    to a report that gave no age."""
    forbidden, confirmed = verdicts.forbidden, verdicts.confirmed

    def first(link: SameLink) -> tuple[bool, tuple[int, int, str, str]]:
        both = {records[link.a].case_id, records[link.b].case_id}
        return not any(both <= s for s in confirmed), _rank(link)

    def refused(a: list[PersonRecord], b: list[PersonRecord]) -> bool:
        return any(
            x.case_id == y.case_id
            or y.case_id in forbidden.get(x.case_id, ())
            or _facts(x, y, max_days) is None
            for x in a
            for y in b
        )

    root = {key: key for key in records}
    members = {key: [r] for key, r in records.items()}
    kept: list[SameLink] = []
    for link in sorted(links, key=first if confirmed else _rank):
        a, b = _find(root, link.a), _find(root, link.b)
        if a != b:
            if refused(members[a], members[b]):
                continue
            a, b = min(a, b), max(a, b)
            root[b] = a
            members[a] += members.pop(b)
        kept.append(link)
    by_root: dict[str, list[SameLink]] = defaultdict(list)
    for link in kept:
        by_root[_find(root, link.a)].append(link)
    groups = [_make_group(records, group_links, confirmed) for group_links in by_root.values()]
    return sorted(groups, key=lambda g: g.id)


def _find(root: dict[str, str], key: str) -> str:
    while root[key] != key:
        root[key] = root[root[key]]
        key = root[key]
    return key


def _make_group(
    records: Mapping[str, PersonRecord],
    links: list[SameLink],
    confirmed: tuple[frozenset[str], ...],
) -> SamePersonGroup:
    reasons: dict[str, set[Reason]] = defaultdict(set)
    linked: dict[str, set[str]] = defaultdict(set)
    for link in links:
        for this, other in ((link.a, link.b), (link.b, link.a)):
            reasons[this].update(link.reasons)
            linked[this].add(other)
    keys = sorted(reasons)
    members = tuple(
        GroupMember(records[k], tuple(sorted(reasons[k])), tuple(sorted(linked[k]))) for k in keys
    )
    case_ids = frozenset(records[k].case_id for k in keys)
    return SamePersonGroup(
        id=group_id(keys),
        members=members,
        links=tuple(sorted(links, key=lambda link: (link.a, link.b))),
        confirmed=any(case_ids <= s for s in confirmed),
    )


def group_id(person_keys: Iterable[str]) -> str:
    """A group's id from its members' person keys (not case ids: two victims of one case may
    each be in a group with the same other case, and those groups must differ)."""
    joined = "\n".join(sorted(person_keys)).encode()
    return hashlib.sha256(b"kuager/same-person\x00" + joined).hexdigest()[:12]


def groups_by_case(groups: Iterable[SamePersonGroup]) -> dict[str, str]:
    """Case id → the ids of its groups, for the export column `possible_same_person`.

    Usually one id; a detention report naming two people found elsewhere has two, joined by
    "; " as the export joins every list.
    """
    ids: dict[str, set[str]] = defaultdict(set)
    for group in groups:
        for member in group.members:
            ids[member.person.case_id].add(group.id)
    return {case_id: "; ".join(sorted(found)) for case_id, found in sorted(ids.items())}


Decisions = Mapping[frozenset[str], bool] | Mapping[str, bool] | Mapping[frozenset[str] | str, bool]
"""Reviewers' word on groupings: a group's set of case ids (`SamePersonGroup.case_ids`), or
its id, → True for "these concern one person", False for "they do not". Keep the case ids in
the event: a group's id changes when a new report joins it, its cases stay."""


@dataclass(frozen=True)
class _Verdicts:
    forbidden: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Case id → the cases a reviewer said it is not about the same person as."""
    confirmed: tuple[frozenset[str], ...] = ()

    @classmethod
    def of(cls, decisions: Decisions, groups: Iterable[SamePersonGroup]) -> _Verdicts:
        """Decisions as case ids; a group id is looked up in `groups`, and ignored if absent."""
        by_id = {g.id: g.case_ids for g in groups}
        forbidden: dict[str, frozenset[str]] = defaultdict(frozenset)
        confirmed: list[frozenset[str]] = []
        for key, same in decisions.items():
            cases = by_id.get(key, frozenset()) if isinstance(key, str) else key
            if same:
                confirmed.append(cases)
                continue
            for case_id in cases:
                forbidden[case_id] |= cases - {case_id}
        return cls(dict(forbidden), tuple(confirmed))


def apply_decisions(
    groups: Iterable[SamePersonGroup], decisions: Decisions, *, max_days: int = MAX_DAYS
) -> list[SamePersonGroup]:
    """The groups as reviewers' decisions leave them.

    Rejecting a set of cases splits them apart: no two of them stay in one group, and the
    other members follow the links they still have. Confirming marks a group `confirmed`
    when all its cases are within a confirmed set, and its links are joined first, so a link
    elsewhere cannot pull it apart. Decisions never make a group the links in `groups` do
    not: `possible_same_person(people, decisions=...)` can also offer the groupings a
    rejection leaves possible.
    """
    groups = list(groups)
    records = {m.person.key: m.person for g in groups for m in g.members}
    links = [link for g in groups for link in g.links]
    return _group(records, links, max_days, _Verdicts.of(decisions, groups))
