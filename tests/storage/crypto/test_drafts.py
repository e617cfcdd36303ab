"""Drafts at rest: a row opens only with the draft key and the witness's own id."""

from __future__ import annotations

import base64

import pytest

from storage.crypto.drafts import DRAFT_KEY_BYTES, DraftKeys, DraftUnreadable

KEYS = DraftKeys.from_secret(b"k" * DRAFT_KEY_BYTES)
WITNESS = 5_550_001_234


def test_a_draft_needs_the_witness_id_as_well_as_the_key() -> None:
    blob = KEYS.encrypt(WITNESS, {"a": 1})
    assert KEYS.decrypt(WITNESS, blob) == {"a": 1}
    with pytest.raises(DraftUnreadable):
        KEYS.decrypt(WITNESS + 1, blob)
    with pytest.raises(DraftUnreadable):
        DraftKeys.from_secret(b"x" * DRAFT_KEY_BYTES).decrypt(WITNESS, blob)


@pytest.mark.parametrize("blob", [b"", b"short", bytes(12 + 16), bytes(100)])
def test_every_damaged_body_is_the_one_exception(blob: bytes) -> None:
    with pytest.raises(DraftUnreadable):
        KEYS.decrypt(WITNESS, blob)


def test_a_new_draft_key_is_fresh_random_base64_of_the_right_length() -> None:
    first, second = DraftKeys.generate_secret(), DraftKeys.generate_secret()
    assert first != second
    assert len(base64.b64decode(first, validate=True)) == DRAFT_KEY_BYTES
    blob = DraftKeys.from_secret(base64.b64decode(first)).encrypt(WITNESS, {"a": 1})
    assert DraftKeys.from_secret(base64.b64decode(first)).decrypt(WITNESS, blob) == {"a": 1}


def test_the_keys_do_not_show_in_a_repr() -> None:
    assert repr(KEYS.content_key) not in repr(KEYS)
    assert repr(KEYS.owner_key) not in repr(KEYS)
