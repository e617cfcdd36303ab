"""The reviewer's desk: a web page on the reviewer's own laptop, served on loopback only.

`kuager desk` unlocks the reviewer's key in the terminal, decrypts cases into this process's
memory and serves them to the reviewer's browser at 127.0.0.1; nothing decrypted is written to
disk unless the reviewer downloads an export. Pure list logic in `casebook`, the key and what
it opened in `vault`, the one door every request passes in `guard`, pages in `pages`.

Writing goes through `casework_forms` (the same `bot.casework.append_events` as `kuager
status/note/reply`); the summary's charts, the WGEID draft and the list's download (the export's
own tables, `storage.export.tables_in_memory`, built in memory) through `documents`; possible
same-person cases come from `storage.sameperson`, as in the export's column.
"""
