"""The witness's Telegram conversation: forms, drafts, commands, and their translation."""
