"""`capture`: compose the `capture` leaf package with authority, sealing and the index.
One capture = one sealed record per captured page (the agreement and each followed
document), every artifact hashed into the record. The index gets the agreement's main
content (no stamp, menus, banners or buttons); the stamped PDF stays the evidence as shown.
`recheck` (in `recheck.py`) captures again with the options recorded here."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from sqlmodel import Session

import capture as cap
from contractvault.authority import AuthorityCheck, AuthorityRequest
from contractvault.authority.store import check
from contractvault.errors import ContractVaultError, NotFoundError, RefusedError, UsageError
from contractvault.evidence.ingest import add_document_rows
from contractvault.evidence.interrupted import AcceptanceGuard
from contractvault.evidence.pades import Attachment, SealedCopy, make_sealed_copy
from contractvault.evidence.sealing import seal_document
from contractvault.ids import contract_ref, document_ref, evidence_ref
from contractvault.models import Contract
from contractvault.records import refs
from contractvault.records.contracts import ContractFields, new_contract_row
from contractvault.records.extract import ExtractedDocument, pdf_page_count, text_hash
from contractvault.records.vocabularies import CATEGORIES, SCOPES, choose, normalize_doc_type
from contractvault.util import canonical_json, sha256_file
from contractvault.vault import ArtifactSpec, Sealed, Subject, Vault

CONSENT_MODES = ("reject", "accept", "leave")


@dataclass
class CaptureOptions:
    """What `contractvault capture` was asked to do."""

    url: str
    doc_type: str
    contract: str | None = None
    new_title: str | None = None
    supplier: str | None = None
    accept_selector: str | None = None
    extra_accept: list[str] = field(default_factory=list)  # more boxes (two agreements)
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
    page_only: bool = False  # a published page: nothing to find or click
    consent: str = "reject"  # cookie/consent dialogs: reject, accept or leave
    timeout_s: float | None = None  # page loads and clicks (default 30 s)

    def recorded(self) -> dict[str, Any]:
        """The options a recheck reuses (sealed with the capture; no secrets, no paths)."""
        return {"accept_selector": self.accept_selector, "extra_accept": list(self.extra_accept),
                "submit_selector": self.submit_selector,
                "follow": list(self.follow), "page_only": self.page_only,
                "consent": self.consent, "timeout_s": self.timeout_s,
                "interactive": self.interactive, "click": self.click,
                "storage_state": self.storage_state is not None}


def capture_request(opts: CaptureOptions, out_dir: Path, capture_id: str, *,
                    page_only: bool | None = None) -> cap.CaptureRequest:
    """The leaf package's request for these options (usage errors raised here)."""
    if opts.consent not in CONSENT_MODES:
        raise UsageError(f"--consent {opts.consent!r} is not known",
                         f"choose one of {', '.join(CONSENT_MODES)}")
    if opts.timeout_s is not None and not 0 < opts.timeout_s <= 3600:
        raise UsageError(f"--timeout {opts.timeout_s:g} is out of range",
                         "give seconds between 1 and 3600")
    only = opts.page_only if page_only is None else page_only
    return cap.CaptureRequest(
        url=opts.url, out_dir=out_dir, capture_id=capture_id,
        accept_selector=None if only else opts.accept_selector,
        extra_accept=[] if only else list(opts.extra_accept),
        click=False if only else opts.click,
        submit_selector=None if only else opts.submit_selector,
        follow=list(opts.follow), interactive=opts.interactive,
        storage_state=opts.storage_state, page_only=only, consent=opts.consent,
        timeout_ms=int((opts.timeout_s or 30) * 1000))


@dataclass
class CaptureOutcome:
    """The JSON of `capture --json`."""

    contract_id: str | None
    document_ids: list[str]
    evidence_ids: list[str]
    artifacts: list[dict[str, Any]]
    authority: dict[str, Any] | None
    accept: dict[str, Any] | None = None
    acceptance: dict[str, Any] | None = None  # {by, clicked, submitted, request, reason}
    warnings: list[str] = field(default_factory=list)
    consent: list[dict[str, Any]] = field(default_factory=list)
    dialogs: list[dict[str, Any]] = field(default_factory=list)
    popups: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON of `capture --json` (cli-contract.md), plus what happened on the page."""
        out = {"contract_id": self.contract_id, "document_ids": self.document_ids,
               "evidence_ids": self.evidence_ids, "artifacts": self.artifacts,
               "authority": self.authority, "accept": self.accept,
               "acceptance": self.acceptance, "consent": self.consent,
               "dialogs": self.dialogs, "popups": self.popups}
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


def map_capture_error(exc: cap.CaptureError) -> ContractVaultError:
    """The core's error for a capture failure (exit codes: cli-contract.md)."""
    msg = str(exc)
    if isinstance(exc, cap.UnsupportedURL | cap.InvalidRequest):
        return UsageError(msg)
    if isinstance(exc, cap.SubmitNeeded):
        return RefusedError(msg, "", "Nothing was sealed")
    if isinstance(exc, cap.ControlCovered):
        return ContractVaultError(msg, "", "Nothing was accepted or sealed")
    if isinstance(exc, cap.AcceptControlNotFound | cap.AmbiguousAcceptControl):
        return UsageError(msg, "", "Name the accept control with --accept SELECTOR")
    if isinstance(exc, cap.LinkNotFound):
        return UsageError(msg, "", "Check the --follow link text or selector")
    if isinstance(exc, cap.NoAgreementText):
        return RefusedError(msg, "", "Nothing was sealed; open the page yourself, or use --interactive")
    if isinstance(exc, cap.BrowserUnavailable):
        return ContractVaultError(msg)
    if isinstance(exc, cap.NavigationFailed):
        return _navigation_error(exc)
    return ContractVaultError("the capture failed", msg, "Nothing was sealed")


# HTTP answers of the agreement page with an exit code of their own (others: 1).
_HTTP_NOT_FOUND = (404, 410)
_HTTP_REFUSED = (401, 403, 407, 451)


def _navigation_error(exc: cap.NavigationFailed) -> ContractVaultError:
    """A page that could not be opened, by what stopped it (cli-contract.md exit codes):
    no such host or nothing listening, HTTP 404/410: 5 not found; an untrusted certificate
    or TLS handshake, HTTP 401/403/407/451: 3 refused; a port the browser refuses: 2
    usage; a timeout, reset or HTTP 5xx: 1 (it may work later)."""
    msg = str(exc)
    status = exc.status
    if exc.kind in ("dns", "refused") or (exc.kind == "http" and status in _HTTP_NOT_FOUND):
        return NotFoundError(msg, "", "Nothing was sealed")
    if exc.kind == "tls":
        return RefusedError(msg, "", "Nothing was sealed")
    if exc.kind == "http" and status in _HTTP_REFUSED:
        return RefusedError(msg, "", "Nothing was sealed; if it needs a login, use "
                            "--interactive or --storage-state FILE")
    if exc.kind == "blocked-port":
        return UsageError(msg, "", "Nothing was sealed")
    return ContractVaultError(msg, "", "Nothing was sealed")


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
        value_sek=opts.value_sek if opts.value_sek is not None else (
            contract.value_sek if contract else None),
        system=opts.system or (contract.system if contract else None),
        decision_ref=opts.decision_ref,
    )
    return check(vault, request, purpose="capture", contract_id=contract.id if contract else None)


def _record_refusal(vault: Vault, opts: CaptureOptions, result: AuthorityCheck, decision_id: int,
                    contract: Contract | None) -> Sealed:
    """A refused acceptance is evidence too: sealed, with nothing clicked or captured."""
    return seal_document(
        vault, kind="authority-refusal", artifacts=[],
        context={"how": "capture", "who": vault.user, "url": opts.url,
                 "doc_type": normalize_doc_type(opts.doc_type), "clicked": False,
                 "authority": result.to_dict()},
        build_rows=lambda _s: Subject(contract_id=contract.id if contract else None),
        decision_id=decision_id,
    )


def page_context(summary: dict[str, Any], index: int) -> dict[str, Any]:
    """The manifest context of page `index` of a capture (`summary` = result.to_dict())."""
    page_data = {k: v for k, v in summary["pages"][index].items()
                 if k not in ("artifacts", "text", "text_after", "agreement_text", "acceptance")}
    out = {"capture_id": summary["capture_id"], "started_at": summary["started_at"],
           "finished_at": summary["finished_at"], "browser": summary["browser"],
           "page": page_data}
    if index == 0:
        # Whether the acceptance reached the site, at the top of the record: a capture must
        # never look like an acceptance that did not happen.
        out.update(acceptance=summary["pages"][0].get("acceptance"),
                   dialogs=summary.get("dialogs", []), popups=summary.get("popups", []),
                   warnings=summary.get("warnings", []))
    return out


def indexed_text(page: cap.CapturedPage) -> list[str]:
    """What the index gets of a captured page: its main content, else its visible text."""
    text = page.agreement_text if (page.agreement_text or "").strip() else page.text
    return [text]


def seal_page(vault: Vault, result: cap.CaptureResult, index: int, summary: dict[str, Any], *,
              doc_type: str, contract_pk: int | None, opts: CaptureOptions,
              authority: dict[str, Any] | None, origin: str,
              supersedes: int | None = None, extra: dict[str, Any] | None = None,
              decision_id: int | None = None, warnings: list[str] | None = None,
              indexed: bool = True) -> tuple[Sealed, list[ArtifactSpec]]:
    """Seal one captured page as a document (the PDF is its blob) with every artifact, and
    a PAdES-sealed copy of the PDF (its warnings, e.g. no TSA answered, go to `warnings`).
    `indexed=False` leaves the document in the to-index queue for the caller's
    `index_sealed` (or the next indexer)."""
    page = result.pages[index]
    pdf = next(a for a in page.artifacts if a.name.endswith("page.pdf"))
    specs = [ArtifactSpec(a.name, a.media_type, sha256_file(a.path), a.path.stat().st_size)
             for a in page.artifacts]
    pdf_spec = next(sp for sp in specs if sp.name == pdf.name)
    pages = indexed_text(page)
    # The PDF is the document as shown; its indexed text is the main content (the PDF's own
    # text holds the stamp, menus and buttons), so the PDF is not parsed again here.
    extracted = ExtractedDocument(path=pdf.path, sha256=pdf_spec.sha256, size=pdf_spec.size,
                                  media_type="application/pdf", pages=pages,
                                  has_text=bool(pages[0].strip()), text_sha256=text_hash(pages),
                                  page_count=pdf_page_count(pdf.path) or 1)
    context = {"how": origin, "who": vault.user, "doc_type": doc_type,
               "signer": opts.signer, "authority": authority, **page_context(summary, index),
               "page_count": extracted.file_pages, "options": opts.recorded(), **(extra or {})}
    copy, notes = _sealed_copy(vault, page, pdf.path, context)
    if warnings is not None:
        warnings.extend(notes)
    if copy is not None:
        specs.append(copy.spec)
        context["pdf_seal"] = copy.seal.as_dict()

    def build(s: Session) -> Subject:
        # Blobs are stored under the write lock, so `doctor --fix` never sees them unsealed.
        for a, spec in zip(page.artifacts, specs, strict=False):
            vault.store_file(a.path, spec.sha256)
        if copy is not None:
            vault.store_file(copy.path, copy.spec.sha256)
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

    try:
        sealed = seal_document(vault, kind="capture", artifacts=specs, context=context,
                               build_rows=build, decision_id=decision_id, index=indexed)
    finally:
        if copy is not None:
            copy.discard()
    return sealed, specs


# Embedded in the sealed PDF of the agreement page, so that one file holds the whole capture.
_EMBEDDED = {"accept-before.png": "The accept box before acceptance",
             "accept-after.png": "The accept box after acceptance",
             "accept-result.png": "The page after the acceptance was submitted",
             "network.har": "The network exchange (HAR, with response bodies)"}


def _sealed_copy(vault: Vault, page: cap.CapturedPage, pdf: Path,
                 context: dict[str, Any]) -> tuple[SealedCopy | None, list[str]]:
    """The PAdES-sealed copy of a captured page's PDF (screenshots, acceptance, HAR inside)."""
    attachments = [Attachment(a.name, a.path.read_bytes(), a.media_type.split(";")[0], _EMBEDDED[a.name])
                   for a in page.artifacts if a.name in _EMBEDDED]
    if page.role == "main":
        attachments.append(Attachment("acceptance.json", canonical_json(context), "application/json",
                                      "The acceptance record: what was clicked, by whom, with "
                                      "which authority"))
    reason = (f"ContractVault capture {context.get('capture_id')}: {context.get('doc_type')}"
              + (f", accepted by {context['signer']}" if context.get("signer") else ""))
    return make_sealed_copy(vault, pdf.read_bytes(), pdf.name, attachments=attachments,
                            reason=reason)


def capture_agreement(vault: Vault, opts: CaptureOptions, *, wait: Callable[[str], None] | None = None,
                      progress: Callable[[str], None] | None = None,
                      while_open: Callable[[CaptureOutcome, cap.HtmlPrinter], None] | None = None,
                      print_preload: str | None = None) -> CaptureOutcome:
    """Check authority (if a signer is named), capture, seal every page, index the text.

    A refused check raises RefusedError after sealing the refusal: nothing is clicked.
    The pages are sealed in a worker thread as soon as the capture is complete, while its
    browser closes (or, with `while_open`, stays open to print).
    `while_open` (the evidence report) is called once everything is sealed, with the
    outcome and a printer on the capture's own browser, which closes when it returns; the
    documents are then left in the durable to-index queue for it to index
    (`index_sealed(vault, outcome.document_ids)`, e.g. while the report prints), and the
    next indexer (add, search, verify) completes whatever it does not. `print_preload`
    (HTML with the report's styles and fonts) is laid out in the printer's page while the
    capture is sealed, so that printing the report starts warm.
    """
    doc_type = normalize_doc_type(opts.doc_type)
    try:
        cap.validate_url(opts.url)
    except cap.UnsupportedURL as exc:
        raise map_capture_error(exc) from exc
    if opts.page_only and (opts.click or opts.accept_selector or opts.submit_selector):
        raise UsageError("--page-only cannot be combined with --click, --accept or --submit",
                         "a published page has nothing to click",
                         "Leave out --page-only to accept a click-through agreement")
    if bool(opts.contract) == bool(opts.new_title):
        raise UsageError("say which contract the capture belongs to",
                         "give exactly one of --contract ID and --new TITLE")
    contract: Contract | None = None
    if opts.contract:
        with vault.session() as s:
            contract = refs.contract(s, opts.contract)
    vault.keys.signer()  # fail on a locked key before anything is clicked
    if vault.seal_store.exists():
        vault.seal_store.unlock()  # and on a lost or locked seal key (kept for the sealing)
    checked = _authority(vault, opts, doc_type, contract)
    if checked and not checked[0].allowed:
        sealed = _record_refusal(vault, opts, checked[0], checked[1], contract)
        raise RefusedError(
            f"{opts.signer} may not accept this {doc_type} for {checked[0].request.board}",
            "; ".join(checked[0].reasons),
            f"Nothing was clicked; the refusal is recorded as {evidence_ref(sealed.seq)}")

    work = vault.new_temp_dir("capture-")
    capture_id = uuid.uuid4().hex[:16]
    # Sealed before anything is clicked, so an acceptance killed after its click is known.
    guard = AcceptanceGuard(vault, work, capture_id, opts.url, doc_type,
                            contract.id if contract else None, new_title=opts.new_title,
                            signer=opts.signer, board=checked[0].request.board if checked else None,
                            decision_id=checked[1] if checked else None)
    outcomes: list[CaptureOutcome] = []
    sealing: list[Future[CaptureOutcome]] = []
    pool = ThreadPoolExecutor(1, thread_name_prefix="seal")

    def seal_while_open(result: cap.CaptureResult, printer: cap.HtmlPrinter) -> None:
        # The capture is complete (HAR written) and its browser still open. This runs in
        # Playwright's event loop, where pyHanko cannot run its own: the pages are sealed in
        # a worker thread (the only one using the vault meanwhile), while this thread opens
        # the page that will print the report, or, without one, closes the browser.
        sealing.append(pool.submit(_seal_capture, vault, opts, result, guard, doc_type,
                                   contract, checked, indexed=while_open is None))
        if while_open is None:
            return
        with contextlib.suppress(cap.PrintFailed):
            printer.open(print_preload)  # if it fails, printing says so; the sealing goes on
        outcomes.append(sealing[0].result())
        while_open(outcomes[0], printer)

    try:
        request = capture_request(opts, work, capture_id)
        request.before_click = guard.before_click
        try:
            cap.run_capture(request, wait=wait, progress=progress, while_open=seal_while_open)
        except cap.CaptureError as exc:
            futures_wait(sealing)  # a sealing under way ends first
            if outcomes:
                _fail_after_sealing(outcomes[0], exc)
            error = map_capture_error(exc)
            _abandon(guard, exc, error)
            raise error from exc
        except BaseException as exc:  # noqa: BLE001 - re-raised; with --report: sealing failed too
            futures_wait(sealing)  # a sealing under way ends first: it may have sealed the capture
            if outcomes:
                _fail_after_sealing(outcomes[0], exc)
            _fail_unsealed(guard, exc)
        if not outcomes:  # sealed while the browser closed
            try:
                outcomes.append(sealing[0].result())
            except BaseException as exc:  # noqa: BLE001 - re-raised by _fail_unsealed
                # Clicked but not sealed: the vault keeps a record saying so, as with --report
                # (after the sealing ended: an interrupt may come while it still runs).
                futures_wait(sealing)
                _fail_unsealed(guard, exc)
    finally:
        pool.shutdown()
        vault.remove_temp_dir(work)
    return outcomes[0]


def _fail_after_sealing(outcome: CaptureOutcome, exc: BaseException) -> NoReturn:
    """Raise for a failure of what the caller did with the browser (the evidence report)
    once the capture is sealed: its own errors and interrupts as they are, anything else
    saying that the capture itself is sealed."""
    if isinstance(exc, ContractVaultError) or not isinstance(exc, Exception):
        raise exc
    raise ContractVaultError(f"the capture is sealed ({', '.join(outcome.evidence_ids)}), "
                             "but what followed it failed", str(exc)) from exc


def _fail_unsealed(guard: AcceptanceGuard, exc: BaseException) -> NoReturn:
    """Raise for a capture whose sealing failed, after `_abandon`: a failure that is not
    one of ours (a full disk, say) becomes one, so that its message can name the record
    that keeps the acceptance."""
    if isinstance(exc, ContractVaultError) or not isinstance(exc, Exception):
        _abandon(guard, exc)
        raise exc
    error = ContractVaultError("sealing the capture failed", f"{type(exc).__name__}: {exc}",
                               "Fix the cause and capture again; nothing was sealed as complete")
    _abandon(guard, exc, error)
    raise error from exc


def _abandon(guard: AcceptanceGuard, exc: BaseException,
             error: BaseException | None = None) -> None:
    """A capture that failed before its evidence was sealed: if the acceptance was started
    (clicked, perhaps sent), seal what it wrote as incomplete evidence, and say so in the
    error raised (`error`, else `exc`)."""
    sealed = guard.abandon(exc)
    shown = exc if error is None else error
    if sealed is not None and isinstance(shown, ContractVaultError):
        shown.details.append(f"the acceptance was started before this failure: what the capture "
                             f"wrote is sealed as incomplete evidence {evidence_ref(sealed.seq)} "
                             "(acceptance-interrupted)")


def _seal_capture(vault: Vault, opts: CaptureOptions, result: cap.CaptureResult,
                  guard: AcceptanceGuard, doc_type: str, contract: Contract | None,
                  checked: tuple[AuthorityCheck, int] | None, *,
                  indexed: bool = True) -> CaptureOutcome:
    """Seal every captured page (the agreement first) and index it (`indexed=False`: leave
    it queued); the command's outcome."""
    authority = checked[0].to_dict() if checked else None
    outcome = CaptureOutcome(contract_id=None, document_ids=[], evidence_ids=[],
                             artifacts=[], authority=authority,
                             warnings=list(result.warnings), dialogs=result.dialogs,
                             popups=result.popups,
                             consent=[c for p in result.pages for c in p.consent])
    acceptance = result.pages[0].acceptance
    outcome.acceptance = acceptance
    if opts.click and not checked:
        done = "accepted" if acceptance and acceptance["submitted"] else "clicked"
        outcome.warnings.append(f"{done} without an authority check: name the signer "
                                "with --signer (and --board) to check the register first")
    contract_pk = contract.id if contract else None
    summary = result.to_dict()
    for index, page in enumerate(result.pages):
        page_type = doc_type if page.role == "main" else followed_doc_type(
            page.follow_spec or "", page.title)
        sealed, specs = seal_page(vault, result, index, summary, doc_type=page_type,
                                  contract_pk=contract_pk, opts=opts,
                                  authority=authority if page.role == "main" else None,
                                  origin="capture", warnings=outcome.warnings,
                                  decision_id=checked[1] if checked and page.role == "main"
                                  else None, indexed=indexed)
        contract_pk = sealed.subject.contract_id
        guard.done = True
        if sealed.timestamp_warning:
            outcome.warnings.append(sealed.timestamp_warning)
        assert sealed.subject.document_id is not None
        outcome.document_ids.append(document_ref(sealed.subject.document_id))
        outcome.evidence_ids.append(evidence_ref(sealed.seq))
        outcome.artifacts += [{"name": a.name, "media_type": a.media_type, "sha256": a.sha256,
                               "size": a.size} for a in specs]
        if page.role == "main" and page.accept is not None:
            outcome.accept = summary["pages"][0]["accept"]
    outcome.contract_id = contract_ref(contract_pk) if contract_pk else None
    return outcome
