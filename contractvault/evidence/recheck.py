"""`recheck`: has the published text changed since it was accepted?

The page is captured again with the options of the original capture (consent choice,
timeout, login) unless new ones are given, as a published page (nothing is clicked). Its
main content is compared with the accepted version's (`textdiff`). When the words are the
same as the latest version on file, no document is added: a small sealed "checked,
unchanged" record (the texts seen, the server, the time) proves the date of the check.
Otherwise the new version is sealed as a document that supersedes the latest one.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

import capture as cap
from contractvault.errors import NotFoundError, UsageError
from contractvault.evidence.capture import (
    CaptureOptions,
    capture_request,
    map_capture_error,
    page_context,
    seal_page,
)
from contractvault.evidence.textdiff import ClauseChange, compare, words
from contractvault.ids import contract_ref, document_ref, evidence_ref
from contractvault.models import Document, DocumentPage, Evidence, EvidenceArtifact
from contractvault.records import refs
from contractvault.util import sha256_file
from contractvault.vault import ArtifactSpec, Subject, Vault


@dataclass
class RecheckOptions:
    """Options given to `recheck`; None means "as the original capture had it"."""

    consent: str | None = None
    timeout_s: float | None = None
    interactive: bool | None = None
    storage_state: Path | None = None


@dataclass
class RecheckResult:
    """The JSON of `recheck --json` (cli-contract.md)."""

    document_id: str  # the version now on file (new, or the latest one when unchanged)
    compared_with: str  # the accepted version
    recheck_of: str  # the version this check started from
    evidence_id: str
    url: str
    text_changed: bool  # since the accepted version
    formatting_only: bool
    new_document: bool  # False: the words are those of the latest version on file
    changes: list[ClauseChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able view."""
        return {"document_id": self.document_id, "compared_with": self.compared_with,
                "recheck_of": self.recheck_of, "evidence_id": self.evidence_id,
                "url": self.url, "text_changed": self.text_changed,
                "formatting_only": self.formatting_only, "new_document": self.new_document,
                "changes": [c.as_dict() for c in self.changes], "warnings": self.warnings}


def _context(s: Session, doc: Document) -> dict[str, Any]:
    if doc.evidence_seq is None:
        return {}
    ev = s.get(Evidence, doc.evidence_seq)
    return json.loads(ev.record_json).get("context", {}) if ev is not None else {}


def document_text(vault: Vault, s: Session, doc: Document) -> str:
    """A captured document's main content as sealed (agreement.txt), else its visible text
    (page.txt, captures made before main content was kept), else its indexed pages."""
    if doc.evidence_seq is not None:
        arts = {a.name: a for a in s.exec(select(EvidenceArtifact).where(
            EvidenceArtifact.evidence_seq == doc.evidence_seq)).all()}
        for name in ("agreement.txt", "page.txt"):
            if name in arts:
                return vault.blobs.open(arts[name].sha256).read_text("utf-8")
    pages = s.exec(select(DocumentPage.text).where(DocumentPage.document_id == doc.id)
                   .order_by(col(DocumentPage.page_no))).all()
    return "\n".join(pages)


def _versions(s: Session, doc: Document) -> tuple[Document, Document]:
    """The accepted version (first that is not a recheck) and the latest recheck of it."""
    accepted = doc
    seen = {doc.id}
    while accepted.origin == "recheck" and accepted.supersedes_id is not None:
        earlier = s.get(Document, accepted.supersedes_id)
        if earlier is None or earlier.id in seen:
            break
        seen.add(earlier.id)
        accepted = earlier
    latest = accepted
    walked = {accepted.id}
    while True:
        nxt = s.exec(select(Document).where(Document.supersedes_id == latest.id,
                                            Document.origin == "recheck")
                     .order_by(col(Document.id).desc())).first()
        if nxt is None or nxt.id in walked:
            break
        walked.add(nxt.id)
        latest = nxt
    return accepted, latest


def recheck(vault: Vault, document_id: str, options: RecheckOptions | None = None, *,
            progress: Callable[[str], None] | None = None,
            wait: Callable[[str], None] | None = None) -> RecheckResult:
    """Capture a captured agreement's URL again and report what changed since acceptance."""
    given = options or RecheckOptions()
    with vault.session() as s:
        old = refs.document(s, document_id)
        if not old.url:
            raise UsageError(f"{document_id} was not captured from the web", "it has no URL",
                             "recheck works on documents made by 'capture'")
        accepted, latest = _versions(s, old)
        before = document_text(vault, s, accepted)
        current = document_text(vault, s, latest)
        recorded = _context(s, accepted).get("options") or {}
        contract_pk = old.contract_id
        doc_type, url = old.doc_type, old.url
        old_id, accepted_id, latest_id = old.id or 0, accepted.id or 0, latest.id or 0
    opts = CaptureOptions(
        url=url, doc_type=doc_type, contract=contract_ref(contract_pk),
        consent=given.consent or recorded.get("consent") or "reject",
        timeout_s=given.timeout_s if given.timeout_s is not None else recorded.get("timeout_s"),
        interactive=given.interactive if given.interactive is not None
        else bool(recorded.get("interactive")),
        storage_state=given.storage_state,
    )
    work = vault.new_temp_dir("recheck-")
    try:
        request = capture_request(opts, work, uuid.uuid4().hex[:16], page_only=True)
        try:
            result = cap.run_capture(request, wait=wait, progress=progress)
        except cap.CaptureError as exc:
            raise map_capture_error(exc) from exc
        page = result.pages[0]
        now_text = page.agreement_text if (page.agreement_text or "").strip() else page.text
        comparison = compare(before, now_text)
        extra = {"recheck_of": document_ref(old_id), "compared_with": document_ref(accepted_id),
                 "text_changed": comparison.text_changed,
                 "formatting_only": comparison.formatting_only,
                 "changes": [c.as_dict() for c in comparison.changes]}
        if words(now_text) == words(current):
            evidence_seq = _seal_unchanged(vault, result, contract_pk, latest_id, opts, extra)
            doc_ref, new = document_ref(latest_id), False
        else:
            sealed, _ = seal_page(vault, result, 0, result.to_dict(), doc_type=doc_type,
                                  contract_pk=contract_pk, opts=opts, authority=None,
                                  origin="recheck", supersedes=latest_id, extra=extra)
            assert sealed.subject.document_id is not None
            evidence_seq = sealed.seq
            doc_ref, new = document_ref(sealed.subject.document_id), True
    finally:
        vault.remove_temp_dir(work)
    return RecheckResult(
        document_id=doc_ref, compared_with=document_ref(accepted_id),
        recheck_of=document_ref(old_id), evidence_id=evidence_ref(evidence_seq), url=url,
        text_changed=comparison.text_changed, formatting_only=comparison.formatting_only,
        new_document=new, changes=comparison.changes, warnings=list(result.warnings))


def _seal_unchanged(vault: Vault, result: cap.CaptureResult, contract_pk: int, document_pk: int,
                    opts: CaptureOptions, extra: dict[str, Any]) -> int:
    """A small sealed record of a check that found the latest version's words again."""
    if not extra["text_changed"]:
        # Unchanged since acceptance: the sealed record need not repeat an empty diff.
        extra = {k: v for k, v in extra.items() if k != "changes"}
    page = result.pages[0]
    kept = [a for a in page.artifacts if a.name in ("agreement.txt", "page.txt")]
    specs = [ArtifactSpec(a.name, a.media_type, sha256_file(a.path), a.path.stat().st_size)
             for a in kept]

    def build(_s: Session) -> Subject:
        for a, spec in zip(kept, specs, strict=True):
            vault.store_file(a.path, spec.sha256)
        return Subject(contract_id=contract_pk, document_id=document_pk)

    summary = result.to_dict()
    context = {"how": "recheck", "who": vault.user, "checked": document_ref(document_pk),
               "unchanged_since": document_ref(document_pk), **page_context(summary, 0),
               "options": opts.recorded(), **extra}
    sealed = vault.seal(kind="recheck", artifacts=specs, context=context, build_rows=build)
    if sealed.subject.contract_id is None:
        raise NotFoundError("the contract of the rechecked document is missing")
    return sealed.seq
