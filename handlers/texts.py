"""Everything the bot says outside the forms, as English msgids.

Rule for every message: its first line is what a locked phone's notification shows, so it
never names a person, a place or the kind of report — "Question 3 of 14", "Saved.", "Done."
Placeholders are `{name}` style; the catalogs must keep them identical.
"""

from __future__ import annotations

from handlers.forms import N_

# TRANSLATORS: The first message, before a language is chosen: keep the Kazakh and Russian sentences
# as they are in every catalog. First line neutral (a locked phone shows it).
CHOOSE_LANGUAGE = N_("Hello.\nPlease choose a language. Тілді таңдаңыз. Выберите язык.")

# TRANSLATORS: First line of the consent screen; the consent terms follow. Two or three words.
CONSENT = N_("Before we start.")
# TRANSLATORS: Fills {organisation} in the consent terms ("Who will read your report: …") when the
# operator named no group. A noun phrase, no full stop.
ORGANISATION_DEFAULT = N_("the reviewers of the human-rights group that runs this bot")
"""Who reads reports, when the operator has not named the group in the config."""
# TRANSLATORS: End of the consent screen, above the buttons I agree / No, not now.
CONSENT_ASK = N_(
    "You can skip any question that is not essential, and stop at any time with /cancel.\n"
    "\n"
    "Do you agree to continue?"
)
# TRANSLATORS: Button alone on its row: at most 24 characters. Gives consent; no gendered verb form.
CONSENT_YES = N_("I agree")
# TRANSLATORS: Button alone on its row: at most 24 characters.
CONSENT_NO = N_("No, not now")
# TRANSLATORS: Replaces the consent screen after No, not now. First line neutral (a locked phone
# shows it).
CONSENT_DECLINED = N_("Understood.\nNothing has been saved. If you change your mind, send /start.")

# TRANSLATORS: The menu message above one button per kind of report. First line neutral (a locked
# phone shows it).
MENU = N_("Ready.\nWhat would you like to report?")
# TRANSLATORS: Italic line under the menu.
MENU_FOLLOWUP_HINT = N_(
    "To add something to a report you already sent, send /followup and your receipt code."
)

# TRANSLATORS: First line of a question when its count cannot change any more, so the only one a
# locked phone shows. {number} and {total} are numbers. Short.
QUESTION_HEADER = N_("Question {number} of {total}")
# TRANSLATORS: First line of a question while later answers may still add or remove questions (so
# no count is given that would jump). {number} is a number. Short.
QUESTION_HEADER_OPEN = N_("Question {number}, a few more after it")
# TRANSLATORS: First line of a question reopened from the review or with Back; {number} is the
# answer's number on the review. Short.
QUESTION_HEADER_CHANGE = N_("Changing answer {number}")
# TRANSLATORS: Top of the review screen, above the numbered answers. First line neutral (a locked
# phone shows it).
REVIEW_HEADER = N_("Almost done.\nPlease check your answers. Press a number to change that answer.")
# TRANSLATORS: Button alone on its row: at most 24 characters. On the review screen.
REVIEW_SEND = N_("Send the report")
# TRANSLATORS: Button on the review screen, sharing its row with Back: at most 18 characters. Must
# differ from the words for deleting (/delete).
REVIEW_CANCEL = N_("Don't send")
# TRANSLATORS: On the review, after an answer cut short; names the button REVIEW_SHOW_ALL with the
# same {number}. One short line in brackets.
REVIEW_CUT = N_("(shortened: “Show all {number}” below sends it whole)")
# TRANSLATORS: Button under the review, sharing its row: at most 18 characters. Sends answer
# {number} whole.
REVIEW_SHOW_ALL = N_("Show all {number}")
# TRANSLATORS: Asked after Don't send, before the report is thrown away. First line neutral (a
# locked phone shows it).
DISCARD_CONFIRM = N_(
    "Please confirm.\n"
    "The report will not be sent, and your answers to it will not be kept. "
    "This cannot be undone."
)
# TRANSLATORS: Button alone on its row: at most 24 characters. Confirms Don't send.
DISCARD_YES = N_("Yes, don't send it")
# TRANSLATORS: Button alone on its row: at most 24 characters. Goes back to the review.
DISCARD_NO = N_("No, back to answers")
# TRANSLATORS: Button under every question after the first, and beside Don't send: at most 18
# characters.
BACK = N_("Back")
# TRANSLATORS: Line under a question reopened from the review. {answer} is the answer as shown on
# the review.
CURRENT_ANSWER = N_("Current answer: {answer}")
# TRANSLATORS: Line under a "choose all that apply" question. {answers} is the chosen buttons,
# comma-separated.
TICKED = N_("Chosen so far: {answers}")
# TRANSLATORS: Line under the files question. {count} is a number.
FILES_SO_FAR = N_("Files received: {count}")
# TRANSLATORS: Under "Files received: {count}" after each file the witness sends, above the Done
# button (the files question itself is not repeated). One short line.
FILES_MORE = N_("Send more, or press Done.")
# TRANSLATORS: Names an item of a repeated group: {label} is e.g. "Person", {number} is 1, 2, ….
# Change the order only if the language needs it.
PERSON = N_("{label} {number}")
# TRANSLATORS: An answer on the review when a location was shared instead of a town. Lower case, a
# few words.
LOCATION_SHARED = N_("location shared")
# TRANSLATORS: An answer on the review when none was given. In brackets, a few words.
NO_ANSWER = N_("(no answer)")

# TRANSLATORS: Italic note under the files question. "📎 → File" names Telegram's own buttons: use
# the words of the Telegram app in this language. First line neutral (a locked phone shows it).
PHOTO_WARNING = N_(
    "About files.\n"
    "A photo sent as a photo loses its hidden location data — safer for you. "
    "Sent as a file (📎 → File), it keeps that data — stronger as evidence, but it can show "
    "where and when it was taken. Choose what is right for you."
)

# TRANSLATORS: Shown for a moment while the report is sealed. One word.
SUBMITTING = N_("Sending…")
# TRANSLATORS: After Send. {code} is the receipt code; keep <code>…</code> and /followup {code}
# exactly. First line neutral (a locked phone shows it).
RECEIPT = N_(
    "Saved.\n"
    "Your report has been sealed and stored. Only the reviewers can open it.\n"
    "\n"
    "Your receipt code:\n"
    "<code>{code}</code>\n"
    "\n"
    "With this code you can add information later and read the reviewers' answers: "
    "/followup {code}\n"
    "The bot never writes to you first: it does not know who you are, so answers wait "
    "until you ask with the code.\n"
    "Keep it somewhere safe — not only on this phone. Wiping this chat removes it too."
)
# TRANSLATORS: After the receipt, above the buttons Wipe now / Not now. First line neutral (a locked
# phone shows it).
WIPE_OFFER = N_(
    "One more thing.\n"
    "Would you like to wipe this conversation from your phone now? "
    "Copy the receipt code somewhere safe first."
)
# TRANSLATORS: Button alone on its row: at most 24 characters.
WIPE_NOW = N_("Wipe now")
# TRANSLATORS: Button alone on its row: at most 24 characters.
WIPE_LATER = N_("Not now")
# TRANSLATORS: Asked before the bot deletes its messages (/delete). First line neutral (a locked
# phone shows it).
WIPE_CONFIRM = N_(
    "Please confirm.\n"
    "This deletes the messages of this conversation that Telegram allows (up to 48 hours old) "
    "and anything unsent. A report you already sent is not affected."
)
# TRANSLATORS: Button alone on its row: at most 24 characters. Confirms /delete.
WIPE_CONFIRM_YES = N_("Delete everything")
# TRANSLATORS: A pop-up the witness closes, after /delete deleted the conversation: at most 200
# characters (Telegram's limit), one or two sentences. "Delete chat" is the Telegram app's own menu
# item: use its words in this language. The receipt code is the one shown after a report was sent.
REMAINS_AFTER_WIPE = N_(
    "Deleted. Still on your phone: this chat in your chat list (chat menu → Delete chat), "
    "original photos in your gallery, and any receipt code you kept: keep it hidden."
)
# TRANSLATORS: One line under "Stopped" (and under the message after consent is refused in a form):
# what the witness must still remove from the phone themselves. "Delete chat" is the Telegram app's
# own menu item: use its words in this language; keep /delete as is.
REMAINS_AFTER_STOP = N_(
    "Still on your phone: what you typed here (/delete removes it), this chat in your chat list "
    "(chat menu → Delete chat), and the original photos in your gallery."
)
# TRANSLATORS: One line in the message after a report (or an addition) was sent, above Wipe now /
# Not now: what the witness must still remove from the phone. "Delete chat" is the Telegram app's
# own menu item: use its words in this language; keep /delete as is.
REMAINS_AFTER_SEND = N_(
    "Still on your phone: what you typed here (/delete removes it), this chat in your chat list "
    "(chat menu → Delete chat), the original photos in your gallery, and the receipt code — a "
    "code found on a phone shows a report was sent, so keep it where it won't be found."
)
# TRANSLATORS: Shown for a moment while /delete removes the conversation, then deleted with it.
# One word.
WIPING = N_("Deleting…")
# TRANSLATORS: After /delete, when Telegram refused to delete older messages. "Delete chat" is the
# Telegram app's own menu item: use its words in this language. First line neutral (a locked phone
# shows it).
WIPE_PARTIAL = N_(
    "Done.\n"
    "Some older messages could not be deleted by the bot. Please delete this chat in Telegram "
    "as well: open the chat menu and choose Delete chat."
)
# TRANSLATORS: Replaces a confirmation message when the witness answers No. Two or three words.
KEPT = N_("All right.")

# TRANSLATORS: Button alone on its row: at most 24 characters. Accepts the offered linked report.
OFFER_YES = N_("Yes, continue")
# TRANSLATORS: Button alone on its row: at most 24 characters. Declines the offered linked report.
OFFER_NO = N_("No, thank you")
# TRANSLATORS: Last message after a report and its offers. First line neutral (a locked phone shows
# it).
ALL_DONE = N_("Thank you.\nIf you want to report something else, send /start.")

# TRANSLATORS: After /cancel. First line neutral (a locked phone shows it).
CANCELLED = N_("Stopped.\nNothing from this report was kept. Send /start to begin again.")
# TRANSLATORS: After /cancel with no report started. One or two short sentences.
NOTHING_TO_CANCEL = N_("There is nothing to stop. Send /start to begin a report.")

# TRANSLATORS: Answer to /help. Keep the commands as they are, one per line. First line neutral (a
# locked phone shows it).
HELP = N_(
    "How this works.\n"
    "/start — begin a report\n"
    "/language — change the language\n"
    "/cancel — stop and discard the current report\n"
    "/delete — wipe this conversation from your phone\n"
    "/followup CODE — add information to a report you sent\n"
    "\n"
    "Reports are sealed so that only the human-rights group's reviewers can read them."
)

# TRANSLATORS: After /followup without a code. Keep the example command as it is.
FOLLOWUP_ASK_CODE = N_(
    "Please send the command with your receipt code, like this:\n/followup ABCD-EFGH-JKMN-PQRS"
)
# TRANSLATORS: After /followup with a code that was not found. First line neutral (a locked phone
# shows it).
FOLLOWUP_UNKNOWN = N_("That code was not found.\nPlease check it and try again.")
# TRANSLATORS: After /followup with a valid code, above the Done button. First line neutral (a
# locked phone shows it).
FOLLOWUP_START = N_(
    "Found.\n"
    "Send any new information now: text, photos or files. Press Done when you have finished."
)
# TRANSLATORS: Button alone on its row: at most 24 characters. Ends a follow-up.
FOLLOWUP_DONE = N_("Done")
# TRANSLATORS: After each message or file of a follow-up. One short line.
FOLLOWUP_GOT = N_("Received. Send more, or press Done.")
# TRANSLATORS: After Done in a follow-up with nothing sent. One or two short sentences.
FOLLOWUP_EMPTY = N_("Nothing to add yet. Send text or a file first, or /cancel.")
# TRANSLATORS: After a follow-up is sealed. First line neutral (a locked phone shows it).
FOLLOWUP_SAVED = N_("Saved.\nYour addition is sealed and linked to your report.")
# TRANSLATORS: shown above the follow-up screen when a witness sends more messages than one
# addition takes. {max} is 50. "Done" is the button of that screen; keep /followup as is.
FOLLOWUP_NOTES_FULL = N_(
    "Limit reached.\n"
    "One addition holds up to {max} messages; this one was not added. Press Done to send "
    "what you have, then send /followup with your code again to add more."
)
# TRANSLATORS: as above, for files. {max} is 20.
FOLLOWUP_FILES_FULL = N_(
    "Limit reached.\n"
    "One addition holds up to {max} files; this one was not added. Press Done to send "
    "what you have, then send /followup with your code again to add more."
)
# TRANSLATORS: posted to the reviewers' alert chat when a report arrives.
# {case_id} is 32 hex characters; {form} is the report type's code (detention,
# ill_treatment, missing_person, addendum), left untranslated so reviewers can filter on it.
NEW_CASE_ALERT = N_("New case {case_id} ({form})")

# Bad input and failures: always say what happened and what to do next.
# TRANSLATORS: A toast (a passing notice over the chat) after the Skip button: says that no answer
# was recorded. One or two words after the tick.
TOAST_SKIPPED = N_("✓ Skipped")
# TRANSLATORS: A toast (at most 200 characters) and a line above the current question, when an old
# message's button is pressed. One sentence.
STALE_BUTTON = N_("That button is from an earlier message.")
# TRANSLATORS: A line above the current question when text was typed where buttons are expected. One
# sentence.
USE_BUTTONS = N_("Please answer with the buttons below.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
NOT_NOW_FILE = N_(
    "A file is not expected here. You can add files at the question about photos and documents."
)
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
NOT_NOW_LOCATION = N_("A location is not expected here.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# Names Telegram's message types.
UNSUPPORTED = N_("Stickers, GIFs, polls and similar messages cannot be used here.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# When a phone contact is shared.
CONTACT_NOT_USED = N_(
    "Shared contacts are not used here. If you want to be contacted, say so in the report."
)
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# When a sent message is edited.
EDITED_IGNORED = N_(
    "Edited messages are not read. To change an answer, use the review screen at the end."
)
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# When a file comes with a caption.
CAPTION_IGNORED = N_(
    "The text under the file was not saved. Please write it in your own words when asked."
)
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# {size} and {limit} are numbers of megabytes.
FILE_TOO_LARGE = N_("This file is too large ({size} MB). The limit is {limit} MB.")
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
FILE_FAILED = N_("The file could not be received. Please send it again.")
# TRANSLATORS: When a witness sends too many messages a minute. First line neutral (a locked phone
# shows it).
TOO_FAST = N_(
    "You are sending messages very fast.\n"
    "Please wait a minute; messages sent meanwhile are not read."
)
# TRANSLATORS: When very many people write at once and a newcomer's reply will be late. Plain,
# calm, no promise of a time; they need not write again. First line neutral (a locked phone shows
# it).
BUSY = N_(
    "Many people are writing right now.\n"
    "Your message has arrived and your turn will come: please wait, there is no need to send "
    "it again."
)
# TRANSLATORS: When an answer could not be stored. Calm; no promises. First line neutral (a locked
# phone shows it).
NOT_SAVED = N_(
    "Not saved.\n"
    "A technical problem stopped us from saving your last answer. Nothing earlier is lost. "
    "Please send it again in a few minutes."
)
# TRANSLATORS: When Send failed. Calm; no promises. First line neutral (a locked phone shows it).
NOT_SENT = N_(
    "Not sent yet.\n"
    "A technical problem stopped us from storing your report. Your answers are not lost. "
    "Please press Send again in a few minutes."
)
# TRANSLATORS: When storage is down. Calm; no promises. First line neutral (a locked phone shows
# it).
UNAVAILABLE = N_(
    "Temporarily unavailable.\n"
    "We cannot reach our storage right now. Nothing you sent before is lost. "
    "Please try again in a few minutes."
)
# TRANSLATORS: After an unexpected error. Calm; no promises. First line neutral (a locked phone
# shows it).
INTERNAL_ERROR = N_(
    "Something went wrong on our side.\nYour earlier answers are not lost. Please try again."
)
# TRANSLATORS: Reply to a wrong or unexpected answer, sent as a message; one or two short sentences.
# When there is no conversation yet.
START_FIRST = N_("Please send /start to begin.")
# TRANSLATORS: On the review, a number the witness gave as approximate ("около 35"). A few words.
APPROXIMATE_NUMBER = N_("about {number}")
# TRANSLATORS: Said once, instead of keeping the first voice message the witness sends. Two or three
# short sentences; first line neutral (a locked phone shows it).
VOICE_WARNING = N_(
    "Before we keep a voice message: a voice can identify the speaker, even in an anonymous "
    "report. Typing is safer.\nIf you still want to use your voice, send it again."
)
# TRANSLATORS: On the review, an answer given as a voice message; {duration} is like 1:42. A few
# words.
VOICE_MESSAGE = N_("voice message, {duration}")
# TRANSLATORS: When a witness comes back to an unfinished report. First line neutral (a locked phone
# shows it).
RESUMED = N_("Welcome back.\nYou can continue where you stopped.")

COMMANDS = (
    # TRANSLATORS: Telegram's command menu, beside /start: at most 40 characters (a few words).
    ("start", N_("Begin a report")),
    # TRANSLATORS: Telegram's command menu, beside /language: a few words.
    ("language", N_("Change the language")),
    # TRANSLATORS: Telegram's command menu, beside /cancel: a few words.
    ("cancel", N_("Stop the current report")),
    # TRANSLATORS: Telegram's command menu, beside /delete: a few words.
    ("delete", N_("Wipe this conversation")),
    # TRANSLATORS: Telegram's command menu, beside /followup: a few words.
    ("followup", N_("Add to a report you sent")),
    # TRANSLATORS: Telegram's command menu, beside /help: a few words.
    ("help", N_("How this works")),
)
"""The command menu, registered per language with setMyCommands."""

LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
"""Each language in its own name: shown as is, whatever the current language."""

# TRANSLATORS: After /followup CODE, before the replies. {sentence} is one of the status
# sentences below. First line neutral (a locked phone shows it): one word.
STATUS_SHOWN = N_("Status.\n{sentence}")
# TRANSLATORS: Status sentence: no reviewer has set a status yet. One sentence.
STATUS_NEW = N_("Your report has been received and is waiting for a reviewer.")
# TRANSLATORS: Status sentence. One sentence; "a reviewer" without gender if you can.
STATUS_IN_REVIEW = N_("A reviewer is working on your report.")
# TRANSLATORS: Status sentence; the witness can add information right after it. Two sentences.
STATUS_NEEDS_INFO = N_("The reviewers need more information from you. Please add what you can.")
# TRANSLATORS: Status sentence. One sentence.
STATUS_FORWARDED_LAWYER = N_("Your report has been passed to a lawyer.")
# TRANSLATORS: Status sentence: sent to a UN body such as the Working Group on Enforced
# Disappearances. One sentence.
STATUS_FORWARDED_UN = N_("Your report has been sent to a United Nations human-rights body.")
# TRANSLATORS: Status sentence. One sentence.
STATUS_FORWARDED_OTHER = N_("Your report has been passed to a partner organisation.")
# TRANSLATORS: Status sentence about the person the report is about (detained or missing); no
# name, no gender if you can. One sentence.
STATUS_PERSON_FOUND = N_("The person has been found.")
# TRANSLATORS: Status sentence about the person the report is about; no gender if you can.
STATUS_RELEASED = N_("The person has been released.")
# TRANSLATORS: Status sentence. Two sentences.
STATUS_CLOSED = N_(
    "The reviewers have closed this report. You can still add information with the code."
)
STATUS_SENTENCES = {
    "new": STATUS_NEW,
    "in_review": STATUS_IN_REVIEW,
    "needs_info": STATUS_NEEDS_INFO,
    "forwarded_lawyer": STATUS_FORWARDED_LAWYER,
    "forwarded_un": STATUS_FORWARDED_UN,
    "forwarded_other": STATUS_FORWARDED_OTHER,
    "person_found": STATUS_PERSON_FOUND,
    "released": STATUS_RELEASED,
    "closed": STATUS_CLOSED,
}
"""The sentence the witness reads for each of `storage.events.STATUSES`."""
# TRANSLATORS: After /followup CODE, under the status sentence, when the server no longer keeps
# the report itself (housekeeping removed it once the reviewers had fetched it). Two sentences:
# the report is with the reviewers, not lost; statuses and replies still come through the code.
REPORT_PURGED = N_(
    "Your original report is no longer kept on this server: the reviewers have it. "
    "Statuses and replies still reach you through your code."
)
# TRANSLATORS: Above a reviewers' reply shown after /followup CODE; the reply's text follows
# on its own lines, in whatever language the reviewer wrote. {number} and {total} count the
# replies, {day} is a date. First line neutral (a locked phone shows it).
REPLY_SHOWN = N_("Reply {number} of {total}.\nFrom the reviewers, {day}:")
