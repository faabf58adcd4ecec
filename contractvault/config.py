"""Where things are: the vault folder, the database URL, the passphrase. Env vars first."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_HOME = "CONTRACTVAULT_HOME"
ENV_DB_URL = "CONTRACTVAULT_DB_URL"
ENV_PASSPHRASE = "CONTRACTVAULT_PASSPHRASE"
ENV_TSA = "CONTRACTVAULT_TSA_URL"
ENV_TSA_CA = "CONTRACTVAULT_TSA_CA"
ENV_USER = "CONTRACTVAULT_USER"


def default_vault_path() -> Path:
    """$CONTRACTVAULT_HOME, else the platform's user data dir."""
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    import platformdirs  # here: a start with $CONTRACTVAULT_HOME or --vault needs none of it

    return Path(platformdirs.user_data_dir("contractvault", appauthor=False))


def current_user() -> str:
    """Who is acting: $CONTRACTVAULT_USER, else the login name."""
    env = os.environ.get(ENV_USER)
    if env:
        return env
    try:
        return os.getlogin()
    except OSError:
        import getpass

        return getpass.getuser()


@dataclass(frozen=True)
class VaultPaths:
    """The layout of a vault folder."""

    root: Path

    @property
    def marker(self) -> Path:
        return self.root / "vault.json"

    @property
    def blobs(self) -> Path:
        return self.root / "blobs"

    @property
    def db_file(self) -> Path:
        return self.root / "metadata.sqlite"

    @property
    def index(self) -> Path:
        return self.root / "index"

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    @property
    def ledger(self) -> Path:
        return self.root / "ledger"

    @property
    def checkpoints_file(self) -> Path:
        return self.ledger / "checkpoints.jsonl"

    @property
    def pending(self) -> Path:
        return self.ledger / "pending"

    @property
    def lock_file(self) -> Path:
        return self.root / ".write.lock"

    @property
    def tsa_config(self) -> Path:
        return self.root / "tsa.json"

    def token(self, seq: int, tsa_id: str | None = None) -> Path:
        """Where the RFC 3161 token of record `seq` is kept beside the ledger: the first
        token as `<seq>.tsr`, one from a further TSA as `<seq>-<tsa id>.tsr`."""
        return self.ledger / "tokens" / (f"{seq}-{tsa_id}.tsr" if tsa_id else f"{seq}.tsr")

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"
