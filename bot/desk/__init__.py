"""The reviewer's desk: a web page on the reviewer's own laptop, served on loopback only.

`kuager desk` unlocks the reviewer's key in the terminal, decrypts cases into this process's
memory and serves them to the reviewer's browser at 127.0.0.1; nothing decrypted is written to
disk unless the reviewer downloads an export. Pure list logic in `casebook`, the key and what
it opened in `vault`, the one door every request passes in `guard`, pages in `pages`.

Writing goes through `casework_forms` (the same `bot.casework.append_events` as `kuager
status/note/reply`); the summary's charts and the WGEID draft through `documents`.

SEAMS — not wired yet, because the pieces they show were not on main when the desk was built:
- same-person grouping (`storage/sameperson.py`): possible same-person cases side by side on
  `case.html`, and a filter for them;
- XLSX/CSV of the current filter (`cases.html` block `export`, `CaseFilter.as_query`, the
  `DOWNLOAD_THESE` words), through the analyst export's own writers, built in memory.
"""
