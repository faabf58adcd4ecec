"""Plain command-line values (text, whole numbers, paths) without Pydantic.

Typer (0.2x) converts every parameter value through a Pydantic ``TypeAdapter`` that it
builds the first time the parameter is processed, even for a value of None; importing
Pydantic for that costs a cold `contractvault search` more than its own work. Here each
parameter of our commands gets a converter that answers the plain cases itself, with the
very value Typer's adapter would give, and hands everything else (a bad number, a date, a
choice, a custom parser) to Typer's own converter, built only then: its results and its
error messages stay Typer's.

Typer's converter slot is private (``_TyperParameter._runtime_param``); with a Typer that
has no such slot nothing is changed. tests/test_cli_startup.py checks both that a search
imports no Pydantic and that these answers equal Typer's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

try:
    from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
    from typer._param_types import coerce_cli_path
except ImportError:  # a Typer without Pydantic coercion: nothing to speed up
    RuntimeParam = None  # type: ignore[assignment,misc]

# Digits only, short enough that int() and Pydantic surely agree ("010" is 10 for both);
# anything else ("1_000", " 7", "0x10", too long) goes to Pydantic.
_WHOLE = re.compile(r"-?[0-9]{1,18}")
_DECIMAL = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,15})?")


class _NotPlainError(Exception):
    """The value is not one answered here; Typer's converter decides."""


def _plain(annotation: Any, info: Any, value: Any, param: Any, ctx: Any) -> Any:
    """The converted value, as Typer's adapter would give it; raises _NotPlainError otherwise."""
    if info.parser is not None:
        raise _NotPlainError
    if get_origin(annotation) is list:
        (item_type,) = get_args(annotation) or (None,)
        items = value if isinstance(value, list | tuple) else [value]
        return [_plain(item_type, info, v, param, ctx) for v in items]
    if annotation is str and type(value) is str:
        return value
    ranged = info.min is not None or info.max is not None or info.clamp
    if annotation is int and not ranged:
        if type(value) is int:
            return value
        if type(value) is str and _WHOLE.fullmatch(value):
            return int(value)
    if annotation is float and not ranged:
        if type(value) is float:
            return value
        if type(value) is str and _DECIMAL.fullmatch(value):
            return float(value)
    if (annotation is Path and info.path_type is None and type(value) is str and value
            and value != "-" and str(Path(value)) == value):
        # Typer's own path checks (exists, file_okay, ...) on the Path Pydantic would make;
        # a path written the way Path writes it, so any message names it as typed.
        return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
    raise _NotPlainError


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class PlainFirst(RuntimeParam):  # type: ignore[misc,valid-type]
        """A parameter's converter: plain values here, the rest by Typer's own."""

        descriptor: TypeDescriptor

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                return _plain(self.annotation, self.parameter_info, value, param, ctx)
            except _NotPlainError:
                pass
            typers = build_runtime_param(self.descriptor)
            param._runtime_param = typers  # from now on Typer's converter, built once
            return typers._coerce_value(value, param=param, ctx=ctx)


def _plain_first(param: Any) -> None:
    """Give one parameter the converter above, unless Typer already built its own."""
    if getattr(param, "_runtime_param", False) is None and hasattr(param, "type_descriptor"):
        d = param.type_descriptor
        param._runtime_param = PlainFirst(parameter_info=d.parameter_info, annotation=d.annotation,
                                          descriptor=d)


def plain_values_first(commands: Iterable[Any], *params: Any) -> None:
    """Plain values first for every parameter of these commands and their subcommands,
    and for ``params``."""
    if RuntimeParam is None:
        return
    for param in params:
        _plain_first(param)
    for command in commands:
        for param in command.params:
            _plain_first(param)
        plain_values_first(getattr(command, "commands", {}).values())


def plain_help_options(command: Any, ctx: Any) -> None:
    """The same for the `--help` options of a command and its subcommands, which Typer
    makes when a command line is parsed (and converts even when `--help` is absent).

    Made here with ``ctx``, the root's context, whose help option names every command
    inherits, unless a command names its own (then Typer makes that one itself).
    """
    if RuntimeParam is None:
        return
    if "help_option_names" not in (command.context_settings or {}):
        option = command.get_help_option(ctx)
        if option is not None:
            _plain_first(option)
    for sub in getattr(command, "commands", {}).values():
        plain_help_options(sub, ctx)
