"""Asking for a key passphrase: twice on a terminal, or `KUAGER_PASSPHRASE` for scripts."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Mapping

PASSPHRASE_ENV = "KUAGER_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret
MIN_LENGTH = 10
"""For a new key only: a key made before this rule must still open with its passphrase."""


class PassphraseUnavailable(Exception):
    """No terminal to ask on and no KUAGER_PASSPHRASE given, or a new one too weak."""


def read_passphrase(
    *,
    confirm: bool,
    env: Mapping[str, str] | None = None,
    ask: Callable[[str], str] = getpass.getpass,
    interactive: bool | None = None,
) -> str:
    """The passphrase; with `confirm` (a new key) it must be long enough, however it came."""
    env = os.environ if env is None else env
    if PASSPHRASE_ENV in env:
        passphrase = env[PASSPHRASE_ENV]
        if confirm:
            _long_enough(passphrase, f"{PASSPHRASE_ENV} is too short")
        return passphrase
    if not (sys.stdin.isatty() if interactive is None else interactive):
        raise PassphraseUnavailable(f"no terminal to ask for the passphrase: set {PASSPHRASE_ENV}")
    first = ask("Passphrase: ")
    if confirm:
        _long_enough(first, "the passphrase is too short")
        if ask("Passphrase again: ") != first:
            raise PassphraseUnavailable("the two passphrases differ")
    return first


def _long_enough(passphrase: str, problem: str) -> None:
    if len(passphrase) < MIN_LENGTH:
        raise PassphraseUnavailable(f"{problem}: use at least {MIN_LENGTH} characters")
