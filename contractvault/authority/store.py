"""The delegation register kept as dated versions in the vault, and recorded checks.

Both are evidence: each imported version is sealed (the TOML file as the record's artifact,
the row in its context) and so is each check, allowed or refused, so that `verify`
notices a register or a decision edited in the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from contractvault.authority import (
    AuthorityCheck,
    AuthorityRegister,
    AuthorityRequest,
    check_authority,
    parse_register,
)
from contractvault.errors import NotFoundError, UsageError
from contractvault.ids import MAX_ID, contract_ref, document_ref, evidence_ref
from contractvault.models import AuthorityDecision, AuthorityRegisterVersion, Contract, Document
from contractvault.storage.rowseal import row_label, sealed_row
from contractvault.util import iso_utc, sha256_hex, utc_now
from contractvault.vault import ArtifactSpec, Subject, Vault

REGISTER_MEDIA_TYPE = "application/toml"


@dataclass
class RegisterVersion:
    """One imported version of the register."""

    version: int
    sha256: str
    source_name: str
    imported_at: str
    imported_by: str
    # True when an import found this version already current: nothing was sealed.
    unchanged: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "sha256": self.sha256, "source": self.source_name,
                "imported_at": self.imported_at, "imported_by": self.imported_by,
                "unchanged": self.unchanged}


class _Unchanged(Exception):  # noqa: N818 - a signal, not an error
    """Raised inside the seal's transaction to abandon it: the file is the current version."""

    def __init__(self, row: AuthorityRegisterVersion) -> None:
        super().__init__()
        self.row = row


def _current(s: Session) -> AuthorityRegisterVersion | None:
    return s.exec(select(AuthorityRegisterVersion)
                  .order_by(col(AuthorityRegisterVersion.id).desc())).first()


def _version(row: AuthorityRegisterVersion) -> RegisterVersion:
    assert row.id is not None
    return RegisterVersion(row.id, row.sha256, row.source_name, iso_utc(row.imported_at),
                           row.imported_by)


def import_register(vault: Vault, path: Path) -> RegisterVersion:
    """Validate the whole file, then store it as a new dated version (old ones are kept).

    An invalid file raises RegisterInvalid with every problem and changes nothing. A file
    byte for byte identical to the current version changes nothing either: that version
    comes back with `unchanged` set and nothing is sealed (a changed one, or one going
    back to an older version's text, is a new version).
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise NotFoundError(f"no register file {path}", "", "Check the path") from exc
    except OSError as exc:
        raise UsageError(f"cannot read {path}", str(exc)) from exc
    name = Path(path).name
    register = parse_register(data, source=name)
    file_sha = sha256_hex(data)
    rows: list[AuthorityRegisterVersion] = []
    with vault.session() as s:
        current = _current(s)
        if current is not None and current.sha256 == register.sha256:
            return replace(_version(current), unchanged=True)

    def build(s: Session) -> Subject:
        # Checked again under the write lock: two identical imports at once make one version.
        current = _current(s)
        if current is not None and current.sha256 == register.sha256:
            raise _Unchanged(current)
        # Stored under the write lock, so `doctor --fix` never takes it for a leftover.
        vault.blobs.put_bytes(data, file_sha)
        row = AuthorityRegisterVersion(sha256=register.sha256, source_name=name,
                                       imported_at=utc_now(), imported_by=vault.user,
                                       toml_text=data.decode("utf-8"))
        s.add(row)
        s.flush()
        rows.append(row)
        return Subject(context={"rows": [sealed_row(row)]})

    try:
        vault.seal(kind="authority-import",
                   artifacts=[ArtifactSpec(name, REGISTER_MEDIA_TYPE, file_sha, len(data))],
                   context={"how": "authority import", "who": vault.user,
                            "register_sha256": register.sha256, "source_name": name},
                   build_rows=build)
    except _Unchanged as same:
        return replace(_version(same.row), unchanged=True)
    return _version(rows[0])


def register_versions(vault: Vault) -> list[RegisterVersion]:
    """Every imported version, oldest first."""
    with vault.session() as s:
        rows = s.exec(select(AuthorityRegisterVersion).order_by(col(AuthorityRegisterVersion.id)))
        return [_version(r) for r in rows]


def load_register(vault: Vault, version: int | None = None) -> AuthorityRegister:
    """The current register (or an older version by number)."""
    with vault.session() as s:
        q = select(AuthorityRegisterVersion)
        if version is not None:
            q = q.where(AuthorityRegisterVersion.id == version)
        # A version beyond any row number names no version (and would overflow the query).
        out_of_range = version is not None and not 0 <= version <= MAX_ID
        row = None if out_of_range else s.exec(q.order_by(col(AuthorityRegisterVersion.id).desc())).first()
    if row is None:
        if version is not None:
            raise NotFoundError(f"no register version {version}", "",
                                "Run 'contractvault authority show --versions'")
        raise NotFoundError("no delegation register has been imported", "",
                            "Run 'contractvault authority import FILE.toml'")
    return parse_register(row.toml_text.encode("utf-8"), source=row.source_name)


def check(vault: Vault, request: AuthorityRequest, *, purpose: str = "check",
          contract_id: int | None = None) -> tuple[AuthorityCheck, int]:
    """Check a signer against the current register and seal the check (allowed or not);
    returns (check, row id)."""
    result = check_authority(load_register(vault), request)
    ids: list[int] = []

    def build(s: Session) -> Subject:
        row = AuthorityDecision(
            at=utc_now(), on_date=request.on, signer=request.signer, board=request.board,
            doc_type=request.doc_type, allowed=result.allowed,
            register_sha256=result.register_sha256,
            check_json=json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True),
            contract_id=contract_id, purpose=purpose,
        )
        s.add(row)
        s.flush()
        assert row.id is not None
        ids.append(row.id)
        return Subject(contract_id=contract_id, context={"rows": [sealed_row(row)]})

    vault.seal(kind="authority-check", artifacts=[],
               context={"how": f"authority check ({purpose})", "who": vault.user,
                        "allowed": result.allowed, "register_sha256": result.register_sha256},
               build_rows=build)
    return result, ids[0]


def decision_ref(decision_id: int) -> str:
    """How records and failures name a recorded check."""
    return row_label(AuthorityDecision.__tablename__, decision_id)


def link_decision_row(s: Session, decision_id: int, *, evidence_seq: int,
                      document_id: int | None, contract_id: int | None) -> None:
    """Tie a recorded check to the evidence it allowed (or the refusal record). Runs inside
    that record's sealing transaction, and the record names the decision in turn."""
    row = s.get(AuthorityDecision, decision_id)
    assert row is not None
    row.evidence_seq = evidence_seq
    row.document_id = document_id
    row.contract_id = contract_id
    s.add(row)


def delegation_decisions(vault: Vault, board: str, start: date, end: date) -> dict[str, Any]:
    """Agreements accepted under delegation or fullmakt in a period: the list a board is
    notified of (anmälan av delegationsbeslut)."""
    with vault.session() as s:
        q = (select(AuthorityDecision)
             .where(AuthorityDecision.board == board, AuthorityDecision.allowed == True,  # noqa: E712
                    AuthorityDecision.purpose == "capture",
                    col(AuthorityDecision.evidence_seq).is_not(None),
                    col(AuthorityDecision.on_date) >= start, col(AuthorityDecision.on_date) <= end)
             .order_by(col(AuthorityDecision.on_date), col(AuthorityDecision.id)))
        items = []
        for row in s.exec(q):
            data = json.loads(row.check_json)
            chain = data.get("chain", [])
            kinds = {link.get("kind") for link in chain}
            decision_ref = next((link.get("decision_ref") for link in chain
                                 if link.get("kind") == "delegation"), None)
            contract = s.get(Contract, row.contract_id) if row.contract_id else None
            doc = s.get(Document, row.document_id) if row.document_id else None
            items.append({
                "date": row.on_date.isoformat(), "signer": row.signer, "doc_type": row.doc_type,
                "basis": "fullmakt" if "fullmakt" in kinds else "delegation",
                "delegation_decision_ref": decision_ref,
                "decision_ref": (data.get("request") or {}).get("decision_ref"),
                "contract_id": contract_ref(contract.id) if contract and contract.id else None,
                "title": contract.title if contract else None,
                "supplier": contract.supplier if contract else None,
                "document_id": document_ref(doc.id) if doc and doc.id else None,
                "url": doc.url if doc else None,
                "evidence_id": evidence_ref(row.evidence_seq) if row.evidence_seq else None,
                "register_sha256": row.register_sha256,
            })
    return {"board": board, "from": start.isoformat(), "to": end.isoformat(), "decisions": items}
