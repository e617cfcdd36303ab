"""Asking for a key passphrase: twice on a terminal, or `KUAGER_PASSPHRASE` for scripts."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Mapping

PASSPHRASE_ENV = "KUAGER_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret


class PassphraseUnavailable(Exception):
    """No terminal to ask on and no KUAGER_PASSPHRASE given."""


def read_passphrase(
    *,
    confirm: bool,
    env: Mapping[str, str] | None = None,
    ask: Callable[[str], str] = getpass.getpass,
    interactive: bool | None = None,
) -> str:
    env = os.environ if env is None else env
    if PASSPHRASE_ENV in env:
        return env[PASSPHRASE_ENV]
    if not (sys.stdin.isatty() if interactive is None else interactive):
        raise PassphraseUnavailable(f"no terminal to ask for the passphrase: set {PASSPHRASE_ENV}")
    first = ask("Passphrase: ")
    if confirm:
        if len(first) < 10:
            raise PassphraseUnavailable("use a passphrase of at least 10 characters")
        if ask("Passphrase again: ") != first:
            raise PassphraseUnavailable("the two passphrases differ")
    return first
