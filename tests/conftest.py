"""Shared fixtures: a fresh vault per test (SQLite, or PostgreSQL when
CONTRACTVAULT_TEST_DB_URL is set), the CLI runner, a passphrase set in the environment."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from contractvault.cli import app
from contractvault.vault import Vault

PASSPHRASE = "correct horse battery staple"
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def db_url() -> Iterator[str | None]:
    """None (the vault's own SQLite file) or a PostgreSQL URL with a schema of its own."""
    base = os.environ.get("CONTRACTVAULT_TEST_DB_URL")
    if not base:
        yield None
        return
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str | None) -> dict[str, str]:
    """Environment of a test: passphrase, vault home, database URL, a fixed user name."""
    home = tmp_path / "vault"
    monkeypatch.setenv("CONTRACTVAULT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("CONTRACTVAULT_HOME", str(home))
    monkeypatch.setenv("CONTRACTVAULT_USER", "test.user")
    monkeypatch.delenv("CONTRACTVAULT_TSA_URL", raising=False)
    if db_url:
        monkeypatch.setenv("CONTRACTVAULT_DB_URL", db_url)
    else:
        monkeypatch.delenv("CONTRACTVAULT_DB_URL", raising=False)
    return {"CONTRACTVAULT_PASSPHRASE": PASSPHRASE, "CONTRACTVAULT_HOME": str(home),
            "CONTRACTVAULT_USER": "test.user", **({"CONTRACTVAULT_DB_URL": db_url} if db_url else {})}


@pytest.fixture
def vault_path(env: dict[str, str]) -> Path:
    """Where the test's vault lives (not yet created)."""
    return Path(env["CONTRACTVAULT_HOME"])


@pytest.fixture
def vault(vault_path: Path) -> Iterator[Vault]:
    """A fresh, initialised vault, opened."""
    v = Vault.create(vault_path, lambda: PASSPHRASE)
    yield v
    v.close()


class Cli:
    """Runs the CLI in-process; `cli("list", "--json")` returns the Result."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)

    def json(self, *args: str):
        import json

        result = self(*args, "--json")
        assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
        return json.loads(result.stdout)


@pytest.fixture
def cli(env: dict[str, str]) -> Cli:
    """The CLI, bound to the test's environment."""
    return Cli()


@pytest.fixture
def initialised(cli: Cli, vault_path: Path) -> Path:
    """A vault created through `contractvault init`."""
    result = cli("init")
    assert result.exit_code == 0, result.stderr
    return vault_path
