"""Reviewer key pairs: generation, the one-line public key, and the passphrase-locked key file.

The server only ever holds public keys. A reviewer's private key lives in a file on their
own laptop, encrypted under a passphrase through Argon2id (memory-hard, RFC 9106), because
PKCS#8's `BestAvailableEncryption` for X25519 means PBKDF2 with 2,048 iterations — a seized
laptop's key file would fall to a modest GPU.

Two kinds of key:
- `x25519`: classic HPKE (RFC 9180) with KEM DHKEM(X25519, HKDF-SHA256).
- `mlkem768x25519`: the post-quantum hybrid KEM, so a state that stores today's ciphertexts
  cannot open them with a future quantum computer. The public line is long (about 1,600
  characters) but pastes into the config like the other.

One call each way: `lock_private_key(key, passphrase)` and `unlock_private_key(contents,
passphrase)`; a new key is `ReviewerPrivateKey.generate(kind)`; every failure is a
`KeyProblem`. The key file's layout is docs/FORMAT.md section 1.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

PUBLIC_PREFIX = "kuager"
KEY_FILE_VERSION = 1


class KeyProblem(Exception):
    """Every failure of a reviewer key; the CLI turns each into one line and an exit status."""


class InvalidPublicKey(KeyProblem):
    """A public key (a config line, or a stored stanza's kind) is not one Kuager knows."""


class InvalidKeyFile(KeyProblem):
    """A private-key file is damaged or not a Kuager key file."""


class WrongPassphrase(KeyProblem):
    """The passphrase does not open the private-key file."""


class KeyKind(StrEnum):
    """The KEM a reviewer key uses; its value is the name in the public-key line."""

    X25519 = "x25519"
    MLKEM768_X25519 = "mlkem768x25519"

    @property
    def code(self) -> int:
        """The one-byte code that names this kind in sealed envelopes (docs/FORMAT.md)."""
        return _KIND_CODES[self]

    @classmethod
    def from_code(cls, code: int) -> KeyKind:
        for kind, value in _KIND_CODES.items():
            if value == code:
                return kind
        raise InvalidPublicKey(f"unknown key kind code {code}")

    @property
    def suite(self) -> hpke.Suite:
        return _SUITES[self]


_KIND_CODES = {KeyKind.X25519: 1, KeyKind.MLKEM768_X25519: 2}
_SUITES = {
    KeyKind.X25519: hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM),
    KeyKind.MLKEM768_X25519: hpke.Suite(
        hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM
    ),
}
_MLKEM768_PUBLIC = 1184
_MLKEM768_SEED = 64
_X25519_LEN = 32

HpkePublic = x25519.X25519PublicKey | hpke.MLKEM768X25519PublicKey
HpkePrivate = x25519.X25519PrivateKey | hpke.MLKEM768X25519PrivateKey


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class ReviewerPublicKey:
    """A key cases are sealed to, as pasted into `[reviewers] public_keys`."""

    kind: KeyKind
    raw: bytes = field(repr=False)
    """X25519: 32 bytes. Hybrid: the ML-KEM-768 public key (1,184 bytes) then X25519 (32)."""

    @functools.cached_property
    def key_id(self) -> str:
        """A short fingerprint, stored in clear beside each wrapped key so export finds its own."""
        digest = hashlib.sha256(
            b"kuager-key-id\x00" + self.kind.value.encode() + b"\x00" + self.raw
        )
        return digest.hexdigest()[:16]

    @property
    def line(self) -> str:
        return f"{PUBLIC_PREFIX}:{self.kind.value}:{_b64(self.raw)}"

    @classmethod
    def from_line(cls, line: str) -> ReviewerPublicKey:
        parts = line.strip().split(":")
        if len(parts) != 3 or parts[0] != PUBLIC_PREFIX:
            raise InvalidPublicKey("expected kuager:<kind>:<base64>")
        try:
            kind = KeyKind(parts[1])
            raw = _unb64(parts[2])
        except ValueError as exc:
            raise InvalidPublicKey(f"unknown key kind or bad base64: {exc}") from exc
        key = cls(kind, raw)
        try:
            key.hpke_key()
        except ValueError as exc:
            raise InvalidPublicKey(f"not a valid {kind.value} public key") from exc
        return key

    def hpke_key(self) -> HpkePublic:
        if self.kind is KeyKind.X25519:
            return x25519.X25519PublicKey.from_public_bytes(self.raw)
        if len(self.raw) != _MLKEM768_PUBLIC + _X25519_LEN:
            raise ValueError("hybrid public key has the wrong length")
        return hpke.MLKEM768X25519PublicKey(
            mlkem.MLKEM768PublicKey.from_public_bytes(self.raw[:_MLKEM768_PUBLIC]),
            x25519.X25519PublicKey.from_public_bytes(self.raw[_MLKEM768_PUBLIC:]),
        )


@dataclass(frozen=True)
class ReviewerPrivateKey:
    """A reviewer's private key, only ever in memory on the reviewer's machine."""

    kind: KeyKind
    raw: bytes = field(repr=False)
    """X25519: 32 bytes. Hybrid: the ML-KEM-768 seed (64 bytes) then the X25519 key (32)."""

    @classmethod
    def generate(cls, kind: KeyKind = KeyKind.X25519) -> ReviewerPrivateKey:
        x_raw = x25519.X25519PrivateKey.generate().private_bytes_raw()
        if kind is KeyKind.X25519:
            return cls(kind, x_raw)
        seed = mlkem.MLKEM768PrivateKey.generate().private_bytes_raw()
        return cls(kind, seed + x_raw)

    def hpke_key(self) -> HpkePrivate:
        return self._hpke_key

    @functools.cached_property
    def _hpke_key(self) -> HpkePrivate:
        # Cached: an export opens every case with the same key, and rebuilding it (ML-KEM
        # expands its seed) would cost more than the decryption itself.
        if self.kind is KeyKind.X25519:
            return x25519.X25519PrivateKey.from_private_bytes(self.raw)
        return hpke.MLKEM768X25519PrivateKey(
            mlkem.MLKEM768PrivateKey.from_seed_bytes(self.raw[:_MLKEM768_SEED]),
            x25519.X25519PrivateKey.from_private_bytes(self.raw[_MLKEM768_SEED:]),
        )

    @functools.cached_property
    def public(self) -> ReviewerPublicKey:
        if self.kind is KeyKind.X25519:
            pub = x25519.X25519PrivateKey.from_private_bytes(self.raw).public_key()
            return ReviewerPublicKey(self.kind, pub.public_bytes_raw())
        ml = mlkem.MLKEM768PrivateKey.from_seed_bytes(self.raw[:_MLKEM768_SEED]).public_key()
        xp = x25519.X25519PrivateKey.from_private_bytes(self.raw[_MLKEM768_SEED:]).public_key()
        return ReviewerPublicKey(self.kind, ml.public_bytes_raw() + xp.public_bytes_raw())


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The default is RFC 9106's second recommendation (64 MiB, t=3, p=4)."""

    memory_kib: int = 64 * 1024
    iterations: int = 3
    lanes: int = 4

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        kdf = Argon2id(
            salt=salt,
            length=32,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        )
        return kdf.derive(passphrase.encode("utf-8"))


def lock_private_key(
    key: ReviewerPrivateKey, passphrase: str, params: KdfParams | None = None
) -> bytes:
    """The key-file contents: the private key under AES-256-GCM with an Argon2id-derived key.

    The public line is the associated data, so a file whose public half was swapped for
    another reviewer's does not open.
    """
    if not passphrase:
        raise WrongPassphrase("an empty passphrase would leave the key unprotected")
    params = params or KdfParams()
    salt, nonce = os.urandom(16), os.urandom(12)
    public_line = key.public.line
    sealed = AESGCM(params.derive(passphrase, salt)).encrypt(
        nonce, key.raw, public_line.encode("ascii")
    )
    document = {
        "kuager_private_key": KEY_FILE_VERSION,
        "kind": key.kind.value,
        "key_id": key.public.key_id,
        "public": public_line,
        "kdf": {
            "name": "argon2id",
            "salt": _b64(salt),
            "memory_kib": params.memory_kib,
            "iterations": params.iterations,
            "lanes": params.lanes,
        },
        "cipher": "aes-256-gcm",
        "nonce": _b64(nonce),
        "ciphertext": _b64(sealed),
    }
    return (json.dumps(document, indent=2) + "\n").encode("ascii")


def unlock_private_key(contents: bytes, passphrase: str) -> ReviewerPrivateKey:
    """Open a key file; `WrongPassphrase` for a bad passphrase, `InvalidKeyFile` for damage."""
    try:
        doc: dict[str, Any] = json.loads(contents)
        if doc.get("kuager_private_key") != KEY_FILE_VERSION:
            raise InvalidKeyFile("not a Kuager private-key file (version mismatch)")
        kdf = doc["kdf"]
        if kdf["name"] != "argon2id":
            raise InvalidKeyFile(f"unknown KDF {kdf['name']!r}")
        params = KdfParams(int(kdf["memory_kib"]), int(kdf["iterations"]), int(kdf["lanes"]))
        salt, nonce = _unb64(kdf["salt"]), _unb64(doc["nonce"])
        ciphertext = _unb64(doc["ciphertext"])
        kind = KeyKind(doc["kind"])
        public_line = str(doc["public"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidKeyFile("the key file is damaged or not a Kuager private key") from exc
    try:
        raw = AESGCM(params.derive(passphrase, salt)).decrypt(
            nonce, ciphertext, public_line.encode("ascii")
        )
    except InvalidTag:
        raise WrongPassphrase("wrong passphrase for this key file") from None
    key = ReviewerPrivateKey(kind, raw)
    if key.public.line != public_line:
        raise InvalidKeyFile("the key file's public half does not match its private half")
    return key
