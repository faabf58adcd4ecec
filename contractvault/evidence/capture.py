"""`capture` and `recheck`: compose the `capture` leaf package with authority, sealing and
the index. One capture = one sealed record per captured page (the agreement and each
followed document), every artifact hashed into the record."""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

import capture as cap
from contractvault.authority import AuthorityCheck, AuthorityRequest
from contractvault.authority.store import check, link_decision
from contractvault.errors import ContractVaultError, NotFoundError, RefusedError, UsageError
from contractvault.evidence.ingest import add_document_rows
from contractvault.evidence.sealing import seal_document
from contractvault.ids import contract_ref, document_ref, evidence_ref
from contractvault.models import Contract, Document, DocumentPage, EvidenceArtifact
from contractvault.records import refs
from contractvault.records.contracts import ContractFields, new_contract_row
from contractvault.records.extract import extract_file, normalise_text
from contractvault.records.vocabularies import CATEGORIES, SCOPES, choose, normalize_doc_type
from contractvault.util import sha256_file
from contractvault.vault import ArtifactSpec, Sealed, Subject, Vault
from index import segment


@dataclass
class CaptureOptions:
    """What `contractvault capture` was asked to do."""

    url: str
    doc_type: str
    contract: str | None = None
    new_title: str | None = None
    supplier: str | None = None
    accept_selector: str | None = None
    click: bool = False
    submit_selector: str | None = None
    follow: list[str] = field(default_factory=list)
    signer: str | None = None
    board: str | None = None
    scope: str | None = None
    category: str | None = None
    system: str | None = None
    value_sek: int | None = None
    decision_ref: str | None = None
    on: date | None = None
    interactive: bool = False
    storage_state: Path | None = None


@dataclass
class CaptureOutcome:
    """The JSON of `capture --json`."""

    contract_id: str | None
    document_ids: list[str]
    evidence_ids: list[str]
    artifacts: list[dict[str, Any]]
    authority: dict[str, Any] | None
    accept: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out = {"contract_id": self.contract_id, "document_ids": self.document_ids,
               "evidence_ids": self.evidence_ids, "artifacts": self.artifacts,
               "authority": self.authority, "accept": self.accept}
        if self.warnings:
            out["warnings"] = self.warnings
        return out


_FOLLOW_TYPES = [
    (re.compile(r"\b(dpa|pub|personuppgiftsbiträd|data processing)", re.I), "pub-avtal"),
    (re.compile(r"\b(scc|standard contractual|model contract|standardavtalsklausul)", re.I), "scc"),
    (re.compile(r"\b(sla|service level|servicenivå)", re.I), "sla"),
    (re.compile(r"\b(amendment|addendum|tillägg)", re.I), "tillagg"),
]


def followed_doc_type(spec: str, title: str) -> str:
    """The document type of a followed link, from its link text or title (else bilaga)."""
    for pattern, doc_type in _FOLLOW_TYPES:
        if pattern.search(spec) or pattern.search(title):
            return doc_type
    return "bilaga"


def _map_capture_error(exc: cap.CaptureError) -> ContractVaultError:
    msg = str(exc)
    if isinstance(exc, cap.UnsupportedURL):
        return UsageError(msg)
    if isinstance(exc, cap.AcceptControlNotFound | cap.AmbiguousAcceptControl):
        return UsageError(msg, "", "Name the accept control with --accept SELECTOR")
    if isinstance(exc, cap.LinkNotFound):
        return UsageError(msg, "", "Check the --follow link text or selector")
    if isinstance(exc, cap.NoAgreementText):
        return RefusedError(msg, "", "Nothing was sealed; open the page yourself, or use --interactive")
    if isinstance(exc, cap.BrowserUnavailable):
        return ContractVaultError(msg)
    return ContractVaultError("the capture failed", msg, "Nothing was sealed")


def _authority(vault: Vault, opts: CaptureOptions, doc_type: str,
               contract: Contract | None) -> tuple[AuthorityCheck, int] | None:
    board = opts.board or (contract.board if contract else None)
    if not opts.signer:
        if opts.board:
            raise UsageError("the authority check needs --signer as well as --board")
        return None
    if not board:
        raise UsageError("the authority check needs the board (nämnd)",
                         "give --board, or set the contract's board with 'contract set --board'")
    request = AuthorityRequest(
        signer=opts.signer, board=board, doc_type=doc_type, on=opts.on or date.today(),
        scope=choose(opts.scope or (contract.scope if contract else None), SCOPES, "scope"),
        category=choose(opts.category or (contract.category if contract else None), CATEGORIES,
                        "category"),
        value_sek=opts.value_sek, system=opts.system or (contract.system if contract else None),
        decision_ref=opts.decision_ref,
    )
    return check(vault, request, purpose="capture", contract_id=contract.id if contract else None)


def _record_refusal(vault: Vault, opts: CaptureOptions, result: AuthorityCheck, decision_id: int,
                    contract: Contract | None) -> Sealed:
    """A refused acceptance is evidence too: sealed, with nothing clicked or captured."""
    sealed = vault.seal(
        kind="authority-refusal", artifacts=[],
        context={"how": "capture", "who": vault.user, "url": opts.url,
                 "doc_type": normalize_doc_type(opts.doc_type), "clicked": False,
                 "authority": result.to_dict()},
        build_rows=lambda _s: Subject(contract_id=contract.id if contract else None),
    )
    link_decision(vault, decision_id, evidence_seq=sealed.seq, document_id=None,
                  contract_id=contract.id if contract else None)
    return sealed


def _page_context(summary: dict[str, Any], index: int) -> dict[str, Any]:
    """The manifest context of page `index` of a capture (`summary` = result.to_dict())."""
    page_data = {k: v for k, v in summary["pages"][index].items()
                 if k not in ("artifacts", "text", "text_after")}
    return {"capture_id": summary["capture_id"], "started_at": summary["started_at"],
            "finished_at": summary["finished_at"], "browser": summary["browser"],
            "page": page_data}


def _seal_page(vault: Vault, result: cap.CaptureResult, index: int, summary: dict[str, Any], *,
               doc_type: str, contract_pk: int | None, opts: CaptureOptions,
               authority: dict[str, Any] | None, origin: str,
               supersedes: int | None = None, extra: dict[str, Any] | None = None,
               decision_id: int | None = None) -> tuple[Sealed, list[ArtifactSpec]]:
    page = result.pages[index]
    pdf = next(a for a in page.artifacts if a.name.endswith("page.pdf"))
    extracted = extract_file(pdf.path)
    specs = [ArtifactSpec(a.name, a.media_type, sha256_file(a.path), a.path.stat().st_size)
             for a in page.artifacts]

    def build(s: Session) -> Subject:
        # Blobs are stored under the write lock, so `doctor --fix` never sees them unsealed.
        for a, spec in zip(page.artifacts, specs, strict=True):
            vault.store_file(a.path, spec.sha256)
        pk = contract_pk
        if pk is None:
            assert opts.new_title is not None
            pk = new_contract_row(s, opts.new_title, ContractFields(supplier=opts.supplier)).id
        assert pk is not None
        title = page.title.strip() or page.final_url
        row = add_document_rows(s, vault, contract_id=pk, doc=extracted, doc_type=doc_type,
                                title=title[:500], source_name=page.final_url[:500],
                                origin=origin, language=page.language, url=page.final_url,
                                capture_id=result.capture_id, supersedes_id=supersedes)
        return Subject(contract_id=pk, document_id=row.id, supersedes=supersedes)

    context = {"how": origin, "who": vault.user, "doc_type": doc_type,
               "signer": opts.signer, "authority": authority, **_page_context(summary, index),
               **(extra or {})}
    sealed = seal_document(vault, kind="capture", artifacts=specs, context=context,
                           build_rows=build, decision_id=decision_id)
    return sealed, specs


def capture_agreement(vault: Vault, opts: CaptureOptions, *, wait: Callable[[str], None] | None = None,
                      progress: Callable[[str], None] | None = None) -> CaptureOutcome:
    """Check authority (if a signer is named), capture, seal every page, index the text.

    A refused check raises RefusedError after sealing the refusal: nothing is clicked.
    """
    doc_type = normalize_doc_type(opts.doc_type)
    try:
        cap.validate_url(opts.url)
    except cap.UnsupportedURL as exc:
        raise _map_capture_error(exc) from exc
    if bool(opts.contract) == bool(opts.new_title):
        raise UsageError("say which contract the capture belongs to",
                         "give exactly one of --contract ID and --new TITLE")
    contract: Contract | None = None
    if opts.contract:
        with vault.session() as s:
            contract = refs.contract(s, opts.contract)
    vault.keys.signer()  # fail on a locked key before anything is clicked
    checked = _authority(vault, opts, doc_type, contract)
    authority = checked[0].to_dict() if checked else None
    if checked and not checked[0].allowed:
        sealed = _record_refusal(vault, opts, checked[0], checked[1], contract)
        raise RefusedError(
            f"{opts.signer} may not accept this {doc_type} for {checked[0].request.board}",
            "; ".join(checked[0].reasons),
            f"Nothing was clicked; the refusal is recorded as {evidence_ref(sealed.seq)}")

    work = vault.new_temp_dir("capture-")
    try:
        capture_id = uuid.uuid4().hex[:16]
        request = cap.CaptureRequest(
            url=opts.url, out_dir=work, capture_id=capture_id,
            accept_selector=opts.accept_selector, click=opts.click,
            submit_selector=opts.submit_selector, follow=list(opts.follow),
            interactive=opts.interactive, storage_state=opts.storage_state)
        try:
            result = cap.run_capture(request, wait=wait, progress=progress)
        except cap.CaptureError as exc:
            raise _map_capture_error(exc) from exc
        outcome = CaptureOutcome(contract_id=None, document_ids=[], evidence_ids=[],
                                 artifacts=[], authority=authority)
        if opts.click and not checked:
            outcome.warnings.append("accepted without an authority check: name the signer "
                                    "with --signer (and --board) to check the register first")
        contract_pk = contract.id if contract else None
        summary = result.to_dict()
        for index, page in enumerate(result.pages):
            page_type = doc_type if page.role == "main" else followed_doc_type(
                page.follow_spec or "", page.title)
            sealed, specs = _seal_page(vault, result, index, summary, doc_type=page_type,
                                       contract_pk=contract_pk, opts=opts,
                                       authority=authority if page.role == "main" else None,
                                       origin="capture",
                                       decision_id=checked[1] if checked and page.role == "main"
                                       else None)
            contract_pk = sealed.subject.contract_id
            if sealed.timestamp_warning:
                outcome.warnings.append(sealed.timestamp_warning)
            assert sealed.subject.document_id is not None
            outcome.document_ids.append(document_ref(sealed.subject.document_id))
            outcome.evidence_ids.append(evidence_ref(sealed.seq))
            outcome.artifacts += [{"name": a.name, "media_type": a.media_type, "sha256": a.sha256,
                                   "size": a.size} for a in specs]
            if page.role == "main" and page.accept is not None:
                outcome.accept = {"selector": page.accept.selector, "label": page.accept.label,
                                  "kind": page.accept.kind, "clicked": page.accept.clicked,
                                  "checked_before": page.accept.checked_before,
                                  "checked_after": page.accept.checked_after,
                                  "auto_detected": page.accept.auto_detected}
        outcome.contract_id = contract_ref(contract_pk) if contract_pk else None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return outcome


# --- recheck ----------------------------------------------------------------------------


@dataclass
class ClauseChange:
    """One clause that differs between the accepted and the current version."""

    clause: str | None
    change: str  # changed | added | removed
    before: str | None
    after: str | None


def _visible_text(vault: Vault, s: Session, doc: Document) -> str:
    """The page's visible text as captured (the page.txt artifact), else the PDF text."""
    if doc.evidence_seq is not None:
        arts = s.exec(select(EvidenceArtifact).where(EvidenceArtifact.evidence_seq == doc.evidence_seq)).all()
        txt = next((a for a in arts if a.name.endswith("page.txt")), None)
        if txt is not None:
            return vault.blobs.open(txt.sha256).read_text("utf-8")
    pages = s.exec(select(DocumentPage.text).where(DocumentPage.document_id == doc.id)
                   .order_by(DocumentPage.page_no)).all()
    return "\n".join(pages)


def compare_clauses(before: str, after: str) -> list[ClauseChange]:
    """Clause-by-clause differences of normalised text (formatting-only changes vanish)."""
    def keyed(text: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for n, clause in enumerate(segment([text])):
            key = clause.number or clause.heading or f"#{n}"
            norm = normalise_text(clause.text)
            out[key] = (out[key] + " " + norm) if key in out else norm
        return out

    a, b = keyed(before), keyed(after)
    changes: list[ClauseChange] = []
    for key in list(a) + [k for k in b if k not in a]:
        if key in a and key in b:
            if a[key] != b[key]:
                changes.append(ClauseChange(key, "changed", a[key], b[key]))
        elif key in a:
            changes.append(ClauseChange(key, "removed", a[key], None))
        else:
            changes.append(ClauseChange(key, "added", None, b[key]))
    return changes


def recheck(vault: Vault, document_id: str, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Capture a captured agreement's URL again, seal it as a new record that points at the
    accepted one, and report which clauses changed."""
    with vault.session() as s:
        old = refs.document(s, document_id)
        if not old.url:
            raise UsageError(f"{document_id} was not captured from the web", "it has no URL",
                             "recheck works on documents made by 'capture'")
        # Compare with the version that was accepted, not with an earlier recheck.
        accepted = old
        while accepted.origin == "recheck" and accepted.supersedes_id is not None:
            earlier = s.get(Document, accepted.supersedes_id)
            if earlier is None:
                break
            accepted = earlier
        before = _visible_text(vault, s, accepted)
        contract = s.get(Contract, old.contract_id)
        if contract is None:
            raise NotFoundError(f"the contract of {document_id} is missing")
    work = vault.new_temp_dir("recheck-")
    try:
        result = cap.run_capture(cap.CaptureRequest(url=old.url, out_dir=work,
                                                    capture_id=uuid.uuid4().hex[:16]),
                                 progress=progress)
        page = result.pages[0]
        changes = compare_clauses(before, page.text)
        text_changed = normalise_text(before) != normalise_text(page.text)
        extra = {"recheck_of": document_ref(old.id or 0),
                 "compared_with": document_ref(accepted.id or 0), "text_changed": text_changed,
                 "changed_clauses": [c.clause for c in changes]}
        opts = CaptureOptions(url=old.url, doc_type=old.doc_type, contract=contract_ref(old.contract_id))
        sealed, _ = _seal_page(vault, result, 0, result.to_dict(), doc_type=old.doc_type,
                               contract_pk=old.contract_id, opts=opts, authority=None,
                               origin="recheck", supersedes=old.id, extra=extra)
    except cap.CaptureError as exc:
        raise _map_capture_error(exc) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    assert sealed.subject.document_id is not None
    new_id = document_ref(sealed.subject.document_id)
    return {
        "document_id": new_id, "recheck_of": document_ref(old.id or 0),
        "compared_with": document_ref(accepted.id or 0),
        "evidence_id": evidence_ref(sealed.seq), "url": old.url,
        "text_changed": text_changed,
        "formatting_only": not text_changed and before != page.text,
        "changes": [{"clause": c.clause, "change": c.change, "before": c.before, "after": c.after}
                    for c in changes],
    }
