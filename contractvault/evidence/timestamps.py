"""Trusted time for sealed records: tokens after sealing, and fetching missing ones later.

The TSA client and its settings are `contractvault.storage.rfc3161` (the vault owns a
`Timestamper`). A token (the TSA's whole TimeStampResp, DER) is kept twice: as
`ledger/tokens/<seq>.tsr` and as a TimestampToken row. A TSA that cannot be reached never
loses a record: it stays sealed, `verify` warns "no timestamp", and
`contractvault timestamp` asks again later.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import select

from contractvault.errors import UsageError
from contractvault.ids import evidence_ref
from contractvault.models import Evidence, TimestampToken
from contractvault.records import refs
from contractvault.storage.rfc3161 import (
    CLOCK_SKEW_SECONDS,
    TokenInfo,
    TsaConfig,
    TsaError,
    certs_pem,
    check_token,
    load_certs,
)
from contractvault.util import Progress, iso_utc
from contractvault.vault import Vault

__all__ = ["CLOCK_SKEW_SECONDS", "StampResult", "TsaConfig", "TsaError", "certs_pem",
           "check_token", "configure_tsa", "load_certs", "timestamp_missing", "timestamp_record",
           "token_path", "tsa_config"]


def tsa_config(vault: Vault) -> TsaConfig:
    """The TSA the vault uses now (this run's URL over the stored one)."""
    return vault.timestamper.config()


def configure_tsa(vault: Vault, url: str | None, ca_pem: bytes | None = None) -> TsaConfig:
    """Set (or with `url=None` turn off) the vault's TSA; a CA given is added to the pinned ones."""
    return vault.timestamper.configure(url, ca_pem)


def token_path(vault: Vault, seq: int) -> Path:
    """Where the token of record `seq` is kept beside the ledger."""
    return vault.paths.token(seq)


def timestamp_record(vault: Vault, seq: int, config: TsaConfig | None = None) -> TokenInfo:
    """Obtain, check and store a token for the sealed record `seq` (raises TsaError)."""
    with vault.session() as s:
        row = refs.evidence(s, evidence_ref(seq))
    url, token, info = vault.timestamper.stamp(row.record_json.encode("utf-8"), config)
    if info.imprint != row.record_hash:
        raise TsaError("the token does not match the record", "its hash differs from the ledger")
    vault.store_timestamp(seq, url, token, info.gen_time)
    return info


@dataclass
class StampResult:
    """What `timestamp` did."""

    stamped: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    already: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"stamped": self.stamped, "errors": self.errors, "already": self.already}


def timestamp_missing(vault: Vault, ref: str | None = None, config: TsaConfig | None = None,
                      progress: Progress | None = None) -> StampResult:
    """Ask the TSA for a token for every record (of `ref`, or all) that has none yet.

    A token file left without its database row (a crash between the two) is adopted
    after it has been checked, instead of asking again.
    """
    config = config or tsa_config(vault)
    with vault.session() as s:
        seqs = refs.evidence_seqs(s, ref)
        have = set(s.exec(select(TimestampToken.evidence_seq)).all())
    todo = [q for q in seqs if q not in have]
    result = StampResult(already=len(seqs) - len(todo))
    if todo and not config.url:
        raise UsageError("no TSA is configured",
                         "set $CONTRACTVAULT_TSA_URL or run 'contractvault key tsa URL --ca FILE'")
    anchors = config.anchors()
    for n, seq in enumerate(todo, start=1):
        path = token_path(vault, seq)
        try:
            if path.is_file():
                with vault.session() as s:
                    row = s.get(Evidence, seq)
                assert row is not None
                check = check_token(path.read_bytes(), row.record_hash, anchors)
                if check.info is not None and not check.problems:
                    vault.store_timestamp(seq, config.url or "", path.read_bytes(),
                                          check.info.gen_time)
                    result.stamped.append({"id": evidence_ref(seq),
                                           "gen_time": iso_utc(check.info.gen_time)})
                    continue
                # A bad leftover file is replaced by a fresh token.
                os.chmod(path, 0o644)
                path.unlink()
            info = timestamp_record(vault, seq, config)
            result.stamped.append({"id": evidence_ref(seq), "gen_time": iso_utc(info.gen_time)})
        except TsaError as exc:
            result.errors.append({"id": evidence_ref(seq), "error": exc.message})
        if progress:
            progress(n, len(todo))
    return result
