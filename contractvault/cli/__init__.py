"""The command line: a thin Typer face over the library, one module per command group.

Each module declares its own `typer.Typer` and is listed in `app.COMMANDS`; the root
(`app`) imports a module when one of its commands is run, and maps every exception to one
line on stderr and its exit code. A command module imports the library inside its
commands, not at the top: the help imports every command module, and a start should pay
only for the command it runs (tests/test_cli_startup.py).
"""

from __future__ import annotations

from contractvault.cli.app import app


def main() -> None:
    """Console-script entry point."""
    app(prog_name="contractvault")


__all__ = ["app", "main"]
