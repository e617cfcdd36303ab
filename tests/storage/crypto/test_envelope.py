"""The case envelope: only reviewers open it, and any change to it is detected."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.crypto.envelope import (
    NoRecipients,
    NotARecipient,
    Sealed,
    TamperedCase,
    case_header,
    open_sealed,
    parse_header,
    seal,
    unwrap_key,
)
from storage.crypto.keys import ReviewerPrivateKey

CASE = "0123456789abcdef0123456789abcdef"
KEYS = [ReviewerPrivateKey.generate() for _ in range(2)]


def test_every_reviewer_opens_the_same_case(pq_reviewer_key: ReviewerPrivateKey) -> None:
    keys = [*KEYS, pq_reviewer_key]
    text = "Ұлым Алматыда ұсталды — сын задержан — my son was detained".encode()
    sealed = seal(text, [k.public for k in keys], object_id=CASE, context="detention")
    assert text not in sealed.body
    for key in keys:
        assert open_sealed(sealed, key, object_id=CASE, context="detention") == text


def test_a_key_it_was_not_sealed_to_is_told_so(other_key: ReviewerPrivateKey) -> None:
    sealed = seal(b"x", [KEYS[0].public], object_id=CASE, context="detention")
    with pytest.raises(NotARecipient):
        open_sealed(sealed, other_key, object_id=CASE, context="detention")


def test_sealing_to_nobody_is_refused() -> None:
    with pytest.raises(NoRecipients):
        seal(b"x", [], object_id=CASE, context="detention")


def test_a_body_moved_to_another_case_or_form_fails() -> None:
    sealed = seal(b"x", [KEYS[0].public], object_id=CASE, context="detention")
    with pytest.raises(TamperedCase):
        open_sealed(sealed, KEYS[0], object_id="f" * 32, context="detention")
    with pytest.raises(TamperedCase):
        open_sealed(sealed, KEYS[0], object_id=CASE, context="missing_person")


@pytest.mark.parametrize(
    ("object_id", "context"), [(CASE, "missing_person"), ("f" * 32, "detention")]
)
def test_a_body_whose_header_was_rewritten_does_not_open(object_id: str, context: str) -> None:
    """The clear header is the AES-GCM associated data: rewriting it (and the row's labels to
    match, as write access to the database allows) gives a body that opens under no label."""
    sealed = seal(b"x", [KEYS[0].public], object_id=CASE, context="detention")
    header_len = parse_header(sealed.body)[2]
    relabelled = Sealed(case_header(object_id, context) + sealed.body[header_len:], sealed.stanzas)
    with pytest.raises(TamperedCase):
        open_sealed(relabelled, KEYS[0], object_id=object_id, context=context)


def test_a_wrapped_key_opens_only_for_the_object_it_was_wrapped_for() -> None:
    """The object id is HPKE's `info`: a stanza copied to another object's row does not open."""
    sealed = seal(b"x", [KEYS[0].public], object_id=CASE, context="detention")
    assert len(unwrap_key(sealed.stanzas, KEYS[0], CASE)) == 32
    with pytest.raises(TamperedCase):
        unwrap_key(sealed.stanzas, KEYS[0], "f" * 32)


def test_padding_hides_small_differences_in_length() -> None:
    short = seal(b"yes", [KEYS[0].public], object_id=CASE, context="d")
    longer = seal(b"y" * 200, [KEYS[0].public], object_id=CASE, context="d")
    assert len(short.body) == len(longer.body)


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_any_flipped_byte_is_detected(position: int, flip: int) -> None:
    sealed = seal(b"narrative " * 20, [KEYS[0].public], object_id=CASE, context="detention")
    body = bytearray(sealed.body)
    body[position % len(body)] ^= flip
    with pytest.raises(TamperedCase):
        open_sealed(
            Sealed(bytes(body), sealed.stanzas), KEYS[0], object_id=CASE, context="detention"
        )


@settings(max_examples=100, deadline=None)
@given(position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_a_damaged_wrapped_key_is_detected(position: int, flip: int) -> None:
    sealed = seal(b"text", [KEYS[0].public], object_id=CASE, context="detention")
    stanza = sealed.stanzas[0]
    wrapped = bytearray(stanza.wrapped)
    wrapped[position % len(wrapped)] ^= flip
    damaged = Sealed(sealed.body, (type(stanza)(stanza.key_id, stanza.kind, bytes(wrapped)),))
    with pytest.raises(TamperedCase):
        open_sealed(damaged, KEYS[0], object_id=CASE, context="detention")


def test_truncated_body_is_detected() -> None:
    sealed = seal(b"text", [KEYS[0].public], object_id=CASE, context="detention")
    for cut in (0, 3, 10, len(sealed.body) - 1):
        with pytest.raises(TamperedCase):
            open_sealed(
                Sealed(sealed.body[:cut], sealed.stanzas),
                KEYS[0],
                object_id=CASE,
                context="detention",
            )
