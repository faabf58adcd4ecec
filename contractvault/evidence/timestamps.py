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
from contractvault.models import Evidence, ExtraTimestampToken, TimestampToken
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


def tsa_config(vault: Vault, strict: bool = True) -> TsaConfig:
    """The TSA the vault uses now (this run's URL over the stored one); not `strict`,
    refused URLs are left out (for checking evidence, which needs the pinned CAs only)."""
    return vault.timestamper.config(strict)


def configure_tsa(vault: Vault, url: str | list[str] | None,
                  ca_pem: bytes | list[bytes] | None = None) -> TsaConfig:
    """Set the vault's TSA or TSAs, in order (None turns them off); CAs given join the pinned ones."""
    return vault.timestamper.configure(url, ca_pem)


def token_path(vault: Vault, seq: int) -> Path:
    """Where the token of record `seq` is kept beside the ledger."""
    return vault.paths.token(seq)


def timestamp_record(vault: Vault, seq: int, config: TsaConfig | None = None,
                     url: str | None = None) -> TokenInfo:
    """Obtain, check and store a token for the sealed record `seq` from `url` (default:
    the first configured TSA); raises TsaError."""
    with vault.session() as s:
        row = refs.evidence(s, evidence_ref(seq))
    got_url, token, info = vault.timestamper.stamp(row.record_json.encode("utf-8"), config, url)
    if info.imprint != row.record_hash:
        raise TsaError("the token does not match the record", "its hash differs from the ledger")
    vault.store_timestamp(seq, got_url, token, info.gen_time)
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
    """Ask each configured TSA for a token for every record (of `ref`, or all) that has
    none from it yet.

    A token file left without its database row (a crash between the two) is adopted
    after it has been checked, instead of asking again.
    """
    config = config or tsa_config(vault)
    with vault.session() as s:
        seqs = refs.evidence_seqs(s, ref)
        first = {r.evidence_seq: r.tsa_url for r in s.exec(select(TimestampToken)).all()}
        more: dict[int, set[str]] = {}
        for r in s.exec(select(ExtraTimestampToken)).all():
            more.setdefault(r.evidence_seq, set()).add(r.tsa_url)
    urls = config.urls

    def lacking(seq: int) -> list[str]:
        have = ({first[seq]} if seq in first else set()) | more.get(seq, set())
        return [u for u in urls if u not in have]

    todo = [q for q in seqs if (lacking(q) if urls else q not in first)]
    result = StampResult(already=len(seqs) - len(todo))
    if todo and not urls:
        raise UsageError("no TSA is configured",
                         "set $CONTRACTVAULT_TSA_URL or run 'contractvault key tsa URL --ca FILE'")
    anchors = config.anchors()
    for n, seq in enumerate(todo, start=1):
        path = token_path(vault, seq)
        for url in lacking(seq):
            try:
                if seq not in first and path.is_file():
                    with vault.session() as s:
                        row = s.get(Evidence, seq)
                    assert row is not None
                    check = check_token(path.read_bytes(), row.record_hash, anchors)
                    if check.info is not None and not check.problems:
                        vault.store_timestamp(seq, url, path.read_bytes(), check.info.gen_time)
                        first[seq] = url
                        result.stamped.append({"id": evidence_ref(seq), "tsa": url,
                                               "gen_time": iso_utc(check.info.gen_time)})
                        continue
                    # A bad leftover file is replaced by a fresh token.
                    os.chmod(path, 0o644)
                    path.unlink()
                info = timestamp_record(vault, seq, config, url)
                first.setdefault(seq, url)
                result.stamped.append({"id": evidence_ref(seq), "tsa": url,
                                       "gen_time": iso_utc(info.gen_time)})
            except TsaError as exc:
                result.errors.append({"id": evidence_ref(seq), "tsa": url, "error": exc.message})
        if progress:
            progress(n, len(todo))
    return result
