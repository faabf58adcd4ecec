"""The root command: global options, the command groups, and the one place where
exceptions become a message and an exit code.

The command modules are imported when one of their commands is asked for (or the help
lists them all): `contractvault search` imports and builds `search` and `reindex` only.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
import traceback
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from contractvault.cli.coercion import plain_help_options, plain_values_first
from contractvault.cli.common import State
from contractvault.config import default_vault_path
from contractvault.errors import ContractVaultError, ExitCode, error_line


def say_error(line: str) -> None:
    """One line on stderr, no markup surprises from user text."""
    sys.stderr.write(error_line(line) + "\n")
    sys.stderr.flush()


# The modules of contractvault.cli that declare commands, and the names they declare, in
# the order of the help (tests/test_cli_startup.py checks this against the modules).
COMMANDS: dict[str, tuple[str, ...]] = {
    "vault": ("init", "doctor", "demo"),
    "contract": ("contract",),
    "records": ("list", "show", "register"),
    "documents": ("add", "supersede"),
    "capture": ("capture", "recheck"),
    "search": ("search", "reindex"),
    "verify": ("verify", "timestamp"),
    "key": ("key",),
    "export": ("export",),
    "followup": ("followup",),
    "deficiency": ("deficiency",),
    "report": ("report",),
    "authority": ("authority",),
    "user": ("user",),
    "serve": ("serve",),
}


def command_module(module: str) -> dict[str, Any]:
    """The commands one module declares, made as Typer makes them for the root app (as if
    its app were added with ``app.add_typer``), with plain values converted first."""
    declared = importlib.import_module(f"contractvault.cli.{module}").app
    holder = typer.Typer(add_completion=False, rich_markup_mode=app.rich_markup_mode,
                         pretty_exceptions_short=app.pretty_exceptions_short,
                         suggest_commands=app.suggest_commands)
    holder.add_typer(declared)
    commands = dict(typer.main.get_command(holder).commands)
    plain_values_first(commands.values())
    return commands


def command_summaries(module: str) -> dict[str, Any]:
    """Stand-ins for the commands one module declares, carrying what the root's help lists
    of each (name, summary, hidden, deprecated, panel) as Typer would resolve it, without
    building their parameters; a module that declares more than commands and named
    groups is made in full."""
    declared = importlib.import_module(f"contractvault.cli.{module}").app
    holder = typer.Typer(add_completion=False)
    holder.add_typer(declared)
    solved = typer.main.solve_typer_info_defaults(holder.registered_groups[0])
    if solved.name:  # a named group, e.g. `contract`
        return {solved.name: _stand_in(solved.name, solved.help, solved)}
    if declared.registered_groups or declared.registered_callback:
        return command_module(module)
    out = {}
    for info in declared.registered_commands:
        name = info.name or typer.main.get_command_name(info.callback.__name__)
        text = inspect.getdoc(info.callback) if info.help is None else inspect.cleandoc(info.help)
        out[name] = _stand_in(name, text, info)
    return out


def _stand_in(name: str, text: str | None, info: Any) -> TyperCommand:
    return TyperCommand(name=name, help=text, short_help=info.short_help, hidden=info.hidden,
                        deprecated=info.deprecated, rich_help_panel=info.rich_help_panel)


class _Commands(MutableMapping[str, Any]):
    """The root's subcommands by name; a module's commands are made on first use. While
    the root's help is written (``listing``) it gets stand-ins that only name and sum up
    the commands not made yet."""

    def __init__(self) -> None:
        self._module = {name: module for module, names in COMMANDS.items() for name in names}
        self._made: dict[str, Any] = {}
        self._summaries: dict[str, Any] = {}
        self._listing = False

    def __getitem__(self, name: str) -> Any:
        if name in self._made:
            return self._made[name]
        if self._listing:
            if name not in self._summaries:
                self._summaries.update(command_summaries(self._module[name]))
            return self._summaries[name]
        self._made.update(command_module(self._module[name]))
        return self._made[name]

    @contextmanager
    def listing(self) -> Iterator[None]:
        """While the root's help lists the commands."""
        self._listing = True
        try:
            yield
        finally:
            self._listing = False

    def __setitem__(self, name: str, command: Any) -> None:  # add_command(), as on any group
        self._module.setdefault(name, "")
        self._made[name] = command

    def __delitem__(self, name: str) -> None:
        del self._module[name]
        self._made.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._module)

    def __len__(self) -> int:
        return len(self._module)


class VaultGroup(TyperGroup):
    """Root group: runs the command and maps any exception to one line and an exit code."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _Commands()
        # Plain values converted without Pydantic: a search must not pay for importing it.
        plain_values_first([], *self.params)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names only: nothing is imported for them

    def format_help(self, ctx: Any, formatter: Any) -> None:
        # The help lists each command's name and summary: no command needs building for it.
        assert isinstance(self.commands, _Commands)
        with self.commands.listing():
            super().format_help(ctx, formatter)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        plain_values_first([], option)
        return option

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name, cmd, rest = super().resolve_command(ctx, args)
        if cmd is not None:
            plain_help_options(cmd, ctx)
        return name, cmd, rest

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """Usage errors (bad flags, missing arguments) as one line on stderr, exit code 2."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        # known before: output sent to /dev/null on purpose (cron) keeps its exit codes
        to_devnull = _stdout_is_devnull()
        try:
            rv = super().main(*args, standalone_mode=False, **kwargs)
        except BrokenPipeError:  # the help, piped into `head`
            _reader_gone()
        except SystemExit as exc:
            # rich's answer to a closed pipe: stdout moved to /dev/null, then exit 1
            if exc.code == 1 and not to_devnull and _stdout_is_devnull():
                _reader_gone()
            raise
        except typer.Abort:
            say_error("aborted")
            sys.exit(ExitCode.UNEXPECTED)
        except Exception as exc:
            # Typer's bundled click raises its usage errors with these two attributes.
            if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
                raise
            if type(exc).__name__ == "NoArgsIsHelpError":
                # A bare `contractvault` (or `contractvault export`): the help is the answer.
                # Typer's rich help printed itself already (its message is then empty).
                if text := exc.format_message():
                    sys.stdout.write(text + "\n")
                sys.exit(ExitCode.OK)
            where = getattr(getattr(exc, "ctx", None), "command_path", "contractvault")
            say_error(f"{exc.format_message()} (see '{where} --help')")
            sys.exit(exc.exit_code)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ContractVaultError as exc:
            if _debug(ctx):
                traceback.print_exc()
            say_error(exc.message)
            for line in exc.details:
                sys.stderr.write(f"  {line}\n")
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            _reader_gone()
        except KeyboardInterrupt:
            say_error("interrupted; nothing half-written was kept")
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            if type(exc).__module__.startswith("typer"):
                raise  # Typer's own usage errors print themselves with exit code 2
            if _debug(ctx):
                traceback.print_exc()
            say_error(f"unexpected failure: {type(exc).__name__}: {exc}. "
                       "Run again with --debug for details and report it")
            raise typer.Exit(ExitCode.UNEXPECTED) from None


def _reader_gone() -> NoReturn:
    """The reader of our output stopped reading (`contractvault search … | head`): what it
    read is what it wanted, so this is no failure. Output still buffered goes nowhere, so
    that flushing it at exit does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    sys.exit(ExitCode.OK)


def _stdout_is_devnull() -> bool:
    try:
        out, null = os.fstat(sys.stdout.fileno()), Path(os.devnull).stat()
    except (OSError, ValueError):
        return False
    return (out.st_dev, out.st_ino) == (null.st_dev, null.st_ino)


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


@app.callback()
def _global(
    ctx: typer.Context,
    vault: Path | None = typer.Option(None, "--vault", help="Vault folder (else $CONTRACTVAULT_HOME, else the user data dir)."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
    tsa: str | None = typer.Option(None, "--tsa", metavar="URL",
                                   help="RFC 3161 time-stamping authority for records sealed now."),
) -> None:
    ctx.obj = State(vault_path=vault or default_vault_path(), debug=debug, tsa_url=tsa)


