"""The register: contracts and their documents (create, change, list, show)."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from contractvault.errors import NotFoundError, UsageError
from contractvault.ids import contract_ref, document_ref, evidence_ref, parse_ref
from contractvault.models import Contract, ContractChange, Document, Evidence
from contractvault.records import refs
from contractvault.records.search import refresh_contract
from contractvault.records.vocabularies import (
    CATEGORIES,
    MAX_DAYS,
    MAX_MONTHS,
    MAX_SEK,
    NOTICE_BASES,
    SCOPES,
    TRANSFER_MECHANISMS,
    bounded,
    choose,
    parse_date,
    plain_text,
)
from contractvault.util import iso_utc, utc_now
from contractvault.vault import Vault


@dataclass
class ContractFields:
    """Metadata flags of `contract new/set`; None means "not given" (left as it is)."""

    title: str | None = None
    supplier: str | None = None
    board: str | None = None
    system: str | None = None
    category: str | None = None
    scope: str | None = None
    personal_data: bool | None = None
    third_country: bool | None = None
    transfer_mechanism: str | None = None
    start_date: date | str | None = None
    end_date: date | str | None = None
    notice_months: int | None = None
    notice_basis: str | None = None
    renewal_months: int | None = None
    deletion_days: int | None = None
    owner: str | None = None
    secret: bool | None = None
    value_sek: int | None = None  # avtalsvärde, used by authority checks

    def validated(self) -> dict[str, Any]:
        """The given fields, checked and normalised."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if v is not None:
                out[f.name] = v
        for name in ("title", "supplier", "board", "system", "owner"):
            if isinstance(out.get(name), str):
                plain_text(out[name], f"--{name}")
        if "title" in out and not str(out["title"]).strip():
            raise UsageError("the title is empty", "a contract needs a title")
        out["category"] = choose(self.category, CATEGORIES, "category")
        out["scope"] = choose(self.scope, SCOPES, "scope")
        out["transfer_mechanism"] = choose(self.transfer_mechanism, TRANSFER_MECHANISMS,
                                           "transfer mechanism")
        out["notice_basis"] = choose(self.notice_basis, NOTICE_BASES, "notice basis")
        out["start_date"] = parse_date(self.start_date, "--start")
        out["end_date"] = parse_date(self.end_date, "--end")
        for name, high in (("notice_months", MAX_MONTHS), ("renewal_months", MAX_MONTHS),
                           ("deletion_days", MAX_DAYS), ("value_sek", MAX_SEK)):
            flag = "--value" if name == "value_sek" else f"--{name.replace('_', '-')}"
            bounded(out.get(name), flag, 0, high)
        out = {k: v for k, v in out.items() if v is not None}
        start, end = out.get("start_date"), out.get("end_date")
        if start and end and end < start:
            raise UsageError("the end date is before the start date", f"{end} < {start}")
        return out




def new_contract_row(s: Session, title: str, meta: ContractFields | None = None) -> Contract:
    """Add a contract row in the session (not committed)."""
    values = (meta or ContractFields()).validated()
    values["title"] = plain_text(title, "the title")
    if not values["title"]:
        raise UsageError("the title is empty", "a contract needs a title")
    now = utc_now()
    row = Contract(**values, created_at=now, updated_at=now)
    s.add(row)
    s.flush()
    return row


def create_contract(vault: Vault, title: str, meta: ContractFields | None = None) -> str:
    """Create a contract; returns its id."""
    with vault.session() as s:
        row = new_contract_row(s, title, meta)
        s.commit()
        assert row.id is not None
        return contract_ref(row.id)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


# Contract fields that the search index stores with every clause.
INDEXED_FIELDS = frozenset({"supplier", "board", "secret"})


def update_contract(vault: Vault, ref: str, meta: ContractFields, *, extra: dict[str, Any] | None = None) -> str:
    """Change metadata; every changed field is logged with old and new value."""
    values = meta.validated()
    values.update(extra or {})
    with vault.session() as s:
        row = refs.contract(s, ref)
        assert row.id is not None
        now = utc_now()
        changed: set[str] = set()
        for name, new in values.items():
            old = getattr(row, name)
            if old == new:
                continue
            changed.add(name)
            s.add(ContractChange(contract_id=row.id, at=now, by=vault.user, field_name=name,
                                 old_value=_text(old), new_value=_text(new)))
            setattr(row, name, new)
        row.updated_at = now
        s.add(row)
        s.commit()
        ref = contract_ref(row.id)
    if changed & INDEXED_FIELDS:
        # Hits carry these fields and filter on them; secret ones must leave results at once.
        refresh_contract(vault, row)
    return ref


def contract_dict(c: Contract) -> dict[str, Any]:
    """A contract as JSON-able data."""
    assert c.id is not None
    return {
        "contract_id": contract_ref(c.id), "title": c.title, "supplier": c.supplier,
        "board": c.board, "system": c.system, "category": c.category, "scope": c.scope,
        "personal_data": c.personal_data, "third_country": c.third_country,
        "transfer_mechanism": c.transfer_mechanism,
        "start": c.start_date.isoformat() if c.start_date else None,
        "end": c.end_date.isoformat() if c.end_date else None,
        "notice_months": c.notice_months, "notice_basis": c.notice_basis,
        "renewal_months": c.renewal_months, "deletion_days": c.deletion_days,
        "owner": c.owner, "secret": c.secret, "value_sek": c.value_sek,
        "diarienummer": c.diarienummer, "ciceron_ref": c.ciceron_ref,
        "created_at": iso_utc(c.created_at), "updated_at": iso_utc(c.updated_at),
    }


def document_dict(d: Document) -> dict[str, Any]:
    """A document as JSON-able data."""
    assert d.id is not None
    return {
        "document_id": document_ref(d.id), "contract_id": contract_ref(d.contract_id),
        "doc_type": d.doc_type, "title": d.title, "source_path": d.source_name,
        "media_type": d.media_type, "sha256": d.blob_sha256, "size": d.size,
        "pages": d.page_count, "has_text": d.has_text, "text_sha256": d.text_sha256,
        "language": d.language, "origin": d.origin, "url": d.url,
        "supersedes": document_ref(d.supersedes_id) if d.supersedes_id else None,
        "evidence_id": evidence_ref(d.evidence_seq) if d.evidence_seq else None,
        "added_at": iso_utc(d.added_at), "added_by": d.added_by,
    }


@dataclass
class ListFilter:
    """Filters of `list`."""

    supplier: str | None = None
    board: str | None = None
    doc_type: str | None = None
    category: str | None = None
    include_secret: bool = True


def list_contracts(vault: Vault, flt: ListFilter) -> list[dict[str, Any]]:
    """Contracts matching the filters, each with its documents (summary)."""
    with vault.session() as s:
        q = select(Contract).order_by(col(Contract.id))
        if flt.supplier:
            q = q.where(col(Contract.supplier).ilike(f"%{flt.supplier}%"))
        if flt.board:
            q = q.where(col(Contract.board).ilike(flt.board))
        if flt.category:
            q = q.where(Contract.category == choose(flt.category, CATEGORIES, "category"))
        if not flt.include_secret:
            q = q.where(Contract.secret == False)  # noqa: E712 - SQL expression
        out = []
        for c in s.exec(q):
            dq = select(Document).where(Document.contract_id == c.id).order_by(col(Document.id))
            docs = list(s.exec(dq))
            if flt.doc_type and not any(d.doc_type == flt.doc_type for d in docs):
                continue
            item = contract_dict(c)
            item["documents"] = [
                {"document_id": document_ref(d.id or 0), "doc_type": d.doc_type,
                 "title": d.title, "pages": d.page_count, "has_text": d.has_text}
                for d in docs
            ]
            out.append(item)
        return out


@dataclass
class ShowResult:
    """Everything about one contract, document or evidence record (`kind` says which)."""

    kind: str
    data: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.data}


def show(vault: Vault, ref: str) -> ShowResult:
    """Everything about one contract, document or evidence record."""
    kind, _ = parse_ref(ref)
    with vault.session() as s:
        if kind == "contract":
            c = refs.contract(s, ref)
            out = contract_dict(c)
            docs = s.exec(select(Document).where(Document.contract_id == c.id)
                          .order_by(col(Document.id)))
            out["documents"] = [document_dict(d) for d in docs]
            changes = s.exec(select(ContractChange).where(ContractChange.contract_id == c.id)
                             .order_by(col(ContractChange.id)))
            out["changes"] = [{"at": iso_utc(ch.at), "by": ch.by, "field": ch.field_name,
                               "old": ch.old_value, "new": ch.new_value} for ch in changes]
            return ShowResult("contract", out)
        if kind == "document":
            d = refs.document(s, ref)
            out = document_dict(d)
            later = s.exec(select(Document).where(Document.supersedes_id == d.id))
            out["superseded_by"] = [document_ref(x.id or 0) for x in later]
            return ShowResult("document", out)
        _, seq = parse_ref(ref, "evidence")
        ev = s.get(Evidence, seq)
        if ev is None:
            raise NotFoundError(f"no evidence record {ref}", "", "Run 'contractvault verify'")
        return ShowResult("evidence", {"evidence_id": evidence_ref(ev.seq),
                                       "record_hash": ev.record_hash, "signature": ev.signature,
                                       "record": json.loads(ev.record_json)})
