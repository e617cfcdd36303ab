"""The deployment files and the security documents, checked by reading them.

No container engine runs where the tests run, so the Dockerfile and compose.yaml are parsed
and held to what the threat model promises: no secret baked into the image or written into
compose, no root, no published database port. The glossary is checked the way a translator
would be let down by it: a missing column, a Kazakh word spelled without Kazakh letters.
"""

from __future__ import annotations

import importlib.metadata
import itertools
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.cli import build_parser
from bot.config import SecurityConfig

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"
COMPOSE = ROOT / "compose.yaml"
SECURITY = ROOT / "SECURITY.md"
GLOSSARY = ROOT / "docs" / "glossary.md"
TRANSLATING = ROOT / "docs" / "translating.md"

SECRET_NAME = re.compile(r"TOKEN|KEY|PASSWORD|PASSPHRASE|SECRET", re.IGNORECASE)
REFERENCE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-?+][^}]*)?\}$")
"""A whole value that is one `${NAME}`, `${NAME:?message}` or `${NAME:-default}` reference."""
URL_PASSWORD = re.compile(r"://[^/\s:@]+:([^@\s]+)@")
ROOT_USERS = {"", "0", "root", "0:0", "root:root"}
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
LATIN = re.compile(r"[A-Za-z]")


# Dockerfile ------------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        words = (pending + line).split(None, 1)
        pending = ""
        instructions.append((words[0].upper(), words[1] if len(words) > 1 else ""))
    return instructions


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (name, _) in enumerate(instructions) if name == "FROM")
    return instructions[last_from:]


def declared_names(instruction: str, arguments: str) -> dict[str, str]:
    """Names an ENV or ARG line declares, with their values ("" when none is given)."""
    if instruction == "ENV" and "=" not in arguments.split(None, 1)[0]:
        name, _, value = arguments.partition(" ")  # legacy `ENV NAME value`
        return {name: value.strip()}
    declared = {}
    for item in re.findall(r'[A-Za-z_][A-Za-z0-9_]*(?:=(?:"[^"]*"|\S*))?', arguments):
        name, _, value = item.partition("=")
        declared[name] = value.strip('"')
    return declared


def test_every_stage_builds_from_python_3_11() -> None:
    images = [args.split()[0] for name, args in dockerfile_instructions() if name == "FROM"]
    assert len(images) >= 2, "expected a build stage and a runtime stage"
    assert all(image.startswith("python:3.11") for image in images), images


def test_runtime_stage_installs_the_wheel_built_before_it() -> None:
    runtime = final_stage()
    uses_build = [args for name, args in runtime if name in ("RUN", "COPY") and "from=" in args]
    assert uses_build, "the runtime stage should take the wheels from the build stage"
    assert any("pip wheel" in args for name, args in dockerfile_instructions() if name == "RUN")


def pip_commands(instructions: list[tuple[str, str]]) -> list[list[str]]:
    """The words of each `pip install`, `pip download` or `pip wheel` the RUN lines hold."""
    commands = []
    for name, arguments in instructions:
        if name != "RUN":
            continue
        for command in re.split(r"&&|;", arguments):
            words = command.split()
            pip = [i for i, w in enumerate(words) if w == "pip" or w.endswith("/pip")]
            if pip and words[pip[0] + 1 : pip[0] + 2] in (["install"], ["download"], ["wheel"]):
                commands.append(words[pip[0] :])
    return commands


def from_the_lock_with_hashes(words: list[str]) -> bool:
    lock = [b for a, b in itertools.pairwise(words) if a in ("-r", "--requirement")]
    return "--require-hashes" in words and any(path.endswith("requirements.lock") for path in lock)


def test_dependencies_are_installed_from_the_lock_with_their_hashes() -> None:
    """A rebuilt release gets the same dependency versions, and a swapped file fails the build."""
    runtime = pip_commands(final_stage())
    assert any(from_the_lock_with_hashes(words) for words in runtime), runtime
    (own,) = [words for words in runtime if "kuager" in words]
    assert "--no-deps" in own, "Kuager itself must not pull in anything beside the lock"
    for words in pip_commands(dockerfile_instructions()):
        assert from_the_lock_with_hashes(words) or "--no-deps" in words, " ".join(words)


def locked_packages() -> dict[str, tuple[str, list[str]]]:
    """requirements.lock as {name: (pinned version, sha256 hashes)}."""
    locked: dict[str, tuple[str, list[str]]] = {}
    for line in LOCK.read_text(encoding="utf-8").replace("\\\n", " ").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        pinned = re.fullmatch(r"([A-Za-z0-9._-]+)==(\S+)((?:\s+--hash=sha256:[0-9a-f]{64})*)", line)
        assert pinned, f"not an exact pin with hashes: {line[:80]}"
        locked[canonicalize_name(pinned[1])] = (pinned[2], pinned[3].split())
    return locked


def project_requirements(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    lines = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


def extras_requirements(requirement: Requirement) -> list[Requirement]:
    """What the extras asked for (`python-telegram-bot[webhooks]` → tornado) add, as installed."""
    added = []
    for line in importlib.metadata.requires(requirement.name) or []:
        needed = Requirement(line)
        marker = needed.marker
        if marker is None or "extra" not in str(marker):
            continue  # needed whatever the extras: pip-compile follows those anyway
        if any(marker.evaluate({"extra": extra}) for extra in requirement.extras):
            added.append(needed)
    return added


def test_lock_pins_every_direct_dependency_with_a_hash() -> None:
    locked = locked_packages()
    assert all(hashes for _, hashes in locked.values())
    for requirement in project_requirements():
        for needed in [requirement, *extras_requirements(requirement)]:
            name = canonicalize_name(needed.name)
            assert name in locked, f"{needed.name} is not in requirements.lock"
            version, _ = locked[name]
            assert needed.specifier.contains(version, prereleases=True), (str(needed), version)


def test_lock_holds_production_dependencies_only() -> None:
    production = {canonicalize_name(r.name) for r in project_requirements()}
    extras = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    tooling = {canonicalize_name(r.name) for extra in extras for r in project_requirements(extra)}
    assert not (tooling - production) & set(locked_packages())


def test_image_runs_as_an_unprivileged_user() -> None:
    users = [args.strip() for name, args in final_stage() if name == "USER"]
    assert users, "the runtime stage must set USER"
    assert users[-1] not in ROOT_USERS
    assert users[-1].split(":")[0] == "10001"


def test_no_secret_is_baked_into_the_image() -> None:
    for instruction, arguments in dockerfile_instructions():
        if instruction not in ("ENV", "ARG"):
            continue
        for name in declared_names(instruction, arguments):
            assert not SECRET_NAME.search(name), f"{instruction} {name} would bake a secret in"


def entrypoint(*command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The image's ENTRYPOINT run as Docker runs it (exec form, CMD appended), with this
    venv's real `kuager` first on PATH."""
    argv = json.loads(dict(final_stage())["ENTRYPOINT"])
    path = f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"
    return subprocess.run(
        [*argv, *command],
        env={**env, "PATH": path},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def test_entrypoint_runs_kuager_check_before_the_bot(tmp_path: Path) -> None:
    # Given the image's environment with no token, draft key or reviewer key
    env = {"KUAGER_STORAGE_DATABASE_URL": str(tmp_path / "kuager.db"), "HOME": str(tmp_path)}
    # When the container starts with its default command
    result = entrypoint(*json.loads(dict(final_stage())["CMD"]), env=env)
    # Then `kuager check` stops it, listing every problem, before `run` is reached
    assert result.returncode == 2
    problems = [line for line in result.stdout.splitlines() if line.startswith("PROBLEM")]
    assert any("telegram.token" in line for line in problems)
    assert any("security.draft_key" in line for line in problems)
    assert any("does not exist" in line for line in problems), "check reached the database"
    assert "kuager: config:" not in result.stderr, "run itself never started"
    assert list(tmp_path.iterdir()) == [], "no database file was made"
    # And any other command runs as it is, without the check
    key = entrypoint("draft-key", env=env)
    assert key.returncode == 0 and len(key.stdout.strip()) == 44


def test_healthcheck_asks_kuager_health_on_a_listener_the_image_turns_on() -> None:
    runtime = final_stage()
    (healthcheck,) = [args for name, args in runtime if name == "HEALTHCHECK"]
    probe = json.loads(healthcheck.split("CMD", 1)[1])
    assert probe == ["kuager", "health"] and is_subcommand(probe[1:])
    env: dict[str, str] = {}
    for name, args in runtime:
        if name == "ENV":
            env.update(declared_names(name, args))
    host, _, port = env["KUAGER_HEALTH_LISTEN"].rpartition(":")
    assert host == "127.0.0.1" and port.isdigit(), "loopback: only the container asks it"


def test_default_database_is_in_the_data_volume() -> None:
    runtime = final_stage()
    last = {name: args for name, args in runtime}
    assert json.loads(last["CMD"]) == ["run"]
    env: dict[str, str] = {}
    for name, args in runtime:
        if name == "ENV":
            env.update(declared_names(name, args))
    assert env.get("KUAGER_STORAGE_DATABASE_URL") == "/data/kuager.db"
    assert "/data" in json.loads(last["VOLUME"])
    assert last["WORKDIR"].strip() != "/data", "./config.toml would be read from the data volume"


@pytest.mark.parametrize(
    "pattern",
    [
        "**/*.db",
        "**/*.key",
        "**/config.toml",
        "**/.env",
        ".venv",
        ".git",
        ".pytest_cache",
        "standin",
    ],
)
def test_dockerignore_keeps_secrets_and_state_out_of_the_build_context(pattern: str) -> None:
    patterns = {line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()}
    assert pattern in patterns


def test_image_carries_no_standin() -> None:
    """Production installs Kuager alone: neither the stand-in's folder nor the demo extra."""
    for instruction, arguments in dockerfile_instructions():
        if instruction in ("COPY", "ADD", "RUN"):
            assert "standin" not in arguments, f"{instruction} {arguments}"
            assert "[demo" not in arguments.replace(" ", ""), f"{instruction} {arguments}"


def is_subcommand(argv: list[str]) -> bool:
    try:
        build_parser().parse_args(argv)
    except SystemExit:
        return False
    return True


def test_image_default_command_is_a_real_subcommand() -> None:
    assert is_subcommand(json.loads(dict(final_stage())["CMD"]))


# compose.yaml ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml", reason="pyyaml (test extra) parses compose.yaml")
    document = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment in either compose form (mapping, or list of NAME=value)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.partition("=")[::2] for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def ours(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services that run the Kuager image (the bot, and any one-shot migration)."""
    return {
        name: service
        for name, service in compose["services"].items()
        if "build" in service or str(service.get("image", "")).startswith("kuager")
    }


def test_compose_runs_the_bot_with_postgresql_15_on_a_named_volume(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert {"bot", "db"} <= set(services)
    assert str(services["db"]["image"]).startswith("postgres:15")
    named = set(compose.get("volumes") or {})
    mounts = [str(v).split(":")[0] for v in services["db"].get("volumes", [])]
    assert any(source in named for source in mounts), "the database needs a named volume"


def test_database_is_not_reachable_from_outside(compose: dict[str, Any]) -> None:
    db = compose["services"]["db"]
    assert "ports" not in db
    assert db.get("network_mode") != "host"
    networks = compose.get("networks") or {}
    for network in db.get("networks") or []:
        assert (networks.get(network) or {}).get("internal") is True, network


def test_bot_starts_after_a_healthy_database_and_an_upgraded_schema(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert "pg_isready" in json.dumps(services["db"]["healthcheck"]["test"])
    depends = services["bot"]["depends_on"]
    assert depends["db"]["condition"] == "service_healthy"
    auto_upgrade = environment(services["bot"]).get("KUAGER_STORAGE_AUTO_UPGRADE", "")
    migrations = [
        name
        for name, service in ours(compose).items()
        if service.get("command") == ["db", "upgrade"]
        and depends.get(name, {}).get("condition") == "service_completed_successfully"
    ]
    assert auto_upgrade.lower() == "true" or migrations
    for name in migrations:
        assert is_subcommand(services[name]["command"])


def test_compose_checks_the_bots_health(compose: dict[str, Any]) -> None:
    bot = compose["services"]["bot"]
    probe = bot["healthcheck"]["test"]
    assert probe[0] == "CMD" and probe[1] == "kuager" and is_subcommand(probe[2:])
    assert environment(bot)["KUAGER_HEALTH_LISTEN"].startswith("127.0.0.1:")


def test_compose_commands_are_real_subcommands(compose: dict[str, Any]) -> None:
    for name, service in ours(compose).items():
        assert is_subcommand(service["command"]), name


def test_kuager_containers_are_locked_down(compose: dict[str, Any]) -> None:
    services = ours(compose)
    assert "bot" in services
    for name, service in services.items():
        assert str(service.get("user", "")) not in ROOT_USERS, name
        assert service.get("read_only") is True, name
        assert any(str(t).split(":")[0] == "/tmp" for t in service.get("tmpfs", [])), name
        assert "no-new-privileges:true" in service.get("security_opt", []), name
        assert "ALL" in service.get("cap_drop", []), name
        assert "ports" not in service, name


def test_compose_environment_holds_references_not_secrets(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for key, value in environment(service).items():
            if SECRET_NAME.search(key) and value:
                assert REFERENCE.match(value), f"{name}: {key} has a literal value"
            for password in URL_PASSWORD.findall(value):
                assert REFERENCE.match(password), f"{name}: {key} has a literal password"


def test_compose_text_has_no_literal_secret_even_without_yaml() -> None:
    """A line-level check that runs whether or not pyyaml is installed."""
    text = COMPOSE.read_text(encoding="utf-8")
    setting = re.compile(r"^\s*-?\s*[\"']?([A-Za-z0-9_]+)[\"']?\s*[:=]\s*(.*?)\s*$")
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        found = setting.match(line)
        if found and SECRET_NAME.search(found[1]) and found[2]:
            assert REFERENCE.match(found[2].strip("\"'")), line
    for password in URL_PASSWORD.findall(text):
        assert password.startswith("${"), password
    assert "postgres:15" in text


# Security and translation documents -------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "phrases"),
    [
        (
            SECURITY,
            [
                "security@kuager.invalid",
                "PGP",
                "not end-to-end encrypted",
                "BotFather",
                "kuager keygen",
                "kuager reseal",
                "kuager verify",
                "--head",
                "72",
                "EXIF",
                "formula",
            ],
        ),
        (
            TRANSLATING,
            [
                "locales/{kk,ru,en}/LC_MESSAGES/messages.po",
                "kuager i18n",
                "handlers/i18n.py",
                "LANGUAGES",
                "kk_Latn",
                "Poedit",
                "Weblate",
                "{count}",
                "<code>",
                "make test",
            ],
        ),
    ],
    ids=["SECURITY.md", "translating.md"],
)
def test_document_covers_what_its_readers_need(document: Path, phrases: list[str]) -> None:
    text = document.read_text(encoding="utf-8")
    missing = [phrase for phrase in phrases if phrase not in text]
    assert not missing


def glossary_rows() -> tuple[list[str], list[list[str]]]:
    """The glossary's one table: its header cells and its body rows."""
    lines = [
        line.strip()
        for line in GLOSSARY.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("|")
    ]
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    header, separator, *rows = cells
    assert all(set(cell) <= set(":- ") for cell in separator), "the second line must be |---|"
    return header, rows


def test_glossary_is_one_table_in_three_languages() -> None:
    header, rows = glossary_rows()
    assert [h.split(" ")[0] for h in header[:3]] == ["English", "Russian", "Kazakh"]
    assert len(rows) >= 60
    for row in rows:
        assert len(row) == len(header), row
        english, russian, kazakh = row[:3]
        assert english and russian and kazakh, row
        assert not LATIN.search(russian), f"Russian in Latin letters: {row}"
        assert not LATIN.search(kazakh), f"Kazakh in Latin letters: {row}"


def test_glossary_kazakh_is_written_with_kazakh_letters() -> None:
    _, rows = glossary_rows()
    kazakh = [row[2] for row in rows]
    with_letters = [cell for cell in kazakh if KAZAKH_LETTERS & set(cell)]
    assert len(with_letters) >= len(kazakh) * 0.6
    russian_with_letters = [row[1] for row in rows if KAZAKH_LETTERS & set(row[1])]
    assert len(russian_with_letters) <= len(rows) * 0.1, "Russian and Kazakh columns swapped?"
    text = GLOSSARY.read_text(encoding="utf-8")
    for term in ("уақытша ұстау изоляторы", "тергеу изоляторы", "Ұлттық ұлан", "ҰҚК", "сіз"):
        assert term in text, term


def test_security_md_states_the_rate_limit_the_bot_applies() -> None:
    """An operator sizing their own limits reads the default here, not in the code."""
    text = " ".join(SECURITY.read_text("utf-8").split())
    # Every update counts (handlers.services.RateLimiter): button presses as well as messages.
    stated = re.search(
        r"`rate_limit_per_minute` updates — messages and button presses alike — in any 60 "
        r"seconds \((\d+) by default",
        text,
    )
    assert stated is not None, "SECURITY.md no longer states the flood limit's default"
    assert int(stated.group(1)) == SecurityConfig().rate_limit_per_minute
