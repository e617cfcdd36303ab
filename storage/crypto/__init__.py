"""All of Kuager's cryptography, in seven modules a cryptographer can read in one sitting.

Nothing outside this package touches a cipher, a key or a nonce (a test holds the rule:
no `cryptography.hazmat` import and no `AESGCM` elsewhere in the product). The byte layouts
are specified in docs/FORMAT.md, well enough to read stored data without this code.

| module     | what it does                                                  | FORMAT.md |
|------------|---------------------------------------------------------------|-----------|
| `keys`     | reviewer key pairs (X25519, or ML-KEM-768 + X25519), the      | §1        |
|            | public line pasted into the config, and the private key file  |           |
|            | locked with Argon2id + AES-256-GCM                            |           |
| `envelope` | a case body: AES-256-GCM under a fresh data key, with its     | §2, §3    |
|            | clear header as associated data; the data key wrapped with    |           |
|            | HPKE (RFC 9180) to each reviewer key ("stanzas")              |           |
| `stream`   | an attachment: the same data-key wrapping, the file sealed in | §4        |
|            | 64 KiB AES-256-GCM chunks (STREAM: counter and final flag in  |           |
|            | the nonce)                                                    |           |
| `drafts`   | a witness's unfinished report at rest: AES-256-GCM under a    | §7        |
|            | key derived from the server's draft key and the witness's id  |           |
| `reply`    | the receipt code through scrypt: the case's lookup hash, and  | §8        |
|            | the key that wraps the case's reply private key               |           |
| `events`   | a status, note or reply: an envelope with an HMAC keyed from  | §9        |
|            | the case's data key; witness-visible ones also to the reply   |           |
|            | key, notes a decoy stanza                                     |           |
| `acks`     | the ack root sealed in a case, each reviewer key's ack secret | §10       |
|            | and its SHA-256 lock, which the server checks without a key   |           |

Who can decrypt what:
- **Cases and attachments**: only the holders of the reviewer private keys they were sealed
  to, on their own laptops. The server holds public keys only and forgets each data key once
  the object is sealed; a seized server or database opens nothing.
- **A reviewer's key file**: whoever has the file *and* its passphrase.
- **Events** (status, note, reply): the reviewers; a status or a reply also whoever holds the
  case's receipt code, through the bot while `/followup CODE` shows it. Not the server: the
  reply private key is stored wrapped under the code's scrypt derivation, its public half only
  inside the sealed case.
- **Acks**: the ack root only the case's reviewers (inside the body); a key's ack secret
  becomes known to the server once that reviewer acks, and opens nothing.
- **A draft**: the running bot, which holds the draft key and is told the witness's id by
  each Telegram update. A thief needs the draft key (the server's config) *and* the id,
  which is stored nowhere; drafts are erased on send, cancel, delete and after 72 hours.

Each module has one call each way, one exception class for all of its failures
(`KeyProblem`, `SealingError`, `TamperedAttachment`, `DraftUnreadable`,
`ReplyKeyUnreadable`) and its own key generation (`ReviewerPrivateKey.generate`,
`new_data_key`, `DraftKeys.generate_secret`, `new_reply_channel`).
Not here: the hash chain (`storage.chain`, evidence of deletion, not secrecy) and making
receipt codes (`storage.cases`: random symbols; old cases' SHA-256 lookup) — hashes only.
"""
