"""The reviewer's desk: a web page on the reviewer's own laptop, served on loopback only.

`kuager desk` unlocks the reviewer's key in the terminal, decrypts cases into this process's
memory and serves them to the reviewer's browser at 127.0.0.1; nothing decrypted is written to
disk unless the reviewer downloads an export. Pure list logic in `casebook`, the key and what
it opened in `vault`, the one door every request passes in `guard`, pages in `pages`.

SEAMS — not wired yet, because the pieces they show were not on main when the desk was built:
- case events (statuses, notes, replies; `storage/events.py`, `kuager status/note/reply`):
  the status filter and column (`cases.html` blocks `status_filter`, `status_head`,
  `status_cell`; `casebook.with_statuses`), the history's events and the status / note / reply
  forms on `case.html`, each to call the same functions as the CLI;
- same-person grouping (`storage/sameperson.py`): possible same-person cases side by side;
- the summary's charts (`storage/summary.py`) at /summary (`base.html` block `nav_extra`);
- XLSX/CSV of the current filter (`cases.html` block `export`, `CaseFilter.as_query`), through
  the export's own writers; and the WGEID draft button of a missing-person case.
"""
