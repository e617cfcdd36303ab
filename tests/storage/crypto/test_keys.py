"""Reviewer keys: the line pasted into config and the passphrase-locked key file."""

from __future__ import annotations

import json

import pytest

from storage.crypto.keys import (
    InvalidKeyFile,
    InvalidPublicKey,
    KeyKind,
    ReviewerPrivateKey,
    ReviewerPublicKey,
    WrongPassphrase,
    lock_private_key,
    unlock_private_key,
)
from tests.conftest import FAST_KDF


@pytest.mark.parametrize("kind", list(KeyKind))
def test_public_line_round_trips_and_names_its_kind(kind: KeyKind) -> None:
    key = ReviewerPrivateKey.generate(kind).public
    again = ReviewerPublicKey.from_line(key.line + "\n")
    assert again == key
    assert key.line.startswith(f"kuager:{kind.value}:")
    assert len(key.key_id) == 16


@pytest.mark.parametrize(
    "line",
    [
        "",
        "age1qqqq",
        "kuager:rsa:AAAA",
        "kuager:x25519:not*base64",
        "kuager:x25519:AAAA",  # too short for an X25519 key
        "kuager:mlkem768x25519:" + "A" * 50,
    ],
)
def test_bad_public_lines_are_refused(line: str) -> None:
    with pytest.raises(InvalidPublicKey):
        ReviewerPublicKey.from_line(line)


@pytest.mark.parametrize("kind", list(KeyKind))
def test_key_file_opens_with_its_passphrase_only(kind: KeyKind) -> None:
    key = ReviewerPrivateKey.generate(kind)
    contents = lock_private_key(key, "correct horse battery", FAST_KDF)
    assert key.raw not in contents
    assert unlock_private_key(contents, "correct horse battery").public == key.public
    with pytest.raises(WrongPassphrase):
        unlock_private_key(contents, "correct horse batterY")


def test_key_file_uses_argon2id_with_default_cost() -> None:
    doc = json.loads(lock_private_key(ReviewerPrivateKey.generate(), "a passphrase!"))
    assert doc["kdf"]["name"] == "argon2id"
    assert doc["kdf"]["memory_kib"] >= 64 * 1024


def test_swapping_the_public_half_breaks_the_file() -> None:
    mine = json.loads(lock_private_key(ReviewerPrivateKey.generate(), "pass phrase", FAST_KDF))
    mine["public"] = ReviewerPrivateKey.generate().public.line
    with pytest.raises(WrongPassphrase):
        unlock_private_key(json.dumps(mine).encode(), "pass phrase")


@pytest.mark.parametrize("contents", [b"", b"{}", b"not json", b'{"kuager_private_key": 1}'])
def test_damaged_key_files_are_named_as_such(contents: bytes) -> None:
    with pytest.raises(InvalidKeyFile):
        unlock_private_key(contents, "whatever")


def test_empty_passphrase_is_refused() -> None:
    with pytest.raises(WrongPassphrase):
        lock_private_key(ReviewerPrivateKey.generate(), "", FAST_KDF)
