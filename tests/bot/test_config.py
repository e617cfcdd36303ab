"""Configuration: TOML plus KUAGER_<SECTION>_<KEY> overrides, and one clear line when wrong."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from bot.config import Config, ConfigError, load_config
from storage.crypto.keys import ReviewerPrivateKey
from tests.bot.test_reviewer_cli import kuager

KEY_A = ReviewerPrivateKey.generate().public
KEY_B = ReviewerPrivateKey.generate().public


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_config_loads(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    config = load_config(example, env={})
    assert config.storage.database_url
    assert config.security.draft_ttl_hours == 72


def test_environment_wins_over_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[telegram]\ntoken = "from-file"\n[storage]\ndatabase_url = "a.db"\n')
    env = {
        "KUAGER_TELEGRAM_TOKEN": "from-env",
        "KUAGER_REVIEWERS_PUBLIC_KEYS": f"{KEY_A.line}, {KEY_B.line}",
        "KUAGER_SECURITY_DRAFT_TTL_HOURS": "24",
        "KUAGER_STORAGE_AUTO_UPGRADE": "yes",
    }
    config = load_config(path, env=env)
    assert config.telegram.token == "from-env"
    assert config.storage.database_url == "a.db"
    assert config.reviewer_keys() == (KEY_A, KEY_B)
    assert config.security.draft_ttl_hours == 24
    assert config.storage.auto_upgrade is True


def test_no_file_means_defaults() -> None:
    assert load_config(None, env={}) == Config()


@pytest.mark.parametrize(
    ("text", "env", "named"),
    [
        ("[telegram]\ntokn = 'x'\n", {}, "telegram.tokn"),
        ("[telegramm]\n", {}, "[telegramm]"),
        ("[security]\ndraft_ttl_hours = 'soon'\n", {}, "security.draft_ttl_hours"),
        ("", {"KUAGER_SECURITY_DRAFT_TTL_HOURS": "x"}, "KUAGER_SECURITY_DRAFT_TTL_HOURS"),
        ("[reviewers]\npublic_keys = 'one'\n", {}, "reviewers.public_keys"),
        ("[storage\n", {}, "not valid TOML"),
    ],
)
def test_a_bad_setting_is_named(tmp_path: Path, text: str, env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace("[", r"\[").replace("]", r"\]")):
        load_config(write(tmp_path, text), env=env)


def test_a_bad_public_key_is_named_by_position(tmp_path: Path) -> None:
    config = load_config(
        None, env={"KUAGER_REVIEWERS_PUBLIC_KEYS": f"{KEY_A.line},kuager:x25519:AA"}
    )
    with pytest.raises(ConfigError, match=r"reviewers.public_keys\[1\]"):
        config.reviewer_keys()


def test_draft_key_must_be_32_bytes() -> None:
    good = base64.b64encode(bytes(range(32))).decode()
    assert load_config(None, env={"KUAGER_SECURITY_DRAFT_KEY": good}).draft_key_bytes() == bytes(
        range(32)
    )
    for bad in ("", "short", base64.b64encode(b"x" * 16).decode()):
        with pytest.raises(ConfigError, match="draft_key"):
            load_config(None, env={"KUAGER_SECURITY_DRAFT_KEY": bad}).draft_key_bytes()


def test_kuager_draft_key_prints_a_fresh_key_the_config_accepts() -> None:
    printed = [kuager("draft-key").stdout.strip() for _ in range(2)]
    assert printed[0] != printed[1]
    for line in printed:
        config = load_config(None, env={"KUAGER_SECURITY_DRAFT_KEY": line})
        assert len(config.draft_key_bytes()) == 32
