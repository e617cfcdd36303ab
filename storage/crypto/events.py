"""Events on a case (a status, a note, a reply): sealed like a case body, and authenticated.

Who can decrypt what: an event is a case envelope (`envelope.seal`, context "event") sealed to
every reviewer key. A status or a reply is also sealed to the case's reply key
(`storage.crypto.reply`), so the witness holding the receipt code can read it; a note is not —
in its place the reply key gets a *decoy* stanza wrapping a random key, so the stored rows do
not show which events the witness can read.

Who can write what: the reviewers' public keys are public, so anyone who can write the database
could seal an event to them. Two things stop such a forgery from passing for a reviewer's:
- an event's plaintext starts with an HMAC keyed from the *case's* data key, which only the
  case's recipients (reviewers) can unwrap: a reviewer's `open_event` checks it and names a
  forged event as such;
- the reply public key exists only inside the sealed case body, so only a reviewer can seal an
  event the witness's key opens: the witness's side shows nothing else.
Which reviewer wrote an event (its key id, inside) is not proven among reviewers: any of them
could claim another's id. Layout: docs/FORMAT.md section 9.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from storage.crypto.envelope import (
    KeyStanza,
    Sealed,
    TamperedCase,
    new_data_key,
    open_sealed,
    seal,
    unwrap_key,
    wrap_key,
)
from storage.crypto.keys import ReviewerPrivateKey, ReviewerPublicKey

EVENT_CONTEXT = "event"
"""The header's context for every event: the kind of event is sealed, never in clear."""
_AUTH_INFO = b"kuager/v1/event-auth"
_TAG_DOMAIN = b"kuager/v1/event\x00"
TAG_BYTES = 32


def event_auth_key(
    case_stanzas: Iterable[KeyStanza], key: ReviewerPrivateKey, case_id: str
) -> bytes:
    """The key that authenticates a case's events: only the case's recipients can derive it."""
    data_key = unwrap_key(case_stanzas, key, case_id)
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_AUTH_INFO)
    return hkdf.derive(data_key)


def _tag(auth_key: bytes, event_id: str, payload: bytes) -> bytes:
    message = _TAG_DOMAIN + event_id.encode("ascii") + b"\x00" + payload
    return hmac.new(auth_key, message, hashlib.sha256).digest()


def seal_event(
    payload: bytes,
    reviewers: Sequence[ReviewerPublicKey],
    *,
    event_id: str,
    auth_key: bytes,
    reply_key: ReviewerPublicKey | None,
    for_witness: bool,
) -> Sealed:
    """Seal an event's document to the reviewers, and to the reply key if `for_witness`.

    `reply_key` is None for a case sent before the reply channel existed: the witness then
    has no key to read with, and no stanza (real or decoy) is written for one.
    """
    plain = _tag(auth_key, event_id, payload) + payload
    recipients = [*reviewers, reply_key] if for_witness and reply_key is not None else reviewers
    sealed = seal(plain, recipients, object_id=event_id, context=EVENT_CONTEXT)
    if reply_key is None or for_witness:
        return sealed
    # A random key, not the event's: the witness's key opens the stanza but not the note.
    decoy = wrap_key(new_data_key(), reply_key, event_id)
    return Sealed(sealed.body, (*sealed.stanzas, decoy))


def open_event(
    sealed: Sealed, key: ReviewerPrivateKey, *, event_id: str, auth_key: bytes | None
) -> tuple[bytes, bool]:
    """(the event's document, whether its tag proves a case recipient wrote it).

    With `auth_key` None (the witness's side, which cannot derive it) the tag is not checked
    and the second value is False. `TamperedCase` or `NotARecipient` if it does not open —
    which is also what the witness's key meets on a note's decoy stanza.
    """
    plain = open_sealed(sealed, key, object_id=event_id, context=EVENT_CONTEXT)
    if len(plain) < TAG_BYTES:
        raise TamperedCase("an event too short to carry its tag")
    tag, payload = plain[:TAG_BYTES], plain[TAG_BYTES:]
    authentic = auth_key is not None and hmac.compare_digest(tag, _tag(auth_key, event_id, payload))
    return payload, authentic
