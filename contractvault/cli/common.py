"""What every command module shares: the global options, opening the vault, output."""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from contractvault.config import ENV_PASSPHRASE
from contractvault.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from contractvault.vault import Vault

# The `--json` flag every reporting command takes (cli-contract.md).
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
Opt = typer.Option
# A user's `-o PATH`: kept as the text typed (a Path would turn "" into "."), checked and
# written by contractvault.util.new_output_file/output_writer or new_output_dir/atomic_folder.
# `--force` (cli-contract.md): replace an existing regular file, never a link or anything else.
ForceFlag = Annotated[bool, typer.Option(
    "--force", help="Replace an existing regular file (never a link, folder or device).")]


@dataclass
class State:
    """Global options, kept on the Typer context."""

    vault_path: Path
    debug: bool = False
    # A TSA for records sealed by this run (`--tsa URL`), over the vault's stored one.
    tsa_url: str | None = None


def state(ctx: typer.Context) -> State:
    """The global options of this invocation."""
    root = ctx.find_root()
    obj = root.obj
    assert isinstance(obj, State)
    return obj


def can_prompt() -> bool:
    """Whether a person can be asked: stdin is open and a terminal (with `<&-` Python has
    no sys.stdin at all; with `</dev/null` it is not a terminal)."""
    stdin = sys.stdin
    try:
        return stdin is not None and not stdin.closed and stdin.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def passphrase_provider(confirm: bool = False) -> Any:
    """$CONTRACTVAULT_PASSPHRASE, else a prompt when a terminal is attached, else nothing."""

    def provide() -> str | None:
        env = os.environ.get(ENV_PASSPHRASE)
        if env:
            return env
        if can_prompt():
            first = getpass.getpass("Passphrase for the vault's signing key: ")
            if confirm and getpass.getpass("Repeat the passphrase: ") != first:
                raise UsageError("the passphrases differ", "", "Run the command again")
            return first
        return None

    return provide


def open_vault(ctx: typer.Context) -> Vault:
    """Open the vault named by the global options."""
    # Imported here: `contractvault --help` must not pay for SQLAlchemy.
    from contractvault.storage.rfc3161 import TsaConfig, check_tsa_url
    from contractvault.vault import Vault

    st = state(ctx)
    tsa = None
    if st.tsa_url:
        check_tsa_url(st.tsa_url)
        tsa = TsaConfig(url=st.tsa_url, source="option")
    return Vault.open(st.vault_path, passphrase=passphrase_provider(), tsa=tsa)


class LazyConsole:
    """A rich Console made when something is first printed with it: a `--json` answer,
    an error line or the help never import rich's Console for it (the help has its own)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def get(self) -> Console:
        """The Console itself (for rich objects that take one)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


# emoji=False: a title, a query or a clause with ":ok:" in it is printed as written, not as 🆗.
console = LazyConsole(highlight=False, emoji=False)
# soft_wrap: a message to stderr stays one line, whatever the terminal width.
err_console = LazyConsole(stderr=True, highlight=False, soft_wrap=True, emoji=False)


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
                   TimeRemainingColumn(), console=err_console.get(), transient=True,
                   disable=not err_console.is_terminal)
    task = bar.add_task(description, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update
