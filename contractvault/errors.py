"""Domain exceptions. Each carries a fixed exit code (cli-contract.md) and a one-line message.

The CLI maps them to stderr lines in one place (`VaultGroup` in contractvault.cli.app); the library
never prints.
"""

from __future__ import annotations


class ContractVaultError(Exception):
    """Base class: `what` failed, `why`, and `hint` (what to do)."""

    exit_code = 1

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

    exit_code = 2


class RefusedError(ContractVaultError):
    """Refused by a rule, e.g. a signer without authority."""

    exit_code = 3


class VerificationError(ContractVaultError):
    """Evidence does not verify: tampering or missing data."""

    exit_code = 4


class NotFoundError(ContractVaultError):
    """An id, a vault or a file that does not exist."""

    exit_code = 5


class VaultLockedError(ContractVaultError):
    """The signing key cannot be unlocked (no or wrong passphrase)."""

    exit_code = 2
