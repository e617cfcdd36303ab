"""Decrypting cases on a reviewer's machine and writing them out for people to read.

One module per step, the pure ones apart from the database and the disk:
`opening` reads and authenticates sealed cases; `files` decrypts their attachments; `layout`
is the caller's description of the tables (columns, headers, words); `cells` and `rows` turn a
case into typed cells (pure); `writers` writes a workbook or CSV files; `run` drives it all.

Whoever can write to the database can also seal a case of their own to the reviewers' public
keys, so nothing in a case is trusted on the reviewer's laptop either: case ids must have the
shape the bot makes, every name that becomes a file goes through `storage.defuse`, every cell
is defused, and the export writes only inside the folder the reviewer chose, readable by the
reviewer alone.
"""

from storage.export.files import attachments_folder
from storage.export.layout import (
    Column,
    Fact,
    FormLayout,
    Layout,
    Part,
    Shape,
    Source,
    Table,
    raw_layout,
)
from storage.export.opening import (
    ExportTally,
    Selection,
    count_cases,
    open_cases,
)
from storage.export.rows import OpenedCase
from storage.export.run import (
    ExportFormat,
    ExportRequest,
    Person,
    SamePerson,
    export_cases,
    tables_in_memory,
)

__all__ = [
    "Column",
    "ExportFormat",
    "ExportRequest",
    "ExportTally",
    "Fact",
    "FormLayout",
    "Layout",
    "OpenedCase",
    "Part",
    "Person",
    "SamePerson",
    "Selection",
    "Shape",
    "Source",
    "Table",
    "attachments_folder",
    "count_cases",
    "export_cases",
    "open_cases",
    "raw_layout",
    "tables_in_memory",
]
