"""Pass 3: every database row equals what its ledger record says; document pages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import select

from contractvault.evidence.verify.state import (
    _DOC_CONTEXT_FIELDS,
    VerifierState,
    _parse_time,
    _ref_pk,
    _utc_naive,
)
from contractvault.ids import contract_ref, document_ref, evidence_ref
from contractvault.models import (
    Document,
    DocumentPage,
    Evidence,
    EvidenceArtifact,
)
from contractvault.records.extract import text_hash
from contractvault.storage.rowseal import content_diff, row_content


class RowChecks(VerifierState):
    """Pass 3: every database row equals what its ledger record says; document pages."""

    # --- pass 3: the database -----------------------------------------------------------

    def check_database(self, seqs: set[int], doc_pks: set[int] | None,
                       rows: dict[int, Evidence], arts: dict[int, list[EvidenceArtifact]],
                       docs: dict[int, Document]) -> None:
        for seq in sorted(seqs):
            rid = evidence_ref(seq)
            line = self.entry_for(seq)
            row = rows.get(seq)
            if line is None or line.entry is None:
                if row is not None and not self.is_late(seq):
                    self.fail(rid, "database", "the database has this record, the ledger does not")
                continue
            if row is None:
                self.fail(rid, "database", "the ledger has this record, the database does not")
                continue
            rec = line.entry.record
            rec_bytes = line.rb
            if rec_bytes is None:
                continue  # already reported by the chain pass
            subj = rec.get("subject") if isinstance(rec.get("subject"), dict) else {}
            mismatches = []
            if row.record_json.encode("utf-8") != rec_bytes:
                mismatches.append("record_json")
            if row.record_hash != line.entry.hash or row.record_hash != line.computed:
                mismatches.append("record_hash")
            if row.signature != line.entry.sig:
                mismatches.append("signature")
            if row.prev_hash != rec.get("prev"):
                mismatches.append("prev_hash")
            if row.key_id != rec.get("key_id"):
                mismatches.append("key_id")
            if row.kind != rec.get("kind"):
                mismatches.append("kind")
            if row.contract_id != _ref_pk(subj.get("contract_id"), "C"):
                mismatches.append("contract_id")
            if row.document_id != _ref_pk(subj.get("document_id"), "D"):
                mismatches.append("document_id")
            sealed = _parse_time(rec.get("sealed_at"))
            if sealed is None or _utc_naive(row.sealed_at) != sealed:
                mismatches.append("sealed_at")
            if mismatches:
                self.fail(rid, "database", "the database row differs from the ledger in "
                          + ", ".join(mismatches))
            want = sorted(
                (str(a.get("name")), str(a.get("media_type")), str(a.get("sha256")), a.get("size"))
                for a in rec.get("artifacts", []) if isinstance(a, dict))
            have = sorted((a.name, a.media_type, a.sha256, a.size) for a in arts.get(seq, []))
            if want != have:
                self.fail(rid, "artifacts", f"the database lists {len(have)} artifact(s) that differ "
                          f"from the {len(want)} the record seals")
            doc_pk = _ref_pk(subj.get("document_id"), "D")
            if doc_pk is not None and doc_pk not in docs:
                self.fail(rid, "document", f"the record is about {subj.get('document_id')}, which "
                          "is not in the database")
        for seq in sorted(set(arts) - set(rows)):
            if self.is_late(seq):
                continue
            if seq in seqs or self.entry_for(seq) is None:
                self.fail(evidence_ref(seq), "artifacts",
                          "the database has artifacts of a record it does not have")
        for pk in sorted(docs if doc_pks is None else doc_pks):
            doc = docs.get(pk)
            if doc is not None:
                self._check_document(doc)

    def _check_document(self, doc: Document) -> None:
        did = document_ref(doc.id or 0)
        if doc.evidence_seq is None:
            self.fail(did, "document", "the document has no evidence record")
            return
        line = self.entry_for(doc.evidence_seq)
        if line is None and self.is_late(doc.evidence_seq):
            return  # sealed while verify ran: not part of what is checked
        if line is None or line.entry is None or not isinstance(line.entry.record, dict):
            self.fail(did, "document", f"its evidence record E-{doc.evidence_seq} is not in the ledger")
            return
        rec = line.entry.record
        subj = rec.get("subject") if isinstance(rec.get("subject"), dict) else {}
        ctx = rec.get("context") if isinstance(rec.get("context"), dict) else {}
        eid = evidence_ref(doc.evidence_seq)
        if subj.get("document_id") != did:
            self.fail(did, "document", f"its evidence record {eid} is about "
                      f"{subj.get('document_id')}, not {did}")
            return
        diffs = []
        if subj.get("contract_id") != contract_ref(doc.contract_id):
            diffs.append(f"contract ({contract_ref(doc.contract_id)} here, "
                         f"{subj.get('contract_id')} sealed)")
        sealed_supersedes = subj.get("supersedes")
        if (document_ref(doc.supersedes_id) if doc.supersedes_id else None) != sealed_supersedes:
            diffs.append("supersedes")
        match = [a for a in rec.get("artifacts", [])
                 if isinstance(a, dict) and a.get("sha256") == doc.blob_sha256]
        if not match:
            diffs.append(f"blob ({doc.blob_sha256[:16]}… is not sealed by {eid})")
        else:
            art = match[0]
            if art.get("size") != doc.size:
                diffs.append("size")
            if art.get("media_type") != doc.media_type:
                diffs.append("media_type")
        for name in _DOC_CONTEXT_FIELDS:
            if name in ctx and ctx[name] != getattr(doc, name):
                diffs.append(name)
        sealed_doc = ctx.get("document")
        if isinstance(sealed_doc, dict):
            # The whole row as sealed: URL, title, origin, language, who added it, when.
            content = sealed_doc.get("content") if isinstance(sealed_doc.get("content"), dict) else {}
            if sealed_doc.get("id") != doc.id:
                diffs.append("id")
            diffs += [n for n in content_diff(content, row_content(doc)) if n not in diffs]
        if diffs:
            self.fail(did, "document", f"the database row differs from {eid} in " + ", ".join(diffs))

    def check_pages(self, doc_pks: Iterable[int], docs: dict[int, Document]) -> None:
        """The text that search shows must be the text that was extracted and sealed."""
        pages: dict[int, list[tuple[int, str]]] = defaultdict(list)
        wanted = [pk for pk in doc_pks if pk in docs]
        with self.vault.session() as s:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                for p in s.exec(select(DocumentPage).where(
                        DocumentPage.document_id.in_(chunk))).all():  # type: ignore[attr-defined]
                    pages[p.document_id].append((p.page_no, p.text))
        for pk in wanted:
            doc = docs[pk]
            got = [t for _, t in sorted(pages.get(pk, []))]
            # A capture's text is its main content in one passage, whatever the page count
            # of its PDF (`evidence.capture.indexed_text`).
            passages = doc.page_count if doc.capture_id is None else 1
            if len(got) != passages or text_hash(got) != doc.text_sha256:
                self.fail(document_ref(pk), "text", "the stored page text is not the text that "
                          "was extracted and sealed")
