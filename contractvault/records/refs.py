"""The one id resolver: a user's `C-3`, `D-17` or `E-42` to database rows.

Every command that takes an id resolves it here, so a missing id reads the same
everywhere and a kind that does not fit is refused with the same words.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from contractvault.errors import NotFoundError, UsageError, VerificationError
from contractvault.ids import document_ref, parse_ref
from contractvault.models import Contract, Document, Evidence

_LIST_HINT = "Run 'contractvault list' to see ids"


def contract(s: Session, ref: str) -> Contract:
    """A contract by its id (C-3); NotFoundError otherwise."""
    _, pk = parse_ref(ref, "contract")
    row = s.get(Contract, pk)
    if row is None:
        raise NotFoundError(f"no contract {ref}", "", _LIST_HINT)
    return row


def document(s: Session, ref: str) -> Document:
    """A document by its id (D-17); NotFoundError otherwise."""
    _, pk = parse_ref(ref, "document")
    row = s.get(Document, pk)
    if row is None:
        raise NotFoundError(f"no document {ref}", "", _LIST_HINT)
    return row


def evidence(s: Session, ref: str) -> Evidence:
    """An evidence record by its id (E-42); NotFoundError otherwise."""
    _, seq = parse_ref(ref, "evidence")
    row = s.get(Evidence, seq)
    if row is None:
        raise NotFoundError(f"no evidence record {ref}", "", "Run 'contractvault verify'")
    return row


def evidence_seqs(s: Session, ref: str | None) -> list[int]:
    """The sealed records an id stands for, in ledger order (all records for None).

    E-n is that record; D-n every record about the document; C-n every record about the
    contract or one of its documents.
    """
    if ref is None:
        return list(s.exec(select(Evidence.seq).order_by(col(Evidence.seq))).all())
    kind, pk = parse_ref(ref)
    if kind == "evidence":
        return [evidence(s, ref).seq]
    if kind == "document":
        document(s, ref)
        return list(s.exec(select(Evidence.seq).where(Evidence.document_id == pk)
                           .order_by(col(Evidence.seq))).all())
    contract(s, ref)
    return list(s.exec(select(Evidence.seq).where(Evidence.contract_id == pk)
                       .order_by(col(Evidence.seq))).all())


def sealing_record(s: Session, ref: str) -> tuple[int, str | None]:
    """(evidence seq, document id) of the record that sealed a D-… (or the E-… itself)."""
    kind, pk = parse_ref(ref)
    if kind == "document":
        doc = document(s, ref)
        if doc.evidence_seq is None:
            raise VerificationError(f"{document_ref(pk)} has no evidence record",
                                    "it was never sealed", "Run 'contractvault verify'")
        return int(doc.evidence_seq), document_ref(pk)
    if kind == "evidence":
        return evidence(s, ref).seq, None
    raise UsageError(f"'{ref}' is a contract id", "this takes a document (D-…) or "
                     "evidence (E-…) id", "Run 'contractvault show ID' to see its documents")
