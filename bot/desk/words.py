"""Everything the desk's pages say, as English msgids translated through the bot's catalogs.

The reviewer picks kk, ru or en on the page; templates call `_()` on these names, so the
catalogs carry one entry per string with its translator's note here, as in handlers/texts.py.
Placeholders are `{name}` style; the catalogs must keep them identical.
"""

from __future__ import annotations

from handlers.forms import N_
from handlers.i18n import ngettext

# TRANSLATORS: Reviewer's desk (a web page on the reviewer's laptop): the page title and heading.
TITLE = N_("Reviewer's desk")
# TRANSLATORS: Reviewer's desk: link in the top bar to the list of cases.
NAV_CASES = N_("Cases")
# TRANSLATORS: Reviewer's desk: link in the top bar to the charts page.
NAV_SUMMARY = N_("Summary")
# TRANSLATORS: Reviewer's desk: button in the top bar; forgets the key and decrypted cases now.
LOCK_NOW = N_("Lock now")
# TRANSLATORS: Reviewer's desk: label before the buttons that switch the page's language.
LANGUAGE = N_("Language")

# TRANSLATORS: Reviewer's desk, filters above the list: label of the report-type choice.
FILTER_TYPE = N_("Type")
# TRANSLATORS: Reviewer's desk, filters: the empty choice of a filter (no filtering on it).
ANY = N_("Any")
# TRANSLATORS: Reviewer's desk, filters and the list's column: the case's status.
FILTER_STATUS = N_("Status")
# TRANSLATORS: Reviewer's desk, filters and the list's column: the region of Kazakhstan.
FILTER_REGION = N_("Region")
# TRANSLATORS: Reviewer's desk, filters: a tick box; only missing-person cases flagged urgent.
FILTER_URGENT = N_("Urgent only")
# TRANSLATORS: Reviewer's desk, filters: a tick box; only missing-person cases that still lack
# something the UN Working Group (WGEID) needs.
FILTER_GAPS = N_("Missing UN elements")
# TRANSLATORS: Reviewer's desk, filters: start of a date range ("Received from … to …").
FILTER_SINCE = N_("Received from")
# TRANSLATORS: Reviewer's desk, filters: end of a date range ("Received from … to …").
FILTER_UNTIL = N_("to")
# TRANSLATORS: Reviewer's desk, filters: label of the search box; it searches what witnesses
# wrote, in any language.
SEARCH = N_("Search the answers")
# TRANSLATORS: Reviewer's desk, filters: button that applies the filters.
APPLY = N_("Show")
# TRANSLATORS: Reviewer's desk, filters: link that removes every filter.
CLEAR = N_("Clear filters")
# TRANSLATORS: Reviewer's desk: shown when a date filter was typed in another shape.
BAD_DATE = N_("A date was not understood and was left out: write it as 2022-01-05.")

# TRANSLATORS: Reviewer's desk: a small mark on a case not listed at the reviewer's last visit.
NEW_MARK = N_("new")
# TRANSLATORS: Reviewer's desk: a small mark on a missing-person case missing for under three
# months.
URGENT_MARK = N_("urgent")
# TRANSLATORS: Reviewer's desk: a small mark on a missing-person case with everything the UN
# Working Group needs.
UN_READY_MARK = N_("UN-ready")
# TRANSLATORS: Reviewer's desk: column of the list: the day the case arrived.
COL_RECEIVED = N_("Received")
# TRANSLATORS: Reviewer's desk: column of the list: the start of the witness's own account.
COL_WORDS = N_("First words")
# TRANSLATORS: Reviewer's desk: shown instead of the list when nothing matches.
NO_CASES = N_("No case matches these filters.")
# TRANSLATORS: Reviewer's desk: before the links that download the listed cases as a spreadsheet.
DOWNLOAD_THESE = N_("Download these cases:")
# TRANSLATORS: Reviewer's desk: link after "Download these cases:" for one Excel workbook.
DOWNLOAD_XLSX = N_("spreadsheet (XLSX)")
# TRANSLATORS: Reviewer's desk: link after "Download these cases:" for a ZIP of CSV tables.
DOWNLOAD_CSV = N_("CSV tables (ZIP)")
# TRANSLATORS: Reviewer's desk: under the download links. The downloaded file is decrypted.
DOWNLOAD_CARE = N_(
    "The file holds what witnesses wrote, decrypted: keep it where only you can read it."
)

# TRANSLATORS: Reviewer's desk, a case: the line under its heading. {day} is a date, {language}
# the name of the language the witness wrote in.
RECEIVED_IN = N_("Received {day}; written in {language}")
# TRANSLATORS: Reviewer's desk, a case: heading above the witness's answers.
ANSWERS = N_("Answers")
# TRANSLATORS: Reviewer's desk, a case: heading above answers the form does not describe
# (from an older version of a form).
OTHER_ANSWERS = N_("Other answers")
# TRANSLATORS: Reviewer's desk, a case: heading above the witness's photos and files.
FILES = N_("Files")
# TRANSLATORS: Reviewer's desk, a case: link that saves a file on the reviewer's computer.
DOWNLOAD = N_("Download")
# TRANSLATORS: Reviewer's desk, a case: heading above what happened since the report
# (follow-ups, statuses, notes, replies), oldest first.
HISTORY = N_("History")
# TRANSLATORS: Reviewer's desk, a case's history: an entry for information the witness added
# later with their receipt code. {day} is a date.
FOLLOWUP_ENTRY = N_("{day}: the witness added")
# TRANSLATORS: Reviewer's desk, a case: shown under History when there is none.
NO_HISTORY = N_("Nothing since the report.")
# TRANSLATORS: Reviewer's desk, a case: heading above the list of what the UN Working Group
# (WGEID) still needs.
MISSING_FOR_UN = N_("Still missing for the UN Working Group")
# TRANSLATORS: Reviewer's desk: one of the UN Working Group's elements: who submits the case
# (named, kept confidential).
GAP_SUBMITTER = N_("Submitter's name")
# TRANSLATORS: Reviewer's desk: one of the UN Working Group's elements: permission to share the
# report with UN bodies.
GAP_SHARE = N_("Permission to share with the UN")
# TRANSLATORS: Reviewer's desk, a case: heading above reports the witness sent together.
LINKED = N_("Reports sent together")
# TRANSLATORS: Reviewer's desk, a case: heading above other reports that may name the same
# person (similar name in any spelling, age, place and date).
SAME_PERSON = N_("Possibly the same person")
# TRANSLATORS: Reviewer's desk, a case: under "Possibly the same person".
SAME_PERSON_HINT = N_(
    "Found by name in Kazakh, Russian or Latin spelling, age, region and date; compare before "
    "you treat them as one."
)
# TRANSLATORS: Reviewer's desk, a case: row of the same-person table: the day last seen, or the
# day it happened.
SEEN = N_("Last seen or when it happened")
# TRANSLATORS: Reviewer's desk, a case: marks this case's column in the same-person table.
THIS_CASE = N_("this case")
# TRANSLATORS: Reviewer's desk, a case: button under a same-person table: the reviewer confirms
# these reports concern one person (a note for reviewers, never shown to witnesses).
SAME_YES = N_("One person")
# TRANSLATORS: Reviewer's desk, a case: button under a same-person table: these reports concern
# different people; they are not grouped again.
SAME_NO = N_("Different people")
# TRANSLATORS: Reviewer's desk, a case: mark above a same-person table a reviewer confirmed.
SAME_CONFIRMED = N_("confirmed by a reviewer as one person")
# TRANSLATORS: Reviewer's desk, a case: the same-person grouping changed (a new report joined it,
# or another reviewer decided) while the page was open; nothing was saved.
SAME_CHANGED = N_(
    "These reports were grouped differently meanwhile; nothing was saved. Look again."
)
# TRANSLATORS: Reviewer's desk, a case: link back to the list.
BACK_TO_LIST = N_("All cases")

# TRANSLATORS: Reviewer's desk: heading of the page shown once the desk has locked itself.
LOCKED_TITLE = N_("The desk is locked")
# TRANSLATORS: Reviewer's desk: heading of the page a browser without a desk session gets.
NO_SESSION_TITLE = N_("Open the desk from its link")
# TRANSLATORS: Reviewer's desk: the page a browser without a desk session gets. "kuager desk" is
# a command; keep it as it is.
NO_SESSION_TEXT = N_(
    "This browser has no desk session. Open the link that kuager desk printed in the "
    "terminal; each link works only once."
)
# TRANSLATORS: Reviewer's desk: heading of the page for a request refused as not coming from the
# desk's own page.
REFUSED_TITLE = N_("Refused")
# TRANSLATORS: Reviewer's desk: text of the refused page.
REFUSED_TEXT = N_(
    "This request did not come from the desk's own page, so nothing was changed. "
    "Reload the page and try again."
)
# TRANSLATORS: Reviewer's desk: heading of the page for a case or file that does not exist.
NOT_FOUND_TITLE = N_("Not found")
# TRANSLATORS: Reviewer's desk: text of the page for a case or file that does not exist, or a
# file that does not match what the case sealed.
NOT_FOUND_TEXT = N_("There is no such case or file, or the file does not match its case.")

# A case's status, in the list's column and the status menu; the witness reads a sentence instead.
STATUS_LABELS = {
    # TRANSLATORS: Reviewer's desk, a case's status: no reviewer has set one yet.
    "new": N_("New"),
    # TRANSLATORS: Reviewer's desk, a case's status.
    "in_review": N_("In review"),
    # TRANSLATORS: Reviewer's desk, a case's status: the witness is asked for more.
    "needs_info": N_("Needs information"),
    # TRANSLATORS: Reviewer's desk, a case's status.
    "forwarded_lawyer": N_("Passed to a lawyer"),
    # TRANSLATORS: Reviewer's desk, a case's status: sent to a UN human-rights body.
    "forwarded_un": N_("Sent to the UN"),
    # TRANSLATORS: Reviewer's desk, a case's status: passed to a partner organisation.
    "forwarded_other": N_("Passed to a partner"),
    # TRANSLATORS: Reviewer's desk, a case's status (missing person).
    "person_found": N_("Person found"),
    # TRANSLATORS: Reviewer's desk, a case's status (detained person).
    "released": N_("Released"),
    # TRANSLATORS: Reviewer's desk, a case's status.
    "closed": N_("Closed"),
}
# TRANSLATORS: Reviewer's desk, a case: heading of the form that sets the case's status.
SET_STATUS = N_("Set the status")
# TRANSLATORS: Reviewer's desk, a case: label of an optional note sent with a new status.
STATUS_NOTE = N_("Note for reviewers (optional)")
# TRANSLATORS: Reviewer's desk, a case: button that saves the chosen status.
SAVE_STATUS = N_("Save the status")
# TRANSLATORS: Reviewer's desk, a case: heading of the form for a note only reviewers read.
NOTE = N_("Note for reviewers")
# TRANSLATORS: Reviewer's desk, a case: button that saves a note for reviewers.
ADD_NOTE = N_("Add the note")
# TRANSLATORS: Reviewer's desk, a case: heading of the form for a reply to the witness.
REPLY = N_("Reply to the witness")
# TRANSLATORS: Reviewer's desk, a case: under the reply form. "/followup" is a bot command; keep
# it as it is.
REPLY_HINT = N_(
    "The witness reads it only with their receipt code, through /followup, in any language "
    "you write. You will see it as they will before it is sent."
)
# TRANSLATORS: Reviewer's desk, a case: button that shows the reply as the witness will see it.
PREVIEW = N_("Preview")
# TRANSLATORS: Reviewer's desk: heading of the preview of a reply.
PREVIEW_HEADING = N_("The witness will see this")
# TRANSLATORS: Reviewer's desk: under the preview. {language} is the name of a language.
PREVIEW_LANGUAGE = N_("In {language}, the language of the report, after /followup and the code.")
# TRANSLATORS: Reviewer's desk: button under the preview that seals and sends the reply.
SEND_REPLY = N_("Send to the witness")
# TRANSLATORS: Reviewer's desk: link under the preview back to the case, nothing sent.
NOT_NOW = N_("Back, send nothing")
# TRANSLATORS: Reviewer's desk, a case's history: a status was set. {day} is a date, {status} a
# status name, {key} a reviewer's key id.
EVENT_STATUS = N_("{day}: status set to «{status}» (key {key})")
# TRANSLATORS: Reviewer's desk, a case's history: a note. {day} is a date, {key} a key id.
EVENT_NOTE = N_("{day}: note for reviewers (key {key})")
# TRANSLATORS: Reviewer's desk, a case's history: a reply. {day} is a date, {key} a key id.
EVENT_REPLY = N_("{day}: reply to the witness (key {key})")
# TRANSLATORS: Reviewer's desk, a case's history: a reviewer said this case and others (listed
# under it) concern one person. {day} is a date, {key} a key id.
EVENT_SAME = N_("{day}: the same person as in the cases below (key {key})")
# TRANSLATORS: Reviewer's desk, a case's history: a reviewer said this case and others (listed
# under it) do not concern one person. {day} is a date, {key} a key id.
EVENT_NOT_SAME = N_("{day}: not the same person as in the cases below (key {key})")
EVENT_HEADINGS = {
    "status": EVENT_STATUS,
    "note": EVENT_NOTE,
    "reply": EVENT_REPLY,
    "same_person": EVENT_SAME,
    "not_same_person": EVENT_NOT_SAME,
}
"""A history line's heading by event kind (`storage.events.EventKind` values)."""
# TRANSLATORS: Reviewer's desk, a case's history: beside an event whose seal shows that none of
# the case's reviewers wrote it (someone with database access forged it).
EVENT_FORGED = N_("FORGED: not written by a reviewer of this case")
# TRANSLATORS: Reviewer's desk, a case's history: an event that does not decrypt or was altered.
# {day} is a date.
EVENT_ALTERED = N_("{day}: an event that does not open (altered or not for your key)")
# TRANSLATORS: Reviewer's desk, a case: shown when a note or reply was left empty.
TEXT_EMPTY = N_("Nothing was written, so nothing was saved.")
# TRANSLATORS: Reviewer's desk, a case: shown when a note or reply is too long. {max} is a number.
TEXT_TOO_LONG = N_("At most {max} characters; nothing was saved.")
# TRANSLATORS: Reviewer's desk, a case: a reply cannot be sent for a case sent before replies
# existed.
NO_REPLY_CHANNEL = N_(
    "This report was sent before replies existed: the witness has no key to read one."
)
# TRANSLATORS: Reviewer's desk, a case: shown after an event was saved.
SAVED = N_("Saved and sealed to every reviewer's key.")
# TRANSLATORS: Reviewer's desk, a missing-person case: link that downloads a draft submission to
# the UN Working Group on Enforced or Involuntary Disappearances (a Word file, in English).
WGEID_DRAFT = N_("WGEID draft (.docx, English)")


def shown_of_total(shown: int, total: int) -> str:
    # TRANSLATORS: Reviewer's desk: the count above the list. {shown} and {total} are numbers;
    # the form follows {total}.
    text = ngettext("{shown} of {total} case", "{shown} of {total} cases", total)
    return text.format(shown=shown, total=total)


def new_since(count: int) -> str:
    # TRANSLATORS: Reviewer's desk: count above the list of cases not there at the reviewer's
    # last visit. {count} is a number.
    text = ngettext("{count} new since your last visit", "{count} new since your last visit", count)
    return text.format(count=count)


def urgent_count(count: int) -> str:
    # TRANSLATORS: Reviewer's desk: count above the list of missing-person cases flagged urgent.
    # {count} is a number.
    return ngettext("{count} urgent", "{count} urgent", count).format(count=count)


def tampered(count: int) -> str:
    # TRANSLATORS: Reviewer's desk: warning above the list. {count} is a number. A forged or
    # damaged case fails its check and is left out; "kuager verify" is a command, keep it.
    text = ngettext(
        "{count} case failed its integrity check and is not shown; run kuager verify.",
        "{count} cases failed their integrity check and are not shown; run kuager verify.",
        count,
    )
    return text.format(count=count)


def locked_text(minutes: int) -> str:
    # TRANSLATORS: Reviewer's desk: the locked page. {minutes} is a number. "kuager desk" is a
    # command; keep it as it is.
    text = ngettext(
        "After {minutes} minute without use the desk forgot your key and every decrypted "
        "case. To unlock, type your passphrase in the terminal where kuager desk runs, "
        "then reload this page.",
        "After {minutes} minutes without use the desk forgot your key and every decrypted "
        "case. To unlock, type your passphrase in the terminal where kuager desk runs, "
        "then reload this page.",
        minutes,
    )
    return text.format(minutes=minutes)
