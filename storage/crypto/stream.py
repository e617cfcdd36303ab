"""Attachment sealing as a stream of fixed-size chunks (the STREAM construction `age` uses).

A photo or a video can be large; sealing it whole would hold it in memory twice. Instead the
plaintext is cut into CHUNK_SIZE pieces, each sealed with AES-256-GCM under the attachment's
data key with nonce = 11-byte big-endian chunk counter || 1-byte final flag. Because the
counter is in the nonce, reordered or swapped chunks fail; because only the last chunk carries
the final flag, a stream cut short (or extended) fails too. Memory is one chunk whatever the
file size. Layout: docs/FORMAT.md (section 4).

Who can decrypt what: the data key is wrapped to the reviewers exactly as a case body's is
(`storage.crypto.envelope`), so only they can open an attachment.

One call each way: `seal_chunks(pieces, ChunkSealer(recipients, attachment_id))` and
`open_chunks(chunks, data_key, attachment_id)`; every failure to open is `TamperedAttachment`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage.crypto.envelope import (
    FORMAT_VERSION,
    KeyStanza,
    TamperedCase,
    new_data_key,
    wrap_for_all,
)
from storage.crypto.keys import ReviewerPublicKey

CHUNK_SIZE = 64 * 1024
TAG_BYTES = 16
ATTACHMENT_MAGIC = b"KGRA"
_MAX_CHUNKS = 1 << 88


class TamperedAttachment(TamperedCase):
    """Every failure to open an attachment: a chunk altered, reordered, moved from another
    attachment, missing, or added after the final one. A `TamperedCase`, so whoever opens
    cases and their attachments handles both alike."""


def _nonce(counter: int, final: bool) -> bytes:
    if counter >= _MAX_CHUNKS:
        raise OverflowError("attachment too large for the chunk counter")
    return counter.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def _associated_data(attachment_id: str) -> bytes:
    """Binds every chunk to its attachment, so chunks cannot move between attachments."""
    return ATTACHMENT_MAGIC + bytes([FORMAT_VERSION]) + attachment_id.encode("ascii")


class ChunkSealer:
    """Seals one attachment incrementally: feed bytes with `update`, end with `finish`.

    It also hashes the plaintext as received (SHA-256), which goes into the sealed case so a
    reviewer can show the file is the one the witness sent.
    """

    def __init__(self, recipients: Sequence[ReviewerPublicKey], attachment_id: str) -> None:
        data_key = new_data_key()
        self.stanzas: tuple[KeyStanza, ...] = wrap_for_all(data_key, recipients, attachment_id)
        self._aead: AESGCM | None = AESGCM(data_key)
        self._aad = _associated_data(attachment_id)
        self._buffer = bytearray()
        self._counter = 0
        self._sha256 = hashlib.sha256()
        self.size = 0

    def update(self, data: bytes) -> list[bytes]:
        """Sealed chunks completed by `data`; a full chunk is held back until more arrives,
        because only then is it known not to be the final one."""
        self._sha256.update(data)
        self.size += len(data)
        view = memoryview(data)
        out: list[bytes] = []
        if self._buffer:
            need = CHUNK_SIZE - len(self._buffer)
            self._buffer += view[:need]
            view = view[need:]
            if not view:
                return out
            out.append(self._seal(self._buffer, final=False))
            self._buffer = bytearray()
        # Seal straight from the caller's bytes: no copying, no shifting of a buffer.
        while len(view) > CHUNK_SIZE:
            out.append(self._seal(view[:CHUNK_SIZE], final=False))
            view = view[CHUNK_SIZE:]
        self._buffer += view
        return out

    def finish(self) -> bytes:
        """The final chunk; afterwards the data key is dropped."""
        chunk = self._seal(bytes(self._buffer), final=True)
        self._buffer.clear()
        self._aead = None
        return chunk

    @property
    def sha256(self) -> str:
        return self._sha256.hexdigest()

    def _seal(self, plain: bytes | bytearray | memoryview, *, final: bool) -> bytes:
        if self._aead is None:
            raise RuntimeError("the attachment is already finished")
        sealed = self._aead.encrypt(_nonce(self._counter, final), plain, self._aad)
        self._counter += 1
        return sealed


def seal_chunks(chunks: Iterable[bytes], sealer: ChunkSealer) -> Iterator[bytes]:
    """Sealed chunks of a plaintext stream (any piece sizes), ending with the final chunk."""
    for piece in chunks:
        yield from sealer.update(piece)
    yield sealer.finish()


class ChunkOpener:
    """Opens one attachment's chunks in order; the caller says which chunk is the last.

    The final flag is taken from the stream's shape (the last stored chunk), so a stream
    missing its tail authenticates its new last chunk as final — and fails.
    """

    def __init__(self, data_key: bytes, attachment_id: str) -> None:
        self._aead = AESGCM(data_key)
        self._aad = _associated_data(attachment_id)
        self._counter = 0

    def open(self, chunk: bytes, *, final: bool) -> bytes:
        if not final and len(chunk) != CHUNK_SIZE + TAG_BYTES:
            raise TamperedAttachment("a chunk before the last is not full-sized")
        try:
            plain = self._aead.decrypt(_nonce(self._counter, final), chunk, self._aad)
        except InvalidTag:
            raise TamperedAttachment("an attachment chunk does not authenticate") from None
        self._counter += 1
        return plain


def open_chunks(chunks: Iterable[bytes], data_key: bytes, attachment_id: str) -> Iterator[bytes]:
    """Plaintext pieces of a sealed stream; `TamperedAttachment` on any alteration or cut."""
    opener = ChunkOpener(data_key, attachment_id)
    iterator = iter(chunks)
    current = next(iterator, None)
    if current is None:
        raise TamperedAttachment("attachment has no chunks")
    while current is not None:
        following = next(iterator, None)
        yield opener.open(current, final=following is None)
        current = following
