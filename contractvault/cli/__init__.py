"""The command line: a thin Typer face over the library, one module per command group.

Each module declares its own `typer.Typer`; `app` (the root) adds them and maps every
exception to one line on stderr and its exit code.
"""

from __future__ import annotations

from contractvault.cli.app import app


def main() -> None:
    """Console-script entry point."""
    app(prog_name="contractvault")


__all__ = ["app", "main"]
