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

from bot.demo import reading_order, run_demo

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


# The missing-person report with its details: "1" presses the first sex button, "35" is the age.
TYPED_NUMBERS = [
    "=yes",
    "3",
    "=eyewitness",
    "Ерлан",
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
    "=yes",
    "1",
    "35",
    *["=skipped"] * 6,
    "=done",
    "=s",
]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
async def test_a_typed_number_answers_a_typed_question_and_presses_a_button_elsewhere(
    language: str,
) -> None:
    # Given a witness who picks the form and the sex by number, and types the age as a number
    lines = "\n".join(line.format(text=TYPED[language]) for line in TYPED_NUMBERS) + "\n"
    out = io.StringIO()
    # When the demo plays it
    status = await run_demo(io.StringIO(lines), out, language)
    # Then 3 chose the third report type, 1 the first sex, and 35 is the age
    printed = out.getvalue()
    assert status == 0, printed[-3000:]
    assert "no button" not in printed
    reviewer_view = printed.split("==== What a reviewer sees", 1)[1]
    assert '"id": "missing_person"' in reviewer_view
    assert '"sex": "male"' in reviewer_view
    assert '"age": 35' in reviewer_view


async def test_buttons_print_in_the_rows_the_phone_shows() -> None:
    out = io.StringIO()
    await run_demo(io.StringIO(""), out, None)
    # The language row holds three buttons; the consent's two answers are rows of their own.
    lines = out.getvalue().splitlines()
    assert any("[1] " in line and "[2] " in line and "[3] " in line for line in lines)
    out = io.StringIO()
    await run_demo(io.StringIO(""), out, "en")
    shown = out.getvalue().splitlines()
    first = max(n for n, line in enumerate(shown) if line.lstrip().startswith("[1] "))
    assert "[2] " not in shown[first]
    assert shown[first + 1].lstrip().startswith("[2] ")


async def test_a_script_that_sends_nothing_fails_and_a_person_who_leaves_does_not() -> None:
    script_without_send = "=yes\n=detention\n=self\n"
    out = io.StringIO()
    assert await run_demo(io.StringIO(script_without_send), out, "en") == 1
    assert "sent no report" in out.getvalue()
    at_terminal = await run_demo(
        io.StringIO(script_without_send), io.StringIO(), "en", scripted=False
    )
    assert at_terminal == 0


def test_demo_help_documents_the_script_syntax() -> None:
    kuager = shutil.which("kuager", path=str(Path(sys.executable).parent)) or "kuager"
    result = subprocess.run(
        [kuager, "demo", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    for syntax in ("=police", "=s", "file PATH", "photo PATH", "voice PATH", "location", "/start"):
        assert syntax in result.stdout
    assert "example" in result.stdout and "| kuager demo" in result.stdout


def test_an_addendum_is_listed_right_after_its_report() -> None:
    # Given the export order: by day, then by random case id, so an addendum may come first
    records = [
        {"case_id": "b-addendum-2", "links": {"addendum_to": "c-report"}},
        {"case_id": "a-addendum-1", "links": {"addendum_to": "c-report"}},
        {"case_id": "d-other", "links": {}},
        {"case_id": "c-report", "links": {"group": "g"}},
        {"case_id": "e-addendum-of-addendum", "links": {"addendum_to": "b-addendum-2"}},
        {"case_id": "f-orphan", "links": {"addendum_to": "not-exported"}},
    ]
    # When the demo orders them for reading
    ordered = [record["case_id"] for record in reading_order(records)]
    # Then each addendum follows what it adds to, and nothing is lost
    assert ordered == [
        "d-other",
        "c-report",
        "b-addendum-2",
        "e-addendum-of-addendum",
        "a-addendum-1",
        "f-orphan",
    ]
