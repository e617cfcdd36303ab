"""Attachment streams: any size round-trips; truncation, reordering and swapping fail."""

from __future__ import annotations

import hashlib
import os

import pytest

from storage.crypto.envelope import TamperedCase, unwrap_key
from storage.crypto.keys import ReviewerPrivateKey
from storage.crypto.stream import CHUNK_SIZE, ChunkSealer, open_chunks, seal_chunks

KEY = ReviewerPrivateKey.generate()
ATT = "a" * 32


def sealed(data: bytes, attachment_id: str = ATT, piece: int = 1000) -> tuple[list[bytes], bytes]:
    sealer = ChunkSealer([KEY.public], attachment_id)
    pieces = [data[i : i + piece] for i in range(0, len(data), piece)] or [b""]
    chunks = list(seal_chunks(pieces, sealer))
    assert sealer.sha256 == hashlib.sha256(data).hexdigest()
    assert sealer.size == len(data)
    return chunks, unwrap_key(sealer.stanzas, KEY, attachment_id)


@pytest.mark.parametrize(
    "size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE, 3 * CHUNK_SIZE + 7]
)
def test_any_size_round_trips(size: int) -> None:
    data = os.urandom(size)
    chunks, key = sealed(data, piece=CHUNK_SIZE // 3 + 5)
    assert len(chunks) == max(1, -(-size // CHUNK_SIZE))
    assert b"".join(open_chunks(chunks, key, ATT)) == data


def test_dropping_the_last_chunk_is_detected() -> None:
    chunks, key = sealed(os.urandom(3 * CHUNK_SIZE + 5))
    with pytest.raises(TamperedCase):
        list(open_chunks(chunks[:-1], key, ATT))


def test_reordered_chunks_are_detected() -> None:
    chunks, key = sealed(os.urandom(3 * CHUNK_SIZE + 5))
    with pytest.raises(TamperedCase):
        list(open_chunks([chunks[1], chunks[0], *chunks[2:]], key, ATT))


def test_an_extra_chunk_after_the_last_is_detected() -> None:
    chunks, key = sealed(os.urandom(2 * CHUNK_SIZE + 5))
    with pytest.raises(TamperedCase):
        list(open_chunks([*chunks, chunks[0]], key, ATT))


def test_chunks_from_another_attachment_are_detected() -> None:
    data = os.urandom(2 * CHUNK_SIZE + 5)
    chunks, key = sealed(data)
    with pytest.raises(TamperedCase):
        list(open_chunks(chunks, key, "b" * 32))


def test_a_flipped_bit_is_detected() -> None:
    chunks, key = sealed(os.urandom(CHUNK_SIZE + 5))
    damaged = bytearray(chunks[0])
    damaged[100] ^= 1
    with pytest.raises(TamperedCase):
        list(open_chunks([bytes(damaged), chunks[1]], key, ATT))


def test_no_chunks_at_all_is_detected() -> None:
    with pytest.raises(TamperedCase):
        list(open_chunks([], bytes(32), ATT))
