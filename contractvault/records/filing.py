"""The diarium and Ciceron copies of an agreement: diarienummer and Ciceron reference.

The accepted form of a diarienummer is a regular expression, taken from (first found):
1. the environment variable CONTRACTVAULT_DNR_PATTERN,
2. the key `diarienummer_pattern` in the vault's `config.toml` (top level),
3. the default `^[A-ZÅÄÖ]{1,6}-\\d{4}-\\d{1,6}$` (e.g. KS-2023-00815).
The environment wins, as everywhere in ContractVault; the vault file is the municipality's
lasting setting. Changes go through `update_contract`, so each one is logged.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from contractvault.errors import UsageError
from contractvault.records import refs
from contractvault.records.contracts import ContractFields, contract_dict, update_contract
from contractvault.vault import Vault

ENV_DNR_PATTERN = "CONTRACTVAULT_DNR_PATTERN"
CONFIG_FILE = "config.toml"
CONFIG_KEY = "diarienummer_pattern"
DEFAULT_DNR_PATTERN = r"^[A-ZÅÄÖ]{1,6}-\d{4}-\d{1,6}$"
MAX_CICERON_REF = 128


@dataclass(frozen=True)
class DnrPattern:
    """The diarienummer pattern in force and where it came from."""

    pattern: str
    source: str  # "env", "config" or "default"

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern; UsageError naming its source when it is not a valid regex."""
        try:
            return re.compile(self.pattern)
        except re.error as exc:
            where = {"env": f"${ENV_DNR_PATTERN}", "config": f"{CONFIG_KEY} in {CONFIG_FILE}",
                     "default": "the default"}[self.source]
            raise UsageError(f"the diarienummer pattern from {where} is not a valid regular "
                             "expression", str(exc), "Fix it, or remove it to use the default") from exc


def read_config(vault: Vault) -> dict[str, Any]:
    """The vault's config.toml as a dict ({} when there is none)."""
    path = vault.root / CONFIG_FILE
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path} cannot be read", str(exc), "Fix the TOML syntax") from exc


def dnr_pattern(vault: Vault) -> DnrPattern:
    """The diarienummer pattern in force for this vault."""
    env = os.environ.get(ENV_DNR_PATTERN)
    if env:
        return DnrPattern(env, "env")
    value = read_config(vault).get(CONFIG_KEY)
    if value is not None:
        if not isinstance(value, str) or not value:
            raise UsageError(f"{CONFIG_KEY} in {CONFIG_FILE} is not a string",
                             "it must be a regular expression in quotes")
        return DnrPattern(value, "config")
    return DnrPattern(DEFAULT_DNR_PATTERN, "default")


def validate_diarienummer(vault: Vault, dnr: str) -> str:
    """The diarienummer, stripped, if it has the accepted form; UsageError otherwise."""
    value = dnr.strip()
    pat = dnr_pattern(vault)
    if not pat.compiled().fullmatch(value):
        raise UsageError(f"'{value}' is not a diarienummer of the accepted form",
                         f"it must match {pat.pattern} ({pat.source})",
                         "e.g. KS-2023-00815; set diarienummer_pattern in the vault's "
                         "config.toml or $CONTRACTVAULT_DNR_PATTERN for another form")
    return value


def register(vault: Vault, contract: str, *, diarienummer: str | None = None,
             ciceron: str | None = None) -> dict[str, Any]:
    """Record the diarienummer and/or the Ciceron copy reference of a contract.

    Returns the contract as JSON-able data. Both are logged as contract changes.
    """
    if diarienummer is None and ciceron is None:
        raise UsageError("nothing to register", "",
                         "Give --diarienummer DNR and/or --ciceron REF")
    extra: dict[str, Any] = {}
    if diarienummer is not None:
        extra["diarienummer"] = validate_diarienummer(vault, diarienummer)
    if ciceron is not None:
        ref = ciceron.strip()
        if not ref:
            raise UsageError("the Ciceron reference is empty",
                             "give the id of the copy in Ciceron's avtalsdatabas")
        if len(ref) > MAX_CICERON_REF:
            raise UsageError("the Ciceron reference is too long",
                             f"at most {MAX_CICERON_REF} characters")
        extra["ciceron_ref"] = ref
    cid = update_contract(vault, contract, ContractFields(), extra=extra)
    with vault.session() as s:
        return contract_dict(refs.contract(s, cid))
