"""Signer authority: the municipality's delegation register and the check against it.

`model` holds the register's parts, `parse` and `validate` read a TOML register (every
problem with its line), `rules` is the check of authority-format.md (pure code, no I/O),
`report` writes a register back as TOML and summarises it, and `store` keeps register
versions and decisions in the vault.
"""

from __future__ import annotations

from contractvault.authority.model import (
    SCOPE_ANY,
    AuthorityRegister,
    Board,
    Delegation,
    Fullmakt,
    Holding,
    Person,
    Position,
    RegisterInvalid,
    RegisterProblem,
)
from contractvault.authority.parse import parse_register
from contractvault.authority.report import describe_register, register_to_toml
from contractvault.authority.rules import AuthorityCheck, AuthorityRequest, check_authority

__all__ = [
    "SCOPE_ANY",
    "AuthorityCheck",
    "AuthorityRegister",
    "AuthorityRequest",
    "Board",
    "Delegation",
    "Fullmakt",
    "Holding",
    "Person",
    "Position",
    "RegisterInvalid",
    "RegisterProblem",
    "check_authority",
    "describe_register",
    "parse_register",
    "register_to_toml",
]
