"""The Typer application, its shared state and the one place exceptions become messages."""

from __future__ import annotations

import getpass
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from contractvault.config import ENV_PASSPHRASE, ENV_TSA, default_vault_path
from contractvault.errors import ContractVaultError

# The `--json` flag every reporting command takes (cli-contract.md).
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@dataclass
class State:
    """Global options, kept on the Typer context."""

    vault_path: Path
    debug: bool = False


def _say_error(line: str) -> None:
    # One line on stderr, no markup surprises from user text.
    sys.stderr.write(f"contractvault: {line}\n")
    sys.stderr.flush()


class VaultGroup(TyperGroup):
    """Root group: runs the command and maps any exception to one line and an exit code."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """Usage errors (bad flags, missing arguments) as one line on stderr, exit code 2."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            rv = super().main(*args, standalone_mode=False, **kwargs)
        except typer.Abort:
            _say_error("aborted")
            sys.exit(1)
        except Exception as exc:
            # Typer's bundled click raises its usage errors with these two attributes.
            if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
                raise
            where = getattr(getattr(exc, "ctx", None), "command_path", "contractvault")
            _say_error(f"{exc.format_message()} (see '{where} --help')")
            sys.exit(exc.exit_code)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ContractVaultError as exc:
            if _debug(ctx):
                traceback.print_exc()
            _say_error(exc.message)
            for line in exc.details:
                sys.stderr.write(f"  {line}\n")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _say_error("interrupted; nothing half-written was kept")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            if type(exc).__module__.startswith("typer"):
                raise  # Typer's own usage errors print themselves with exit code 2
            if _debug(ctx):
                traceback.print_exc()
            _say_error(f"unexpected failure: {type(exc).__name__}: {exc}. "
                       "Run again with --debug for details and report it")
            raise typer.Exit(1) from None


def _debug(ctx: Any) -> bool:
    state = ctx.obj
    return bool(isinstance(state, State) and state.debug)


app = typer.Typer(
    cls=VaultGroup,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    help="ContractVault: contract archive with evidence capture for Swedish municipalities.",
)
contract_app = typer.Typer(help="Create and change contracts.", no_args_is_help=True)
authority_app = typer.Typer(help="The delegation register and signer-authority checks.",
                            no_args_is_help=True)
followup_app = typer.Typer(help="Avtalsuppföljning: deadlines, follow-ups, calendar.",
                           no_args_is_help=True)
deficiency_app = typer.Typer(help="Deficiencies (brister) against the agreed terms.",
                             no_args_is_help=True)
export_app = typer.Typer(help="Evidence bundles, diarium and Ciceron copies.",
                         no_args_is_help=True)
key_app = typer.Typer(help="The vault's signing keys.", no_args_is_help=True)
app.add_typer(contract_app, name="contract")
app.add_typer(authority_app, name="authority")
app.add_typer(followup_app, name="followup")
app.add_typer(deficiency_app, name="deficiency")
app.add_typer(export_app, name="export")
app.add_typer(key_app, name="key")


@app.callback()
def _global(
    ctx: typer.Context,
    vault: Path | None = typer.Option(None, "--vault", help="Vault folder (else $CONTRACTVAULT_HOME, else the user data dir)."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
    tsa: str | None = typer.Option(None, "--tsa", metavar="URL",
                                   help="RFC 3161 time-stamping authority for records sealed now."),
) -> None:
    if tsa:
        # The library reads the TSA from the environment or the vault's tsa.json.
        os.environ[ENV_TSA] = tsa
    ctx.obj = State(vault_path=vault or default_vault_path(), debug=debug)


def state(ctx: typer.Context) -> State:
    """The global options of this invocation."""
    root = ctx.find_root()
    obj = root.obj
    assert isinstance(obj, State)
    return obj


def passphrase_provider(confirm: bool = False) -> Any:
    """$CONTRACTVAULT_PASSPHRASE, else a prompt when a terminal is attached, else nothing."""

    def provide() -> str | None:
        env = os.environ.get(ENV_PASSPHRASE)
        if env:
            return env
        if sys.stdin.isatty():
            first = getpass.getpass("Passphrase for the vault's signing key: ")
            if confirm and getpass.getpass("Repeat the passphrase: ") != first:
                from contractvault.errors import UsageError

                raise UsageError("the passphrases differ", "", "Run the command again")
            return first
        return None

    return provide


def open_vault(ctx: typer.Context) -> Any:
    """Open the vault named by the global options."""
    from contractvault.vault import Vault

    return Vault.open(state(ctx).vault_path, passphrase=passphrase_provider())


console = Console(highlight=False)
# soft_wrap: a message to stderr stays one line, whatever the terminal width.
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def print_json(data: Any) -> None:
    """The one JSON document a `--json` command prints on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr while the block runs; yields the library's callback."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), console=err_console, transient=True,
                   disable=not err_console.is_terminal)
    task = bar.add_task(description, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update
