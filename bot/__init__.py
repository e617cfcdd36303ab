"""Wiring: configuration, the Telegram Application, and the `kuager` command line."""
