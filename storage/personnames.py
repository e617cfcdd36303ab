"""People's names folded so that one person written three ways reads as one name.

A relative in Almaty types "Махамбет Әбжан", another "Махамбет Абжанов", a colleague abroad
"Makhambet Abzhan". Each name becomes a few `NameWord`s: a phonetic *root* (an ASCII skeleton
in which the spellings of one sound coincide) and the *ending* cut off it (-ов, -ова, -ұлы,
-қызы, -ович, -овна), because Kazakh surnames are written with and without the Russian ending
and a woman's form must not be taken for a man's.

Three steps, each for a reason:

1. Kazakh letters become the Russian letters a Russian speaker writes for them (ә→а, ғ→г,
   қ→к, ң→н, ө→о, ұ→у, ү→у, һ→х, і→и): what a relative writing in Russian, and Kazakh
   passports (ә→A, қ→K, ң→N), do. Written here, not left to the transliteration table,
   which renders қ as "q", ң as "ng" and ғ as "gh" (the Kazakh Latin alphabets' choices),
   none of which a Russian-language or passport spelling contains.
2. Everything becomes ASCII through `anyascii` (ISC licence, no dependencies, pure Python):
   Russian Cyrillic, the Kazakh Latin alphabets' diacritics (Äbjan, Şoqan, ǵ, ń, ú, ı) and
   any other script a name arrives in. A table of our own would be a second, smaller copy of it.
3. ASCII spellings of one sound coincide: zh/j/dzh/dj → j, kh → h, gh → g, q → k, shch → sh,
   ts → c, ye → e, y → i (so Yu/Iu, Ya/Ia, Yerlan/Erlan), doubled letters once. English
   phonetic keys (Soundex, Metaphone in `jellyfish`) are built for English surnames and would
   fold Kazakh names that differ (Soundex drops every vowel); this skeleton keeps them.

Pure functions of the text; nothing here logs or stores a name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from anyascii import anyascii

_KAZAKH = str.maketrans("әғқңөұүһіёй", "агкноуухиеи")
"""Kazakh letters as Russian writes them (step 1), with ё→е and й→и as Russian itself
varies. Applied to lower case only: `fold` lowers first."""

_SOUNDS = (
    (re.compile(r"shch|sch"), "sh"),
    (re.compile(r"dzh|dj|zh"), "j"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"tch"), "ch"),
    (re.compile(r"ts|tz"), "c"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck|q"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"w"), "v"),
    (re.compile(r"ye"), "e"),
    (re.compile(r"y"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
)
"""Step 3, in order: longer spellings before the shorter ones inside them."""

_NOT_LETTERS = re.compile(r"[^a-z]+")
_WORDS = re.compile(r"[^\W\d_]+")


class Ending(StrEnum):
    """What was cut off a word's root: how Kazakh and Russian mark surname and patronymic."""

    BARE = ""
    OV = "ov"
    """-ов / -ев: the Russian form of a man's surname (Абжанов)."""
    OVA = "ova"
    """-ова / -ева: a woman's."""
    ULY = "uly"
    """-ұлы "son of": a patronymic, or the surname a man chose instead of -ов."""
    KYZY = "kyzy"
    """-қызы "daughter of"."""
    OVICH = "ovich"
    """-ович / -евич: a Russian-style patronymic."""
    OVNA = "ovna"

    @property
    def sex(self) -> str | None:
        """Whose name the ending can be: a -ова is never a man's, a -ұлы never a woman's."""
        if self in (Ending.OV, Ending.ULY, Ending.OVICH):
            return "male"
        if self in (Ending.OVA, Ending.KYZY, Ending.OVNA):
            return "female"
        return None

    @property
    def patronymic(self) -> bool:
        """A father's name (-ович, -овна): often left out, so never required to match."""
        return self in (Ending.OVICH, Ending.OVNA)


_ENDINGS = (
    ("ovich", Ending.OVICH),
    ("evich", Ending.OVICH),
    ("ovna", Ending.OVNA),
    ("evna", Ending.OVNA),
    ("kizi", Ending.KYZY),
    ("uli", Ending.ULY),
    ("ova", Ending.OVA),
    ("eva", Ending.OVA),
    ("ov", Ending.OV),
    ("ev", Ending.OV),
)
"""Endings as they look after folding (қызы → kizi, ұлы → uli), longest first."""

_MIN_ROOT = 3
"""A shorter remainder was never a surname with an ending: Лев is not Л-ев."""

_INITIALS = frozenset({"sh", "ch"})
"""Two-letter skeletons that are one letter in Cyrillic (Ш., Ч.), so an initial."""


@lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """One word's phonetic skeleton: lower-case ASCII letters, one spelling per sound.

    Cached: given names and common surnames recur across thousands of reports. The cache
    lives in the reviewer's process only, as the decrypted cases themselves do."""
    text = unicodedata.normalize("NFC", word).lower().translate(_KAZAKH)
    text = _NOT_LETTERS.sub("", anyascii(text).lower())
    for pattern, replacement in _SOUNDS:
        text = pattern.sub(replacement, text)
    return text


_FILLER_WORDS = (
    # ru
    "не знаю неизвестно неизвестен неизвестна нет имя имени фамилия фамилию отчество или "
    "и тоже также как зовут возможно примерно аноним "
    # kk
    "білмеймін белгісіз жоқ аты тегі әкесінің немесе және мүмкін "
    # en
    "unknown name surname first last not known dont know or and aka also as maybe anonymous"
)
_FILLER = frozenset(fold(w) for w in _FILLER_WORDS.split())
"""Words people type around or instead of a name ("фамилию не знаю", "аты белгісіз"): never
part of one, or two reports that both say "unknown" would look like the same person."""


@dataclass(frozen=True, order=True)
class NameWord:
    """One word of a name, folded."""

    root: str
    """The skeleton without its ending: абжанов, Абжан and Әбжанұлы all have "abjan"."""
    ending: Ending = Ending.BARE
    initial: bool = False
    """"М." or "Zh": only its first sound is known."""

    @property
    def full(self) -> bool:
        """A whole word that is not a patronymic: what a match is anchored on."""
        return not self.initial and not self.ending.patronymic


@dataclass(frozen=True)
class PersonName:
    """A name as `normalise_name` reads it; empty when nothing in it is a name."""

    words: tuple[NameWord, ...] = ()

    def __bool__(self) -> bool:
        return any(w.full for w in self.words)


def normalise_name(text: str) -> PersonName:
    """The folded words of a name as typed, in the order typed; fillers and digits dropped.

    A stand-alone "ұлы" / "қызы" (Әбжан ұлы, Abzhan-kyzy) is the ending of the word before it.
    """
    words: list[NameWord] = []
    for raw in _WORDS.findall(text):
        skeleton = fold(raw)
        if not skeleton or skeleton in _FILLER:
            continue
        if skeleton in ("uli", "kizi") and words and words[-1].ending is Ending.BARE:
            ending = Ending.ULY if skeleton == "uli" else Ending.KYZY
            words[-1] = NameWord(words[-1].root, ending)
            continue
        words.append(_word(skeleton))
    return PersonName(tuple(words))


def _word(skeleton: str) -> NameWord:
    if len(skeleton) == 1 or skeleton in _INITIALS:
        return NameWord(skeleton, initial=True)
    for suffix, ending in _ENDINGS:
        if skeleton.endswith(suffix) and len(skeleton) - len(suffix) >= _MIN_ROOT:
            return NameWord(skeleton[: -len(suffix)], ending)
    return NameWord(skeleton)


def block_keys(name: PersonName) -> Iterator[tuple[str, str]]:
    """Keys two names share whenever `compare_names` can match them.

    A match needs one full word equal in both (the anchor) and one more matched word, whose
    first sound is the same in both (equal roots, a one-letter slip after the first letter,
    or an initial). So (anchor root, the other word's first sound) is shared by any matching
    pair, and grouping compares only records that share one.
    """
    for i, anchor in enumerate(name.words):
        if anchor.full:
            for j, other in enumerate(name.words):
                if j != i:
                    yield anchor.root, other.root[0]


class Likeness(StrEnum):
    """How two words of two names were matched, from surest to loosest."""

    SAME = "same"
    ENDING = "ending"
    """Same root, another ending of the same sex: Абжан / Абжанов / Әбжанұлы."""
    SPELLING = "spelling"
    """One letter apart, past the first: Махамбет / Махамбед."""
    INITIAL = "initial"


@dataclass(frozen=True)
class NameMatch:
    """Why two names may be one person's."""

    likenesses: tuple[Likeness, ...]
    """One per matched pair of words."""
    reordered: bool
    """The words were in another order (Әбжан Махамбет)."""
    extra_words: bool
    """One name has words the other lacks: a patronymic, a second given name."""


_MAX_LOOSE = 1
"""At most one pair matched by ending or spelling: Иван Петров and Петр Иванов share both
roots, but each through another ending, and are two people."""
_MIN_PAIRS = 2
"""A first name alone (Махамбет) is shared by thousands."""
_MIN_SPELLING = 4
"""A one-letter slip is forgiven from four letters on: Asan and Aset are two names."""


def compare_names(a: PersonName, b: PersonName) -> NameMatch | None:
    """Whether `a` and `b` may name one person, and how; None when they may not.

    Every word of the shorter name must match a word of the other (word order free); the
    longer may have more (another name), and a patronymic may be on one side only. At least
    two pairs, one of them two equal full words, at most one loose pair, and no man's ending
    against a woman's. When both give a patronymic, they must match: two fathers, two people.
    """
    short, long_ = sorted((a, b), key=_size)
    pairs = _pairs(short.words, long_.words)
    required = {i for i, word in enumerate(short.words) if not word.ending.patronymic}
    if not required <= {i for i, _, _ in pairs} or len(pairs) < _MIN_PAIRS:
        return None
    likeness = [kind for _, _, kind in pairs]
    anchored = any(kind is Likeness.SAME and short.words[i].full for i, _, kind in pairs)
    if not anchored or _loose(likeness) > _MAX_LOOSE:
        return None
    if not _fathers_agree(short, long_):
        return None
    order = [j for _, j, _ in sorted(pairs)]
    return NameMatch(
        likenesses=tuple(sorted(likeness)),
        reordered=order != sorted(order),
        extra_words=len(pairs) < max(len(short.words), len(long_.words)),
    )


def _size(name: PersonName) -> tuple[int, tuple[NameWord, ...]]:
    """Which of two names is the shorter: fewer words that must match, then a fixed order,
    so that comparing a with b and b with a is the same comparison."""
    return sum(not w.ending.patronymic for w in name.words), name.words


def _loose(likeness: list[Likeness]) -> int:
    return sum(kind in (Likeness.ENDING, Likeness.SPELLING) for kind in likeness)


def _pairs(
    short: tuple[NameWord, ...], long_: tuple[NameWord, ...]
) -> list[tuple[int, int, Likeness]]:
    """Words of `short` paired with free words of `long_`, surest likeness first. Greedy:
    names have a handful of words, and a surer pair never makes a looser one impossible
    that an exhaustive search would have preferred."""
    pairs: list[tuple[int, int, Likeness]] = []
    used_short: set[int] = set()
    used_long: set[int] = set()
    for kind in Likeness:
        for i, word in enumerate(short):
            if i in used_short:
                continue
            for j, other in enumerate(long_):
                if j not in used_long and _alike(word, other) is kind:
                    pairs.append((i, j, kind))
                    used_short.add(i)
                    used_long.add(j)
                    break
    return pairs


def _alike(a: NameWord, b: NameWord) -> Likeness | None:
    if a.initial or b.initial:
        if a.initial and b.initial:
            return None  # two initials say too little to pair
        full, initial = (b, a) if a.initial else (a, b)
        return Likeness.INITIAL if full.root.startswith(initial.root) else None
    if a.ending.sex and b.ending.sex and a.ending.sex != b.ending.sex:
        return None
    if a.root == b.root:
        return Likeness.SAME if a.ending is b.ending else Likeness.ENDING
    if a.root[0] == b.root[0] and min(len(a.root), len(b.root)) >= _MIN_SPELLING:
        return Likeness.SPELLING if _one_edit(a.root, b.root) else None
    return None


def _one_edit(a: str, b: str) -> bool:
    """Levenshtein distance exactly one, in linear time (we never need the distance itself)."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    prefix = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    if len(a) == len(b):
        return prefix < len(a) and a[prefix + 1 :] == b[prefix + 1 :]
    return a[prefix:] == b[prefix + 1 :]


def _fathers_agree(a: PersonName, b: PersonName) -> bool:
    fathers_a = [w for w in a.words if w.ending.patronymic]
    fathers_b = [w for w in b.words if w.ending.patronymic]
    if not fathers_a or not fathers_b:
        return True
    return any(_alike(x, y) is not None for x in fathers_a for y in fathers_b)
