"""Everything the bot says outside the forms, as English msgids.

Rule for every message: its first line is what a locked phone's notification shows, so it
never names a person, a place or the kind of report — "Question 3 of 14", "Saved.", "Done."
Placeholders are `{name}` style; the catalogs must keep them identical.
"""

from __future__ import annotations

from handlers.forms import N_

CHOOSE_LANGUAGE = N_("Hello.\nPlease choose a language. Тілді таңдаңыз. Выберите язык.")

CONSENT = N_("Before we start.")
ORGANISATION_DEFAULT = N_("the reviewers of the human-rights group that runs this bot")
"""Who reads reports, when the operator has not named the group in the config."""
CONSENT_ASK = N_(
    "You can skip any question that is not essential, and stop at any time with /cancel.\n"
    "\n"
    "Do you agree to continue?"
)
CONSENT_YES = N_("I agree")
CONSENT_NO = N_("No, not now")
CONSENT_DECLINED = N_("Understood.\nNothing has been saved. If you change your mind, send /start.")

MENU = N_("Ready.\nWhat would you like to report?")
MENU_FOLLOWUP_HINT = N_(
    "To add something to a report you already sent, send /followup and your receipt code."
)

QUESTION_HEADER = N_("Question {number} of {total}")
"""When no answer still to give can change how many questions there are."""
QUESTION_HEADER_OPEN = N_("Question {number}, a few more after it")
"""While an answer may still open or close questions: no count that would jump."""
QUESTION_HEADER_CHANGE = N_("Changing answer {number}")
"""A question reopened from the review or with Back; the number is the review's."""
REVIEW_HEADER = N_("Almost done.\nPlease check your answers. Press a number to change that answer.")
REVIEW_SEND = N_("Send the report")
REVIEW_CANCEL = N_("Don't send")
REVIEW_CUT = N_("(shortened: “Show all {number}” below sends it whole)")
"""After an answer cut on the review; the button it names has the label REVIEW_SHOW_ALL."""
REVIEW_SHOW_ALL = N_("Show all {number}")
"""Button under the review: sends answer number {number} whole. At most 18 characters."""
DISCARD_CONFIRM = N_(
    "Please confirm.\n"
    "The report will not be sent, and your answers to it will not be kept. "
    "This cannot be undone."
)
DISCARD_YES = N_("Yes, don't send it")
DISCARD_NO = N_("No, back to answers")
BACK = N_("Back")
CURRENT_ANSWER = N_("Current answer: {answer}")
TICKED = N_("Chosen so far: {answers}")
FILES_SO_FAR = N_("Files received: {count}")
PERSON = N_("{label} {number}")
LOCATION_SHARED = N_("location shared")
NO_ANSWER = N_("(no answer)")

PHOTO_WARNING = N_(
    "About files.\n"
    "A photo sent as a photo loses its hidden location data — safer for you. "
    "Sent as a file (📎 → File), it keeps that data — stronger as evidence, but it can show "
    "where and when it was taken. Choose what is right for you."
)

SUBMITTING = N_("Sending…")
RECEIPT = N_(
    "Saved.\n"
    "Your report has been sealed and stored. Only the reviewers can open it.\n"
    "\n"
    "Your receipt code:\n"
    "<code>{code}</code>\n"
    "\n"
    "With this code you can add information later: /followup {code}\n"
    "Keep it somewhere safe — not only on this phone. Wiping this chat removes it too."
)
WIPE_OFFER = N_(
    "One more thing.\n"
    "Would you like to wipe this conversation from your phone now? "
    "Copy the receipt code somewhere safe first."
)
WIPE_NOW = N_("Wipe now")
WIPE_LATER = N_("Not now")
WIPE_CONFIRM = N_(
    "Please confirm.\n"
    "This deletes the messages of this conversation that Telegram allows (up to 48 hours old) "
    "and anything unsent. A report you already sent is not affected."
)
WIPE_CONFIRM_YES = N_("Delete everything")
WIPE_DONE = N_("Deleted.")
WIPE_PARTIAL = N_(
    "Done.\n"
    "Some older messages could not be deleted by the bot. Please delete this chat in Telegram "
    "as well: open the chat menu and choose Delete chat."
)
KEPT = N_("All right.")

OFFER_YES = N_("Yes, continue")
OFFER_NO = N_("No, thank you")
ALL_DONE = N_("Thank you.\nIf you want to report something else, send /start.")

CANCELLED = N_("Stopped.\nNothing from this report was kept. Send /start to begin again.")
NOTHING_TO_CANCEL = N_("There is nothing to stop. Send /start to begin a report.")

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

FOLLOWUP_ASK_CODE = N_(
    "Please send the command with your receipt code, like this:\n/followup ABCD-EFGH-JKMN-PQRS"
)
FOLLOWUP_UNKNOWN = N_("That code was not found.\nPlease check it and try again.")
FOLLOWUP_START = N_(
    "Found.\n"
    "Send any new information now: text, photos or files. Press Done when you have finished."
)
FOLLOWUP_DONE = N_("Done")
FOLLOWUP_GOT = N_("Received. Send more, or press Done.")
FOLLOWUP_EMPTY = N_("Nothing to add yet. Send text or a file first, or /cancel.")
FOLLOWUP_SAVED = N_("Saved.\nYour addition is sealed and linked to your report.")

# Bad input and failures: always say what happened and what to do next.
STALE_BUTTON = N_("That button is from an earlier message.")
USE_BUTTONS = N_("Please answer with the buttons below.")
NOT_NOW_FILE = N_(
    "A file is not expected here. You can add files at the question about photos and documents."
)
NOT_NOW_LOCATION = N_("A location is not expected here.")
UNSUPPORTED = N_("Stickers, GIFs, polls and similar messages cannot be used here.")
CONTACT_NOT_USED = N_(
    "Shared contacts are not used here. If you want to be contacted, say so in the report."
)
EDITED_IGNORED = N_(
    "Edited messages are not read. To change an answer, use the review screen at the end."
)
CAPTION_IGNORED = N_(
    "The text under the file was not saved. Please write it in your own words when asked."
)
FILE_TOO_LARGE = N_("This file is too large ({size} MB). The limit is {limit} MB.")
FILE_FAILED = N_("The file could not be received. Please send it again.")
TOO_FAST = N_(
    "You are sending messages very fast.\n"
    "Please wait a minute; messages sent meanwhile are not read."
)
NOT_SAVED = N_(
    "Not saved.\n"
    "A technical problem stopped us from saving your last answer. Nothing earlier is lost. "
    "Please send it again in a few minutes."
)
NOT_SENT = N_(
    "Not sent yet.\n"
    "A technical problem stopped us from storing your report. Your answers are not lost. "
    "Please press Send again in a few minutes."
)
UNAVAILABLE = N_(
    "Temporarily unavailable.\n"
    "We cannot reach our storage right now. Nothing you sent before is lost. "
    "Please try again in a few minutes."
)
INTERNAL_ERROR = N_(
    "Something went wrong on our side.\nYour earlier answers are not lost. Please try again."
)
START_FIRST = N_("Please send /start to begin.")
APPROXIMATE_NUMBER = N_("about {number}")
VOICE_WARNING = N_(
    "Before we keep a voice message: a voice can identify the speaker, even in an anonymous "
    "report. Typing is safer.\nIf you still want to use your voice, send it again."
)
"""Said once, instead of keeping the first voice message the witness sends."""
VOICE_MESSAGE = N_("voice message, {duration}")
"""An answer given as a voice message, on the review; {duration} is like 1:42."""
"""A number the witness gave as approximate ("около 35"), read back on the review."""
RESUMED = N_("Welcome back.\nYou can continue where you stopped.")

COMMANDS = (
    ("start", N_("Begin a report")),
    ("language", N_("Change the language")),
    ("cancel", N_("Stop the current report")),
    ("delete", N_("Wipe this conversation")),
    ("followup", N_("Add to a report you sent")),
    ("help", N_("How this works")),
)
"""The command menu, registered per language with setMyCommands."""

LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
"""Each language in its own name: shown as is, whatever the current language."""
