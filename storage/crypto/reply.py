"""The reply channel: how reviewers answer a witness whom the server cannot name.

Who can decrypt what: at Send the bot makes a reply key pair for the case (ML-KEM-768 +
X25519, the same HPKE suite as a post-quantum reviewer key, because a reply is exactly what a
state would harvest now to read later). The **public** half goes only into the sealed case
body, so only reviewers learn it and only they can seal an event to it; the server never
stores it in clear. The **private** half is stored wrapped (AES-256-GCM) under a key derived
from the receipt code, which the server keeps nowhere: with the database and the config a
thief holds the wrapped key and cannot open it, and only the code's holder, through
`/followup CODE`, lets the bot unwrap it for as long as it shows the replies.

The receipt code is 80 random bits. The server must find a case from its code, so it keeps a
*lookup hash* of it; that hash is a thief's way in, so it costs what the wrapping costs: both
come from one scrypt derivation of the code (memory-hard, 32 MiB). Its salt is fixed, not per
case — the bot must compute the lookup before it knows the case — so a thief's guess is tried
against every case at once: 80 bits less log2(cases), each guess a scrypt. The per-case salt
below goes into the HKDF that makes the wrapping key, which keeps each case's key separate.
Layout: docs/FORMAT.md section 8.

One call each way: `new_reply_channel(secret, case_id)` and `open_reply_key(channel, secret,
case_id)`; `ReceiptSecret.derive(code)` is the one slow step; every failure is
`ReplyKeyUnreadable`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from storage.crypto.keys import KeyKind, ReviewerPrivateKey, ReviewerPublicKey

REPLY_KEY_KIND = KeyKind.MLKEM768_X25519
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
"""32 MiB and about 80 ms a derivation on the bot's server: once per Send, once per /followup."""
_SCRYPT_SALT = b"kuager/v2/receipt"
_LOOKUP_INFO = b"kuager/v2/receipt-lookup"
_WRAP_INFO = b"kuager/v1/reply-wrap"
_KEY_AAD = b"kuager/v1/reply-key\x00"
SALT_BYTES = 16
_NONCE = 12


class ReplyKeyUnreadable(Exception):
    """The wrapped reply key does not open with this receipt code (another code, or altered)."""


@dataclass(frozen=True)
class ReceiptSecret:
    """What the receipt code yields through scrypt: the case's lookup hash and wrapping secret."""

    secret: bytes = field(repr=False)

    @classmethod
    def derive(cls, normalised_code: str) -> ReceiptSecret:
        """The slow step (run it off the event loop); `normalised_code` as `storage.cases`
        normalises it: 16 upper-case Crockford symbols, no dashes."""
        kdf = Scrypt(salt=_SCRYPT_SALT, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
        return cls(kdf.derive(normalised_code.encode("ascii")))

    @property
    def lookup(self) -> bytes:
        """Stored as the case's `receipt_hash`: finds the case, opens nothing."""
        return hmac.new(self.secret, _LOOKUP_INFO, hashlib.sha256).digest()

    def wrapping_key(self, salt: bytes) -> bytes:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_WRAP_INFO)
        return hkdf.derive(self.secret)


@dataclass(frozen=True)
class ReplyChannel:
    """The stored record a case's reply channel needs: no public key, no link to a witness."""

    salt: bytes
    sealed_key: bytes = field(repr=False)
    """nonce || AES-256-GCM(wrapping key, the reply private key, aad = domain || case id)."""

    def to_bytes(self) -> bytes:
        return self.salt + self.sealed_key

    @classmethod
    def from_bytes(cls, stored: bytes) -> ReplyChannel:
        return cls(stored[:SALT_BYTES], stored[SALT_BYTES:])


def new_reply_channel(
    secret: ReceiptSecret, case_id: str
) -> tuple[ReplyChannel, ReviewerPublicKey]:
    """A fresh reply key pair: its private half wrapped for storage, its public half to seal
    into the case body (and nowhere else)."""
    private = ReviewerPrivateKey.generate(REPLY_KEY_KIND)
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(_NONCE)
    aead = AESGCM(secret.wrapping_key(salt))
    sealed = nonce + aead.encrypt(nonce, private.raw, _KEY_AAD + case_id.encode("ascii"))
    return ReplyChannel(salt, sealed), private.public


def open_reply_key(
    channel: ReplyChannel, secret: ReceiptSecret, case_id: str
) -> ReviewerPrivateKey:
    """The case's reply private key, held in memory only while replies are shown."""
    aead = AESGCM(secret.wrapping_key(channel.salt))
    nonce, body = channel.sealed_key[:_NONCE], channel.sealed_key[_NONCE:]
    try:
        raw = aead.decrypt(nonce, body, _KEY_AAD + case_id.encode("ascii"))
    except (InvalidTag, ValueError):
        raise ReplyKeyUnreadable("the reply key does not open with this code") from None
    return ReviewerPrivateKey(REPLY_KEY_KIND, raw)
