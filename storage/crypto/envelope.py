"""The envelope: a case body sealed to the reviewers' public keys, and the wrapped data keys.

Who can decrypt what: a sealed object (a case body, or an attachment's stream in
`storage.crypto.stream`) is encrypted under a fresh random 256-bit data key; that data key is
wrapped with HPKE (RFC 9180) to each reviewer public key and to nothing else. The server keeps
no private key and forgets the data key as soon as the object is sealed, so neither it nor
anyone who seizes it can open what it stored. The byte layout is specified in docs/FORMAT.md
(sections 2 and 3).

Wrapped keys ("stanzas") are kept apart from the body, so that adding a reviewer later
(`reseal`) appends a stanza without touching the ciphertext the hash chain covers.

One call each way: `seal(payload, recipients, ...)` and `open_sealed(sealed, private_key, ...)`;
every failure is a `SealingError`.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage.crypto.keys import KeyKind, ReviewerPrivateKey, ReviewerPublicKey

FORMAT_VERSION = 1
CASE_MAGIC = b"KGRC"
DATA_KEY_BYTES = 32
NONCE_BYTES = 12
PAD_BLOCK = 256
"""Plaintext is padded to a multiple of this, so a body's length says little about the text."""

_WRAP_INFO = b"kuager/v1/wrap\x00"


class SealingError(Exception):
    """Every failure of sealing or opening an envelope; the subclasses say which kind."""


class NotARecipient(SealingError):
    """The object was not sealed to this private key (no stanza carries its key id)."""


class TamperedCase(SealingError):
    """The sealed bytes were altered, truncated, or do not belong where they were found.

    Every failure of authentication raises this one exception, like Fernet's InvalidToken,
    so an error says nothing about which check failed.
    """


class NoRecipients(SealingError):
    """Sealing was asked for with no reviewer key: the result could never be read."""


@dataclass(frozen=True)
class KeyStanza:
    """The object's data key wrapped to one reviewer key."""

    key_id: str
    kind: KeyKind
    wrapped: bytes = field(repr=False)
    """HPKE `enc` followed by the AES-256-GCM sealed data key (see FORMAT.md)."""


@dataclass(frozen=True)
class Sealed:
    """A sealed case body and the stanzas that let each reviewer open it."""

    body: bytes
    stanzas: tuple[KeyStanza, ...]


def new_data_key() -> bytes:
    """A fresh random 256-bit data key for one sealed object (a case body or an attachment)."""
    return AESGCM.generate_key(bit_length=256)


def wrap_key(data_key: bytes, recipient: ReviewerPublicKey, object_id: str) -> KeyStanza:
    """Wrap `data_key` to one reviewer; the object id is bound through HPKE's `info`."""
    info = _WRAP_INFO + object_id.encode("ascii")
    wrapped = recipient.kind.suite.encrypt(data_key, recipient.hpke_key(), info=info)
    return KeyStanza(recipient.key_id, recipient.kind, wrapped)


def wrap_for_all(
    data_key: bytes, recipients: Sequence[ReviewerPublicKey], object_id: str
) -> tuple[KeyStanza, ...]:
    if not recipients:
        raise NoRecipients("no reviewer public key is configured")
    return tuple(wrap_key(data_key, r, object_id) for r in recipients)


def unwrap_key(
    stanzas: Iterable[KeyStanza], private_key: ReviewerPrivateKey, object_id: str
) -> bytes:
    """The data key of `object_id`, if one of `stanzas` was wrapped to `private_key`."""
    key_id = private_key.public.key_id
    mine = [s for s in stanzas if s.key_id == key_id]
    if not mine:
        raise NotARecipient(f"not sealed to key {key_id}")
    info = _WRAP_INFO + object_id.encode("ascii")
    try:
        data_key = private_key.kind.suite.decrypt(
            mine[0].wrapped, private_key.hpke_key(), info=info
        )
    except (InvalidTag, ValueError):
        raise TamperedCase("the wrapped key does not open") from None
    if len(data_key) != DATA_KEY_BYTES:
        raise TamperedCase("the wrapped key has the wrong length")
    return data_key


def case_header(object_id: str, context: str) -> bytes:
    """The body's clear header, also its AEAD associated data: magic, version, id, form id."""
    oid, ctx = object_id.encode("ascii"), context.encode("utf-8")
    if len(oid) > 255 or len(ctx) > 255:
        raise SealingError("object id and context must each fit in 255 bytes")
    return CASE_MAGIC + struct.pack("BB", FORMAT_VERSION, len(oid)) + oid + bytes([len(ctx)]) + ctx


def _pad(payload: bytes) -> bytes:
    """ISO/IEC 7816-4 padding: 0x80 then zeros up to the next multiple of PAD_BLOCK."""
    padded_len = (len(payload) // PAD_BLOCK + 1) * PAD_BLOCK
    return payload + b"\x80" + b"\x00" * (padded_len - len(payload) - 1)


def _unpad(padded: bytes) -> bytes:
    end = padded.rfind(b"\x80")
    if end < 0 or padded[end + 1 :].strip(b"\x00"):
        raise TamperedCase("bad padding")
    return padded[:end]


def seal(
    payload: bytes, recipients: Sequence[ReviewerPublicKey], *, object_id: str, context: str
) -> Sealed:
    """Seal `payload` (a case document) so that only `recipients` can read it."""
    data_key = new_data_key()
    stanzas = wrap_for_all(data_key, recipients, object_id)
    header = case_header(object_id, context)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(data_key).encrypt(nonce, _pad(payload), header)
    return Sealed(header + nonce + ciphertext, stanzas)


def parse_header(body: bytes) -> tuple[str, str, int]:
    """(object id, context, header length) of a sealed body; `TamperedCase` if malformed."""
    try:
        if body[:4] != CASE_MAGIC or body[4] != FORMAT_VERSION:
            raise TamperedCase("not a Kuager sealed case of a known version")
        oid_len = body[5]
        oid = body[6 : 6 + oid_len].decode("ascii")
        ctx_len = body[6 + oid_len]
        ctx = body[7 + oid_len : 7 + oid_len + ctx_len].decode("utf-8")
    except (IndexError, UnicodeDecodeError):
        raise TamperedCase("malformed header") from None
    return oid, ctx, 7 + oid_len + ctx_len


def open_sealed(
    sealed: Sealed, private_key: ReviewerPrivateKey, *, object_id: str, context: str
) -> bytes:
    """The payload of a sealed body, checked against the id and form it is stored under.

    Raises `NotARecipient` if no stanza is for this key, `TamperedCase` if anything fails
    to authenticate — including a body moved to another case's row.
    """
    oid, ctx, header_len = parse_header(sealed.body)
    if (oid, ctx) != (object_id, context):
        raise TamperedCase("the body belongs to another case or form")
    data_key = unwrap_key(sealed.stanzas, private_key, object_id)
    header = sealed.body[:header_len]
    nonce = sealed.body[header_len : header_len + NONCE_BYTES]
    try:
        padded = AESGCM(data_key).decrypt(nonce, sealed.body[header_len + NONCE_BYTES :], header)
    except (InvalidTag, ValueError):
        raise TamperedCase("the case does not authenticate") from None
    return _unpad(padded)
