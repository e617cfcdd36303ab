"""The reviewer's desk: a web page on the reviewer's own laptop, served on loopback only.

`kuager desk` unlocks the reviewer's key in the terminal, decrypts cases into this process's
memory and serves them to the reviewer's browser at 127.0.0.1; nothing decrypted is written to
disk unless the reviewer downloads an export. Pure list logic in `casebook`, the key and what
it opened in `vault`, the one door every request passes in `guard`, pages in `pages`.

Writing goes through `casework_forms` (the same `bot.casework.append_events` as `kuager
status/note/reply`); the summary's charts and the WGEID draft through `documents`; possible
same-person cases come from `storage.sameperson`, as in the export's column.

SEAM — not wired: XLSX/CSV of the current filter (`cases.html` block `export`,
`CaseFilter.as_query`, the `DOWNLOAD_THESE` words). `storage.export` writes files (a spill
file beside the output, CSV as several files) and selects by type, day or one case only; the
desk needs it to write into memory for a set of case ids (the filter's), which is a change to
`storage.export.run` (an id set in `Selection`, a memory target) rather than a second writer.
"""
