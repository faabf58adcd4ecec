"""The command line: a thin Typer layer over the library (one module per command group)."""

from __future__ import annotations

from contractvault.cli import (  # noqa: F401 - importing registers the commands
    authority,
    capturecmd,
    contracts,
    documents,
    evidence,
    followup,
    search,
    vaultcmds,
)
from contractvault.cli.app import app


def main() -> None:
    """Console-script entry point."""
    app(prog_name="contractvault")


__all__ = ["app", "main"]
