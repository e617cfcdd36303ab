"""Fixed vectors: bytes sealed by an earlier version still open, so stored data stays readable.

`vectors/` holds a key file pair, a sealed case, a sealed attachment and a draft row, made
once with published TEST keys (see vectors/README.md). Sealing draws fresh keys and nonces,
so only the opening direction can be pinned; any change to a layout, an associated data,
a nonce or a derivation makes one of these fail.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from storage.crypto.drafts import DraftKeys
from storage.crypto.envelope import KeyStanza, Sealed, open_sealed, unwrap_key
from storage.crypto.keys import KeyKind, ReviewerPrivateKey, unlock_private_key
from storage.crypto.stream import open_chunks

VECTORS = Path(__file__).parent / "vectors"
V1: dict[str, Any] = json.loads((VECTORS / "v1.json").read_text(encoding="utf-8"))


def vector_key(kind: str) -> ReviewerPrivateKey:
    entry = V1["reviewer_keys"][kind]
    contents = (VECTORS / entry["file"]).read_bytes()
    return unlock_private_key(contents, V1["reviewer_keys"]["passphrase"])


def stanzas(entries: list[dict[str, Any]]) -> tuple[KeyStanza, ...]:
    return tuple(
        KeyStanza(s["key_id"], KeyKind.from_code(s["kind"]), base64.b64decode(s["wrapped"]))
        for s in entries
    )


@pytest.mark.parametrize("kind", list(KeyKind))
def test_a_v1_key_file_opens_and_keeps_its_key_id(kind: KeyKind) -> None:
    key = vector_key(kind.value)
    assert key.kind is kind
    assert key.public.key_id == V1["reviewer_keys"][kind.value]["key_id"]
    if kind is KeyKind.X25519:
        assert key.public.line == V1["reviewer_keys"]["x25519"]["public"]


@pytest.mark.parametrize("kind", list(KeyKind))
def test_a_v1_case_opens_for_each_of_its_reviewers(kind: KeyKind) -> None:
    case = V1["case"]
    sealed = Sealed(base64.b64decode(case["body"]), stanzas(case["stanzas"]))
    payload = open_sealed(
        sealed, vector_key(kind.value), object_id=case["id"], context=case["form_id"]
    )
    assert payload.decode("utf-8") == case["payload_utf8"]


def test_a_v1_attachment_opens_chunk_by_chunk() -> None:
    attachment = V1["attachment"]
    joined = (VECTORS / attachment["chunks_file"]).read_bytes()
    chunks, start = [], 0
    for length in attachment["chunk_lengths"]:
        chunks.append(joined[start : start + length])
        start += length
    data_key = unwrap_key(stanzas(attachment["stanzas"]), vector_key("x25519"), attachment["id"])
    plain = b"".join(open_chunks(chunks, data_key, attachment["id"]))
    assert hashlib.sha256(plain).hexdigest() == attachment["sha256"]


def test_a_v1_draft_row_opens_with_its_key_and_witness_id() -> None:
    draft = V1["draft"]
    keys = DraftKeys.from_secret(base64.b64decode(draft["draft_key"]))
    assert keys.owner(draft["user_id"]).hex() == draft["owner"]
    assert keys.decrypt(draft["user_id"], base64.b64decode(draft["body"])) == draft["state"]
