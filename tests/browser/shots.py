"""Checking a screenshot without an imaging library: a PNG whose pixels are not all alike."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def distinct_bytes(png_file: Path) -> int:
    """How many different byte values the decoded pixel rows hold (1 or 2 for a blank page)."""
    data = png_file.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n"), "not a PNG"
    position, idat = 8, b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        if kind == b"IDAT":
            idat += data[position + 8 : position + 8 + length]
        position += 12 + length
    return len(set(zlib.decompress(idat)))


def assert_not_blank(png_file: Path) -> None:
    assert png_file.stat().st_size > 5000, f"{png_file} is tiny"
    assert distinct_bytes(png_file) > 40, f"{png_file} looks blank"
