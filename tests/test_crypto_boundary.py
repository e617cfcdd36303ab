"""The cryptography stays in `storage/crypto/`: no other product module touches a cipher,
a key derivation or the random bytes keys and nonces are made of.

Read from the sources (every package `pip install` ships), so a newcomer who reaches for
`AESGCM` in a handler is stopped by a test, not by a reviewer's luck. `bench/` and `tests/`
are not shipped and may measure or attack primitives directly.
"""

from __future__ import annotations

import ast
import fnmatch
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRYPTO = ROOT / "storage" / "crypto"
FORBIDDEN_NAMES = frozenset({"AESGCM", "ChaCha20Poly1305", "urandom", "getrandom", "token_bytes"})
"""Ciphers, and the sources of key and nonce bytes (ids may use `secrets.token_hex`)."""


def product_sources() -> Iterator[Path]:
    """Every Python file of the packages pyproject.toml ships, outside storage/crypto/."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    for folder in sorted(ROOT.iterdir()):
        if (folder / "__init__.py").is_file() and any(
            fnmatch.fnmatch(folder.name, p) for p in patterns
        ):
            for path in sorted(folder.rglob("*.py")):
                if CRYPTO not in path.parents:
                    yield path


def crypto_uses(source: str) -> list[str]:
    """What in `source` belongs in storage/crypto/: imports of `cryptography`, ciphers,
    random key or nonce bytes."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "cryptography"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cryptography"):
            found.append(f"from {node.module}")
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_NAMES:
            found.append(node.attr)
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(node.id)
    return found


def test_the_checker_sees_what_it_looks_for() -> None:
    source = (
        "from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n"
        "import os\nnonce = os.urandom(12)\n"
    )
    assert crypto_uses(source) == [
        "from cryptography.hazmat.primitives.ciphers.aead",
        "urandom",
    ]
    assert crypto_uses("import cryptography.hazmat\nimport secrets\nsecrets.token_hex(16)\n") == [
        "cryptography.hazmat"
    ]


def test_no_product_module_outside_storage_crypto_touches_a_cipher_or_a_key() -> None:
    sources = list(product_sources())
    assert any(p.parts[-2:] == ("storage", "drafts.py") for p in sources), "nothing was read"
    offenders = {
        str(path.relative_to(ROOT)): uses
        for path in sources
        if (uses := crypto_uses(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
