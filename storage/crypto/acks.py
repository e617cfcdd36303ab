"""Acks: a reviewer's proof that they hold a case, which the server checks without a key.

Who can make what: at Send the bot draws a random *ack root* and seals it inside the case
body, which only the case's reviewers open. From the root each reviewer key gets its own
*ack secret* (HMAC of the root with the case id and the key id), and each attachment of the
case a *release* (HMAC of the root with the case id and the attachment id). The server stores
only their SHA-256 *locks*, in clear: the case's locks on the case row (covered by its chain
link), an attachment's lock on the attachment row. It forgets the root with the data key.

An ack reveals one key's secret: the server hashes it and compares it with that key's lock,
so it counts distinct reviewers without opening anything. Whoever can write the database, or
holds the public keys, knows no root and can make no secret that matches a lock: a forged ack
never purges a case. A revealed secret says nothing about another key's secret or another
case's (HMAC under a root it never saw). Among reviewers an ack is not proven: any reviewer
of the case holds the root and could ack in another reviewer's name, as with events.
Layout: docs/FORMAT.md section 10.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping

ROOT_BYTES = 32
SECRET_BYTES = 32
_SECRET_DOMAIN = b"kuager/v1/ack\x00"
_RELEASE_DOMAIN = b"kuager/v1/release\x00"
_LOCK_DOMAIN = b"kuager/v1/ack-lock\x00"
_RELEASE_LOCK_DOMAIN = b"kuager/v1/release-lock\x00"


class InvalidAckLocks(ValueError):
    """A case row's stored locks are not in the layout of FORMAT.md §10."""


def new_ack_root() -> bytes:
    """A fresh random root for one case, sealed into its body and stored nowhere else."""
    return os.urandom(ROOT_BYTES)


def _mac(root: bytes, domain: bytes, *parts: str) -> bytes:
    message = domain + b"\x00".join(p.encode("ascii") for p in parts)
    return hmac.digest(root, message, "sha256")


def ack_secret(root: bytes, case_id: str, key_id: str) -> bytes:
    """What reviewer key `key_id` reveals to ack `case_id` (made on the reviewer's laptop)."""
    return _mac(root, _SECRET_DOMAIN, case_id, key_id)


def ack_lock(case_id: str, key_id: str, secret: bytes) -> bytes:
    return hashlib.sha256(
        _LOCK_DOMAIN + f"{case_id}\x00{key_id}\x00".encode("ascii") + secret
    ).digest()


def release(root: bytes, case_id: str, attachment_id: str) -> bytes:
    """What lets the server erase one attachment of `case_id` once the case is purged."""
    return _mac(root, _RELEASE_DOMAIN, case_id, attachment_id)


def release_lock(case_id: str, attachment_id: str, secret: bytes) -> bytes:
    return hashlib.sha256(
        _RELEASE_LOCK_DOMAIN + f"{case_id}\x00{attachment_id}\x00".encode("ascii") + secret
    ).digest()


def case_locks(root: bytes, case_id: str, key_ids: Iterable[str]) -> bytes:
    """The case row's `ack_locks`: one lock per reviewer key the case is sealed to."""
    return pack_keyed({k: ack_lock(case_id, k, ack_secret(root, case_id, k)) for k in set(key_ids)})


def pack_keyed(values: Mapping[str, bytes]) -> bytes:
    """32-byte values by key id, sorted: len(id) || id || value, for each (FORMAT.md §10)."""
    stored = b""
    for key_id in sorted(values):
        raw = key_id.encode("ascii")
        if len(values[key_id]) != 32 or len(raw) > 255:
            raise InvalidAckLocks("a value is not 32 bytes, or a key id too long")
        stored += bytes([len(raw)]) + raw + values[key_id]
    return stored


def parse_keyed(stored: bytes) -> dict[str, bytes]:
    """key id → 32-byte value, from `pack_keyed`'s layout; `InvalidAckLocks` if malformed."""
    values: dict[str, bytes] = {}
    at = 0
    try:
        while at < len(stored):
            size = stored[at]
            key_id = stored[at + 1 : at + 1 + size].decode("ascii")
            value = stored[at + 1 + size : at + 33 + size]
            if len(value) != 32 or len(key_id) != size:
                raise InvalidAckLocks("truncated")
            values[key_id] = value
            at += 33 + size
    except (IndexError, UnicodeDecodeError):
        raise InvalidAckLocks("malformed") from None
    return values


def ack_holds(locks: Mapping[str, bytes], case_id: str, key_id: str, secret: bytes) -> bool:
    """Whether `secret` is the one key `key_id` was given for `case_id`."""
    lock = locks.get(key_id)
    if lock is None or len(secret) != SECRET_BYTES:
        return False
    return hmac.compare_digest(lock, ack_lock(case_id, key_id, secret))


def release_holds(lock: bytes | None, case_id: str, attachment_id: str, secret: bytes) -> bool:
    if lock is None:
        return False
    return hmac.compare_digest(lock, release_lock(case_id, attachment_id, secret))
