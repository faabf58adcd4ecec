"""What each page shows, gathered from the library for one user (no HTTP in here).

Each function is what one route calls. Secret contracts are left out for users without
secret access (they are not counted either); for users with it, every view or download
of a secret contract's data is sealed in the ledger (access.audit) before it is shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from contractvault.access.audit import log_secret_access, secret_access_log
from contractvault.access.policy import visible_contract, visible_document
from contractvault.access.users import UserInfo
from contractvault.authority import describe_register
from contractvault.authority.store import load_register, register_versions
from contractvault.errors import NotFoundError, UsageError
from contractvault.evidence.verify import verify
from contractvault.exports.bundle import export_evidence
from contractvault.followup import calendar_bytes, deadlines, list_followups
from contractvault.followup.deficiencies import list_deficiencies, parse_deficiency_ref
from contractvault.followup.report import build_report
from contractvault.ids import contract_ref, document_ref, evidence_ref, parse_ref
from contractvault.models import (
    AuthorityDecision,
    Contract,
    Deficiency,
    Document,
    DocumentPage,
    Evidence,
    EvidenceArtifact,
)
from contractvault.records.contracts import ListFilter, list_contracts, show
from contractvault.records.search import search
from contractvault.records.vocabularies import normalize_doc_type
from contractvault.util import iso_utc, utc_now
from contractvault.vault import Vault
from index import segment, tidy_text

RECENT_CAPTURES = 10
DASHBOARD_DAYS = 90
FEED_DAYS = 365
# Files a browser may show inline; anything else (HTML, Markdown, ...) is a download so
# that nothing stored ever runs in this site's origin.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "text/plain"})


def _secret_ids(s: Session) -> set[int]:
    return set(s.exec(select(Contract.id).where(Contract.secret == True)).all())  # noqa: E712


def _hidden(user: UserInfo, secret: bool) -> bool:
    return secret and not user.secret_access


# --- dashboard ---------------------------------------------------------------------------


def dashboard(vault: Vault, user: UserInfo, on: date | None = None) -> dict[str, Any]:
    """Deadlines of the next 90 days, overdue follow-ups, open deficiencies, the report's
    warnings and the latest captures, of the contracts `user` may see."""

    due = deadlines(vault, on=on, within=DASHBOARD_DAYS)
    items = [i for i in due.items if not _hidden(user, i.secret)]
    upcoming = [i for i in items if not i.overdue]
    overdue = [i for i in items if i.overdue]
    on_day = due.on
    deficiencies = [d.as_dict(on_day) for d in list_deficiencies(vault)
                    if d.status != "resolved" and not _hidden(user, d.secret)]
    # The evidence check of the report re-hashes every blob: that is the verify job's work.
    report = build_report(vault, on=on, check_evidence=False)
    warnings = [f for f in report["findings"] if not _hidden(user, f["secret"])
                and f["kind"] != "deadline"]
    with vault.session() as s:
        secret = _secret_ids(s)
        q = (select(Document).where(col(Document.origin).in_(("capture", "recheck")))
             .order_by(col(Document.added_at).desc(), col(Document.id).desc()))
        recent = []
        for d in s.exec(q.limit(RECENT_CAPTURES * 5)).all():
            if d.contract_id in secret and not user.secret_access:
                continue
            recent.append({"document_id": document_ref(d.id or 0),
                           "contract_id": contract_ref(d.contract_id), "title": d.title,
                           "url": d.url, "added_at": iso_utc(d.added_at), "origin": d.origin,
                           "secret": d.contract_id in secret})
            if len(recent) >= RECENT_CAPTURES:
                break
    return {"on": on_day.isoformat(), "until": due.until.isoformat(), "upcoming": upcoming,
            "overdue": overdue, "deficiencies": deficiencies, "warnings": warnings,
            "recent": recent}


# --- search ------------------------------------------------------------------------------


def search_page(vault: Vault, user: UserInfo, query: str, *, doc_type: str | None = None,
                supplier: str | None = None, board: str | None = None,
                limit: int = 20) -> dict[str, Any]:
    """`search` as `user` may see it (the CLI's JSON); secret hits shown are logged."""

    data = search(vault, query, doc_type=doc_type, supplier=supplier, board=board,
                  include_secret=user.secret_access, limit=limit).as_dict()
    if user.secret_access and data["hits"]:
        with vault.session() as s:
            secret = _secret_ids(s)
        shown: dict[int, list[str]] = {}
        for h in data["hits"]:
            pk = parse_ref(h["contract_id"], "contract")[1]
            if pk in secret:
                shown.setdefault(pk, []).append(h["document_id"])
                h["secret"] = True
        for pk, docs in shown.items():
            log_secret_access(vault, user, pk, action="search",
                              what=f"search hits in {', '.join(sorted(set(docs)))}")
    return data


# --- contracts ---------------------------------------------------------------------------


def contracts_page(vault: Vault, user: UserInfo, *, supplier: str | None = None,
                   board: str | None = None, doc_type: str | None = None,
                   category: str | None = None) -> list[dict[str, Any]]:
    """`list` as `user` may see it."""

    flt = ListFilter(supplier=supplier, board=board, category=category,
                     doc_type=normalize_doc_type(doc_type) if doc_type else None,
                     include_secret=user.secret_access)
    return list_contracts(vault, flt)


def contract_page(vault: Vault, user: UserInfo, ref: str) -> dict[str, Any]:
    """One contract: metadata and its changes, documents, deadlines, deficiencies,
    follow-ups, authority checks and (secret contracts) the access log."""

    with vault.session() as s:
        c = visible_contract(s, user, ref)
        assert c.id is not None
        pk, secret = c.id, c.secret
        checks = []
        for row in s.exec(select(AuthorityDecision).where(AuthorityDecision.contract_id == pk)
                          .order_by(col(AuthorityDecision.id))).all():
            data = json.loads(row.check_json)
            checks.append({"at": iso_utc(row.at), "on": row.on_date.isoformat(),
                           "signer": row.signer, "board": row.board, "doc_type": row.doc_type,
                           "allowed": row.allowed, "purpose": row.purpose,
                           "reasons": data.get("reasons", []),
                           "evidence_id": evidence_ref(row.evidence_seq) if row.evidence_seq else None})
    cref = contract_ref(pk)
    if secret:
        log_secret_access(vault, user, pk, action="view", what=cref)
    data = show(vault, cref).as_dict()
    return {
        "contract": data,
        "deadlines": deadlines(vault, within=FEED_DAYS, contract=cref).items,
        "deficiencies": [d.as_dict() for d in list_deficiencies(vault, contract=cref)],
        "followups": list_followups(vault, cref),
        "checks": checks,
        "access_log": secret_access_log(vault, cref) if secret else [],
    }


# --- documents ---------------------------------------------------------------------------


@dataclass
class StoredFile:
    """A file to send: where it is, what it is, what to call it, inline or not."""

    path: Path
    media_type: str
    filename: str
    inline: bool


def _clause_view(pages: list[str], clause: str | None, page: int | None) -> dict[str, Any] | None:
    if not clause and not page:
        return None

    for c in segment(pages):
        if clause and clause not in (c.number, c.heading):
            continue
        if page and c.page and c.page != page:
            continue
        return {"clause": clause, "page": c.page or page, "text": tidy_text(c.text)}
    return {"clause": clause, "page": page, "text": None}


def document_page(vault: Vault, user: UserInfo, ref: str, *, clause: str | None = None,
                  page: int | None = None) -> dict[str, Any]:
    """One document: the file, the accept-box screenshots, the acceptance record, the
    seal verified now, and (from a search hit) the clause it was linked at."""

    with vault.session() as s:
        doc, c = visible_document(s, user, ref)
        assert doc.id is not None and c.id is not None
        dref, secret, cpk = document_ref(doc.id), c.secret, c.id
        record: dict[str, Any] = {}
        artifacts: list[dict[str, Any]] = []
        if doc.evidence_seq is not None:
            ev = s.get(Evidence, doc.evidence_seq)
            if ev is not None:
                record = json.loads(ev.record_json)
            for a in s.exec(select(EvidenceArtifact).where(
                    EvidenceArtifact.evidence_seq == doc.evidence_seq)
                    .order_by(col(EvidenceArtifact.id))).all():
                artifacts.append({"name": a.name, "media_type": a.media_type,
                                  "sha256": a.sha256, "size": a.size})
        pages = list(s.exec(select(DocumentPage.text).where(DocumentPage.document_id == doc.id)
                            .order_by(col(DocumentPage.page_no))).all())
        contract_title = c.title
    if secret:
        log_secret_access(vault, user, cpk, action="view", what=dref)
    info = show(vault, dref).as_dict()
    names = {a["name"] for a in artifacts}
    context = record.get("context") or {}
    page_ctx = context.get("page") or {}
    return {
        "document": info, "contract_title": contract_title, "secret": secret,
        "record": record, "artifacts": artifacts,
        "before": "accept-before.png" if "accept-before.png" in names else None,
        "after": "accept-after.png" if "accept-after.png" in names else None,
        "result_shot": "accept-result.png" if "accept-result.png" in names else None,
        "accept": page_ctx.get("accept"), "submission": page_ctx.get("submission"),
        "capture": page_ctx, "signer": context.get("signer"), "who": context.get("who"),
        "authority": context.get("authority"),
        "pdf": info["media_type"] == "application/pdf",
        "pages": pages, "clause_view": _clause_view(pages, clause, page),
    }


def document_file(vault: Vault, user: UserInfo, ref: str, artifact: str | None = None,
                  *, download: bool = False) -> StoredFile:
    """The stored file of a document, or one sealed artifact of its evidence record."""
    with vault.session() as s:
        doc, c = visible_document(s, user, ref)
        assert doc.id is not None and c.id is not None
        if artifact is None:
            sha, media, name = doc.blob_sha256, doc.media_type, Path(doc.source_name).name
        else:
            row = s.exec(select(EvidenceArtifact).where(
                EvidenceArtifact.evidence_seq == doc.evidence_seq,
                EvidenceArtifact.name == artifact)).first() if doc.evidence_seq else None
            if row is None:
                raise NotFoundError(f"no file {artifact} in {document_ref(doc.id)}")
            sha, media, name = row.sha256, row.media_type, row.name
        secret, cpk, dref = c.secret, c.id, document_ref(doc.id)
    if secret:
        log_secret_access(vault, user, cpk, action="download",
                          what=f"{dref}/{artifact}" if artifact else dref)
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)[:120] or "file"
    return StoredFile(path=vault.blobs.open(sha), media_type=media, filename=safe,
                      inline=not download and media in INLINE_TYPES)


def evidence_bundle(vault: Vault, user: UserInfo, ref: str, out: Path) -> Any:
    """`export evidence` of a document `user` may see (secret ones logged)."""

    with vault.session() as s:
        doc, c = visible_document(s, user, ref)
        secret, cpk = c.secret, c.id
    assert cpk is not None
    if secret:
        log_secret_access(vault, user, cpk, action="download", what=f"{ref} evidence bundle")
    return export_evidence(vault, ref, out, include_secret=secret)


# --- verification ------------------------------------------------------------------------


def _owner(s: Session, ref: str) -> int | None:
    """The contract a failure's id (C-/D-/E-) belongs to."""
    try:
        kind, pk = parse_ref(ref)
    except UsageError:
        return None
    if kind == "contract":
        return pk
    if kind == "document":
        d = s.get(Document, pk)
        return d.contract_id if d else None
    ev = s.get(Evidence, pk)
    return ev.contract_id if ev else None


def _visible_verify(vault: Vault, user: UserInfo, data: dict[str, Any]) -> dict[str, Any]:
    """A verify report without the failures that concern contracts hidden from `user`
    (their number is kept: that evidence fails is everyone's business)."""
    if user.secret_access:
        return data
    with vault.session() as s:
        secret = _secret_ids(s)
        out = dict(data)
        for key in ("failures", "warnings"):
            kept = [f for f in data.get(key, []) if _owner(s, f["id"]) not in secret]
            out[key] = kept
            out[f"hidden_{key}"] = len(data.get(key, [])) - len(kept)
    return out


def verify_document(vault: Vault, user: UserInfo, ref: str,
                    progress: Any = None) -> dict[str, Any]:
    """`verify D-n` of a document `user` may see (its blobs, records, and the whole
    chain and checkpoints: a break anywhere weakens every later record)."""
    with vault.session() as s:
        doc, _ = visible_document(s, user, ref)
        dref = document_ref(doc.id or 0)
    data = _visible_verify(vault, user, verify(vault, dref, progress=progress).as_dict())
    data["checked_at"] = iso_utc(utc_now())
    return data


def verify_all(vault: Vault, user: UserInfo, progress: Any = None) -> dict[str, Any]:
    """`verify` of the whole vault, as `user` may see the failures."""

    return _visible_verify(vault, user, verify(vault, None, progress=progress).as_dict())


# --- deadlines and the calendar feed -----------------------------------------------------


def deadlines_page(vault: Vault, user: UserInfo, within: int = DASHBOARD_DAYS) -> dict[str, Any]:
    """`followup due` as `user` may see it."""

    due = deadlines(vault, within=within)
    return {"on": due.on.isoformat(), "until": due.until.isoformat(), "within": within,
            "items": [i for i in due.items if not _hidden(user, i.secret)],
            "skipped": [k.as_dict() for k in due.skipped if not _hidden(user, k.secret)]}


def feed_calendar(vault: Vault, user: UserInfo) -> bytes:
    """The user's calendar: the coming year's deadlines they may see. Secret contracts
    (for users with secret access) keep their id but not their title or detail, as in
    `followup ics`: a calendar travels to phones and shared calendars."""

    due = deadlines(vault, within=FEED_DAYS)
    items = [i for i in due.items if not _hidden(user, i.secret)]
    return calendar_bytes(vault.vault_id, items, show_secret=False)


# --- deficiencies, follow-ups, contract changes ------------------------------------------


def deficiencies_page(vault: Vault, user: UserInfo, status: str | None = None) -> list[dict[str, Any]]:
    """`deficiency list` as `user` may see it."""

    return [d.as_dict() for d in list_deficiencies(vault, status=status)
            if not _hidden(user, d.secret)]


def check_visible(vault: Vault, user: UserInfo, ref: str) -> str:
    """The contract id if `user` may see it (NotFoundError as for a missing one)."""
    with vault.session() as s:
        c = visible_contract(s, user, ref)
        return contract_ref(c.id or 0)


def check_deficiency_visible(vault: Vault, user: UserInfo, ref: str) -> None:
    """NotFoundError unless the deficiency's contract is one `user` may see."""

    with vault.session() as s:
        row = s.get(Deficiency, parse_deficiency_ref(ref))
        contract = s.get(Contract, row.contract_id) if row is not None else None
        if contract is None or _hidden(user, contract.secret):
            raise NotFoundError(f"no deficiency {ref}", "",
                                "Run 'contractvault deficiency list' to see ids")


# --- authority ---------------------------------------------------------------------------


@dataclass
class AuthorityPage:
    """The register's versions, the current register, and the latest checks."""

    versions: list[dict[str, Any]] = field(default_factory=list)
    register: dict[str, Any] | None = None
    checks: list[dict[str, Any]] = field(default_factory=list)


def authority_page(vault: Vault, user: UserInfo) -> AuthorityPage:
    """The delegation register and the latest authority checks (of visible contracts)."""

    page = AuthorityPage(versions=[v.as_dict() for v in register_versions(vault)])
    if page.versions:
        page.register = describe_register(load_register(vault))
    with vault.session() as s:
        secret = _secret_ids(s)
        rows = s.exec(select(AuthorityDecision).order_by(col(AuthorityDecision.id).desc())
                      .limit(50)).all()
        for row in rows:
            if row.contract_id in secret and not user.secret_access:
                continue
            page.checks.append({"at": iso_utc(row.at), "signer": row.signer, "board": row.board,
                                "doc_type": row.doc_type, "allowed": row.allowed,
                                "purpose": row.purpose,
                                "contract_id": contract_ref(row.contract_id) if row.contract_id else None})
    return page
