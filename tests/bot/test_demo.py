"""`kuager demo`: a scripted witness completes each report type in each language offline, and
the printed reviewer view holds what they typed; nothing is left behind on disk."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.demo import run_demo

# Language-neutral scripts: "=code" presses the button with that answer code, "=s" is Send.
SCRIPTS = {
    "detention": [
        "=self",
        "=today",
        "=astana",
        "=skipped",
        "=police",
        "=done",
        "=still_held",
        "=police_station",
        "=skipped",
        "{text}",
        "=yes",
        "=reviewers",
        "=done",
        "=skipped",
        "=no",
    ],
    "ill_treatment": [
        "=self",
        "=today",
        "=astana",
        "=skipped",
        "=yes",
        "=police",
        "=done",
        "{text}",
        "=punches_kicks",
        "=done",
        "=yes",
        "=reviewers",
        "=done",
        "=skipped",
        "=no",
    ],
    "missing_person": [
        "=eyewitness",
        "Ерлан Серікұлы",
        "=today",
        "=astana",
        "=skipped",
        "=detained",
        "{text}",
        "=skipped",
        "=skipped",
        "=yes",
        "=reviewers",
        "=done",
        "=skipped",
        "=no",
    ],
}
TYPED = {
    "kk": "Оны көлікке отырғызып әкетті",
    "ru": "Его увезли на машине",
    "en": "They drove him away",
}


def script(form: str, language: str) -> str:
    lines = ["=yes", f"={form}", *SCRIPTS[form], "=s"]
    return "\n".join(line.format(text=TYPED[language]) for line in lines) + "\n"


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("form", list(SCRIPTS))
async def test_a_scripted_demo_completes_and_shows_the_export(form: str, language: str) -> None:
    out = io.StringIO()
    status = await run_demo(io.StringIO(script(form, language)), out, language)
    printed = out.getvalue()
    assert status == 0, printed[-2000:]
    chat, reviewer_view = printed.split("==== What a reviewer sees", 1)
    assert "\n💬 ✓ " in chat, "a pressed answer's toast is shown, as Telegram shows it"
    assert f'"narrative": "{TYPED[language]}"' in reviewer_view
    assert f'"id": "{form}"' in reviewer_view
    assert f'"language": "{language}"' in reviewer_view
    assert "exported 1 cases" in reviewer_view
    assert "1 links, 1 cases: chain intact" in reviewer_view


def test_the_demo_command_leaves_nothing_behind(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    kuager = shutil.which("kuager", path=str(Path(sys.executable).parent)) or "kuager"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUAGER_")}
    env["TMPDIR"] = str(scratch)
    result = subprocess.run(
        [kuager, "demo", "--lang", "en"],
        input=script("detention", "en"),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "chain intact" in result.stdout
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tmp"]


def test_start_without_a_token_runs_the_demo(tmp_path: Path) -> None:
    kuager = shutil.which("kuager", path=str(Path(sys.executable).parent)) or "kuager"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUAGER_")}
    result = subprocess.run(
        [kuager, "start"],
        input="",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Kuager demo" in result.stdout and "exported 0 cases" in result.stdout
