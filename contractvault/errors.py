"""Domain exceptions. Each carries a fixed exit code (cli-contract.md) and a one-line message.

The CLI maps them to stderr lines in one place (`VaultGroup` in contractvault.cli.app); the library
never prints.
"""

from __future__ import annotations

import re
from enum import IntEnum

# Long user input (a 100 KB URL) is cut in messages: the line must stay readable.
MAX_ECHO = 200


class ExitCode(IntEnum):
    """The exit codes of cli-contract.md, named once."""

    OK = 0
    UNEXPECTED = 1
    USAGE = 2
    REFUSED = 3
    VERIFICATION = 4
    NOT_FOUND = 5
    INTERRUPTED = 130


# A whole message stays this short; its end (the hint: what to do) is kept.
MAX_LINE = 1000
_LONG_RUN = re.compile(rf"\S{{{MAX_ECHO + 1},}}")


def error_line(message: str) -> str:
    """The one line an error is shown as, with the program's prefix (see `one_line`)."""
    return f"contractvault: {one_line(message)}"


def one_line(message: str) -> str:
    """A message as one bounded line.

    Every error passes here, so user input echoed in it is bounded here once: a run of
    more than MAX_ECHO characters without a space (a 100 KB URL, a path, a number) is cut
    to its first MAX_ECHO characters and its length, a line longer than MAX_LINE loses
    its middle, and line breaks become spaces (one error is one line)."""
    text = " ".join(str(message).split())
    text = _LONG_RUN.sub(lambda m: echo(m.group(0)), text)
    if len(text) > MAX_LINE:
        keep = MAX_LINE // 2
        text = f"{text[:keep]} … ({len(text) - 2 * keep} characters cut) … {text[-keep:]}"
    return text


def echo(value: object, limit: int = MAX_ECHO) -> str:
    """User input as it may appear in a message: cut to `limit` characters."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


class ContractVaultError(Exception):
    """Base class: `what` failed, `why`, and `hint` (what to do)."""

    exit_code: ExitCode = ExitCode.UNEXPECTED

    def __init__(self, what: str, why: str = "", hint: str = "",
                 details: list[str] | None = None) -> None:
        self.what = what
        self.why = why
        self.hint = hint
        # Further lines a user needs all at once (e.g. every problem of an import).
        self.details = details or []
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The one line a user sees: what, why, what to do."""
        parts = [self.what]
        if self.why:
            parts.append(self.why)
        line = ": ".join(parts)
        if self.hint:
            line += f". {self.hint}"
        return line


class UsageError(ContractVaultError):
    """Bad input from the user (a flag value, a file that cannot be read)."""

    exit_code = ExitCode.USAGE


class RefusedError(ContractVaultError):
    """Refused by a rule, e.g. a signer without authority."""

    exit_code = ExitCode.REFUSED


class VerificationError(ContractVaultError):
    """Evidence does not verify: tampering or missing data."""

    exit_code = ExitCode.VERIFICATION


class NotFoundError(ContractVaultError):
    """An id, a vault or a file that does not exist."""

    exit_code = ExitCode.NOT_FOUND


class VaultLockedError(ContractVaultError):
    """The signing key cannot be unlocked (no or wrong passphrase)."""

    exit_code = ExitCode.USAGE
