"""Telegram's HTML parse mode, accepted and refused the way the Bot API does it.

Witness text that reaches a `parse_mode=HTML` message unescaped is the bug this exists to catch:
Telegram refuses the whole message ("can't parse entities"), so the witness sees nothing. The
scanner follows tdlib's `parse_html` (td/telegram/MessageEntity.cpp): the same tags, the same
error texts and byte offsets. Like tdlib it keeps an `&` that does not start a known entity
(`&amp;` `&lt;` `&gt;` `&quot;` or a numeric one) as a literal character; only `<` is fatal.

Simplifications: link URLs are not validated and `<code class="language-…">` inside `<pre>`
yields plain `pre` and `code` entities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_SPACE = frozenset(b" \t\r\n\v\f\0")
_SPECIAL = re.compile(rb"[<&]")
_NAMED_ENTITIES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; the message says where, in tdlib's words."""


@dataclass(frozen=True, slots=True)
class ParsedText:
    """What the recipient's phone shows: plain text plus formatting entities."""

    text: str
    """The text with tags removed and character references decoded."""
    entities: tuple[dict[str, Any], ...]
    """Bot API `MessageEntity` objects, offsets and lengths in UTF-16 code units."""


@dataclass(slots=True)
class _OpenTag:
    name: str
    argument: str
    byte_offset: int
    utf16_offset: int
    result_len: int


def _utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class _Scanner:
    """A byte cursor that reads NUL past the end, as tdlib's NUL-terminated strings do."""

    def __init__(self, source: bytes) -> None:
        self.b = source
        self.i = 0

    def at(self, offset: int = 0) -> int:
        pos = self.i + offset
        return self.b[pos] if pos < len(self.b) else 0

    def skip_spaces(self) -> None:
        while self.at() != 0 and self.at() in _SPACE:
            self.i += 1

    def skip_name(self, *stops: int) -> None:
        while self.at() not in _SPACE and self.at() not in stops:
            self.i += 1

    def char_reference(self) -> str | None:
        """Decode `&…;` at the cursor and move past it; None (cursor kept) if it is not one."""
        b, pos = self.b, self.i + 1
        if self.at(1) == ord("#"):
            pos += 1
            hexadecimal = self.at(2) == ord("x")
            pos += hexadecimal
            start = pos
            digits = b"0123456789abcdefABCDEF" if hexadecimal else b"0123456789"
            while pos < len(b) and b[pos] in digits:
                pos += 1
            code = int(b[start:pos], 16 if hexadecimal else 10) if pos > start else 0
            if code == 0 or code >= 0x10FFFF or pos - self.i >= 10:
                return None
            if 0xD800 <= code <= 0xDFFF:
                raise HtmlParseError(
                    "Text contains invalid Unicode characters after decoding HTML entities, "
                    "check for unmatched surrogate code units"
                )
            char = chr(code)
        else:
            start = pos
            while pos < len(b) and chr(b[pos]).isalpha() and b[pos] < 0x80:
                pos += 1
            named = _NAMED_ENTITIES.get(b[start:pos])
            if named is None:
                return None
            char = named
        self.i = pos + 1 if pos < len(b) and b[pos] == ord(";") else pos
        return char


def parse_html(source: str) -> ParsedText:
    """Parse `source` as Telegram HTML, or raise `HtmlParseError` with tdlib's description."""
    if "<" not in source and "&" not in source:
        return ParsedText(source, ())
    sc = _Scanner(source.encode("utf-8"))
    out: list[str] = []
    utf16 = 0
    result_len = 0
    open_tags: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []
    while sc.i < len(sc.b):
        match = _SPECIAL.search(sc.b, sc.i)
        end = match.start() if match else len(sc.b)
        if end > sc.i:
            chunk = sc.b[sc.i : end].decode("utf-8", "replace")
            out.append(chunk)
            utf16 += _utf16_len(chunk)
            result_len += len(chunk)
            sc.i = end
            continue
        if sc.at() == ord("&"):
            char = sc.char_reference()
            if char is None:
                char = "&"
                sc.i += 1
            out.append(char)
            utf16 += _utf16_len(char)
            result_len += 1
            continue
        if sc.at(1) != ord("/"):
            open_tags.append(_start_tag(sc, utf16, result_len))
            continue
        tag = _end_tag(sc, open_tags)
        length = utf16 - tag.utf16_offset
        if length > 0:
            inner = "".join(out)[tag.result_len :]
            entities.append(_entity(tag, length, inner))
    if open_tags:
        raise HtmlParseError(
            f'Can\'t find end tag corresponding to start tag "{open_tags[-1].name}"'
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), tuple(entities))


def _start_tag(sc: _Scanner, utf16: int, result_len: int) -> _OpenTag:
    begin = sc.i
    sc.i += 1
    sc.skip_name(ord(">"))
    if sc.at() == 0:
        raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
    name = sc.b[begin + 1 : sc.i].decode("utf-8", "replace").lower()
    if name not in _ENTITY_TYPES:
        raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {begin}')
    argument = ""
    while sc.at() != ord(">"):
        sc.skip_spaces()
        if sc.at() == ord(">"):
            break
        attr_begin = sc.i
        sc.skip_name(ord("="), ord(">"))
        attr = sc.b[attr_begin : sc.i].decode("utf-8", "replace")
        if not attr:
            raise HtmlParseError(f'Empty attribute name in the tag "{name}" at byte offset {begin}')
        sc.skip_spaces()
        if sc.at() != ord("="):
            if name == "blockquote" and attr == "expandable":
                argument = "1"
                continue
            raise HtmlParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{name}" at byte offset {begin}'
            )
        sc.i += 1
        sc.skip_spaces()
        if sc.at() == 0:
            raise HtmlParseError(f'Unclosed start tag "{name}" at byte offset {begin}')
        value = _attribute_value(sc)
        if sc.at() == 0:
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
        argument = _tag_argument(name, attr, value, argument)
    sc.i += 1
    if name == "span" and argument != "spoiler":
        raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
    return _OpenTag(name, argument, begin, utf16, result_len)


def _attribute_value(sc: _Scanner) -> str:
    quote = sc.at()
    if quote not in (ord("'"), ord('"')):
        token_begin = sc.i
        while (chr(sc.at()).isalnum() and sc.at() < 0x80) or sc.at() in b".-":
            sc.i += 1
        if sc.at() not in _SPACE and sc.at() != ord(">"):
            raise HtmlParseError(f"Unexpected end of name token at byte offset {token_begin}")
        return sc.b[token_begin : sc.i].decode("utf-8", "replace").lower()
    sc.i += 1
    value: list[str] = []
    while sc.at() not in (quote, 0):
        char = sc.char_reference() if sc.at() == ord("&") else None
        if char is None:
            start = sc.i
            sc.i += 1
            while sc.at() not in (quote, 0, ord("&")):
                sc.i += 1
            char = sc.b[start : sc.i].decode("utf-8", "replace")
        value.append(char)
    if sc.at() == quote:
        sc.i += 1
    return "".join(value)


def _tag_argument(tag: str, attr: str, value: str, current: str) -> str:
    if (tag == "a" and attr == "href") or (tag == "tg-emoji" and attr == "emoji-id"):
        return value
    if tag == "code" and attr == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and attr == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    return current


def _end_tag(sc: _Scanner, open_tags: list[_OpenTag]) -> _OpenTag:
    begin = sc.i
    if not open_tags:
        raise HtmlParseError(f"Unexpected end tag at byte offset {begin}")
    sc.i += 2
    sc.skip_name(ord(">"))
    end_name = sc.b[begin + 2 : sc.i].decode("utf-8", "replace")
    sc.skip_spaces()
    if sc.at() != ord(">"):
        raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
    sc.i += 1
    expected = open_tags[-1].name
    if end_name and end_name != expected:
        raise HtmlParseError(
            f'Unmatched end tag at byte offset {begin}, expected "</{expected}>", '
            f'found "</{end_name}>"'
        )
    tag = open_tags.pop()
    if tag.name == "tg-emoji" and not tag.argument.isdigit():
        raise HtmlParseError("Invalid custom emoji identifier specified")
    return tag


def _entity(tag: _OpenTag, length: int, inner: str) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "type": _ENTITY_TYPES[tag.name],
        "offset": tag.utf16_offset,
        "length": length,
    }
    if tag.name == "a":
        entity["url"] = tag.argument or inner
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.argument
    elif tag.name == "blockquote" and tag.argument:
        entity["type"] = "expandable_blockquote"
    return entity
