"""Drafts at rest: a witness's unfinished report, encrypted under the server's draft key.

A draft is the one thing the server must be able to read (to ask the next question), so it
is encrypted under `[security] draft_key` rather than sealed to reviewers. Who can decrypt
what: opening a draft row takes the draft key *and* the witness's Telegram id, which is
stored nowhere —

- the row is stored under `owner = HMAC-SHA256(owner key, user id)`: recognisable when the
  witness returns, not reversible to the id;
- the row's AES-256-GCM key is `HMAC-SHA256(content key, user id)`, and `owner` is its
  associated data. The owner column alone does not open the row: the content key and the
  owner key are separate HKDF outputs of the draft key, and only the id links them.

A thief with the database and the config must therefore guess ids one by one (SECURITY.md
says how far that protects). Layout: docs/FORMAT.md section 7.

One call each way: `DraftKeys.encrypt(user_id, state)` and `DraftKeys.decrypt(user_id, blob)`;
a new draft key is `DraftKeys.generate_secret()`; every failure to open is `DraftUnreadable`.
The store that writes these rows (group commit, memory of recent rows) is `storage.drafts`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

DRAFT_KEY_BYTES = 32
_NONCE = 12


class DraftUnreadable(Exception):
    """Every failure to open a stored draft: altered, another witness's, or another draft key."""


def _hkdf(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


@dataclass(frozen=True)
class DraftKeys:
    """Keys derived from `[security] draft_key`; the draft key itself is used for nothing else."""

    owner_key: bytes = field(repr=False)
    content_key: bytes = field(repr=False)

    @staticmethod
    def generate_secret() -> str:
        """A fresh `[security] draft_key`: 32 random bytes, in base64 as the config holds it."""
        return base64.b64encode(os.urandom(DRAFT_KEY_BYTES)).decode("ascii")

    @classmethod
    def from_secret(cls, draft_key: bytes) -> DraftKeys:
        return cls(
            owner_key=_hkdf(draft_key, b"kuager/v1/draft-owner"),
            content_key=_hkdf(draft_key, b"kuager/v1/draft-content"),
        )

    def owner(self, user_id: int) -> bytes:
        """The row key for a witness: recognisable on return, not reversible to the id."""
        return hmac.new(self.owner_key, str(user_id).encode(), hashlib.sha256).digest()

    def _aead(self, user_id: int) -> AESGCM:
        return AESGCM(hmac.new(self.content_key, str(user_id).encode(), hashlib.sha256).digest())

    def encrypt(self, user_id: int, state: dict[str, Any]) -> bytes:
        """The stored body of a witness's draft: nonce || AES-256-GCM(JSON of `state`)."""
        nonce = os.urandom(_NONCE)
        plain = json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode()
        return nonce + self._aead(user_id).encrypt(nonce, plain, self.owner(user_id))

    def decrypt(self, user_id: int, blob: bytes) -> dict[str, Any]:
        """The draft a stored body holds; `DraftUnreadable` unless it is this witness's, intact."""
        try:
            plain = self._aead(user_id).decrypt(blob[:_NONCE], blob[_NONCE:], self.owner(user_id))
            state = json.loads(plain)
        except (InvalidTag, ValueError):
            raise DraftUnreadable("the stored draft does not decrypt") from None
        if not isinstance(state, dict):
            raise DraftUnreadable("the stored draft is not a draft")
        return state
