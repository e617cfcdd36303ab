"""How the desk hands a witness's file to the browser: by what its bytes are, never its name.

A witness (or a forger who sealed a case to the reviewers' keys) chooses a file's name and its
claimed MIME type, so neither decides how the browser treats it. An image is shown inline only
when its first bytes say it is a JPEG, PNG, GIF or WebP (never SVG, which can carry script);
everything else is a download of type application/octet-stream. Either way the response names
the file in `Content-Disposition` with a plain name, and `nosniff` stops the browser guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from storage.defuse import safe_file_name

_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
DOWNLOAD_TYPE = "application/octet-stream"


def image_type(head: bytes) -> str | None:
    """The image type the bytes begin with, or None: the only types shown inline."""
    for magic, mime in _IMAGE_MAGIC:
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@dataclass(frozen=True)
class Delivery:
    """The headers a file is served with."""

    content_type: str
    disposition: str
    inline: bool


def delivery(index: int, name: str, kind: str, head: bytes) -> Delivery:
    """How to serve attachment number `index` whose plaintext starts with `head`."""
    mime = image_type(head)
    disposition = safe_disposition(safe_file_name(index, name, kind), inline=mime is not None)
    return Delivery(mime or DOWNLOAD_TYPE, disposition, mime is not None)


def safe_disposition(plain_name: str, *, inline: bool = False) -> str:
    """`Content-Disposition` for a name already made plain (`safe_file_name`): an ASCII
    fallback plus RFC 5987's UTF-8 form, so Kazakh and Russian names survive."""
    how = "inline" if inline else "attachment"
    ascii_name = plain_name.encode("ascii", "replace").decode().replace("?", "_")
    return f"{how}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(plain_name, safe='')}"
