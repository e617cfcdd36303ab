"""The `kuager` command line itself: every subcommand reaches its function, and a production
install (no stand-in) turns `kuager demo` away in one line instead of a traceback."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import COMMANDS, DEMO_MISSING, build_parser

WITHOUT_STANDIN = """
import sys
sys.modules["standin"] = None  # what an install without the demo extra looks like to import
from bot.cli import main
main(sys.argv[1:])
"""


def subcommands() -> set[str]:
    parser = build_parser()
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices)


def test_every_subcommand_has_a_function() -> None:
    assert set(COMMANDS) == subcommands()


@pytest.mark.parametrize("command", ["demo", "start"])
def test_without_the_standin_the_demo_says_how_to_install_it(command: str, tmp_path: Path) -> None:
    # Given an install that lacks the stand-in, and no token configured
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUAGER_")}
    # When the demo is asked for, directly or by `start`
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_STANDIN, command],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    # Then it exits as a usage error, with one line naming the way to install it
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [DEMO_MISSING]
    assert "pip install ./standin '.[demo]'" in DEMO_MISSING
