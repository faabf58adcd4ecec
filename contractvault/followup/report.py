"""`report`: what is missing or at risk across the archive.

The report is internal, so secret contracts are included, each finding marked `secret`.
It is a report, not a check: it never raises for findings (the CLI exits 0 with findings).

Finding kinds and severities:
- missing-document (high: main agreement; medium: SLA) — mandatory documents for the
  system category (domain.md, seed 001). The main agreement (grundavtal) is a `huvudavtal`
  document or accepted online terms (`villkor`): for click-through services the accepted
  terms are the agreement. Förvaltningsplan and uppföljningsrapport are not document types
  ContractVault stores, so they are not checked as documents; the yearly follow-up is
  checked through follow-up records instead (followup-documentation).
- missing-pub-avtal (high) — personal data processed, or a category that needs a
  PUB-avtal while personal data is not recorded as absent, and no `pub-avtal` document.
- third-country-transfer (high: no mechanism and no SCC document; medium: SCC recorded
  as the mechanism but no `scc` document stored).
- pub-without-main (medium) — a PUB-avtal must not outlive the agreement it serves. End
  dates are kept per contract, not per document, so a PUB-avtal and its main agreement in
  one contract share the end date; what can be checked is a contract that holds a
  PUB-avtal but no main agreement at all (its main agreement is elsewhere or gone).
- deadline (high: within 30 days or overdue; medium: within 90 days) — from `followup due`.
- followup-documentation (medium) — the yearly avtalsuppföljning is overdue: no follow-up
  meeting or internal review documented in the last twelve months.
- evidence-failure (high) — evidence that fails `verify`; when the verifier is not
  available the report says "not checked".
- changed-terms (high) — captured online terms that differ from the version accepted.
- no-diarienummer (medium), no-ciceron-copy (low) — the diarium and Ciceron copies.
- no-category (low) — without a category the mandatory documents cannot be checked.
- unreadable-terms (high) — dates that no calendar computation can hold (e.g. an end of
  9999-12-31 that renews, written before `contract set` bounded dates): that contract's
  deadlines are unknown; every other contract is still reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from contractvault.evidence.verify import verify
from contractvault.followup.deadlines import changed_terms, deadlines, terms_summary
from contractvault.followup.terms import FOLLOWUP_CATEGORIES, Terms, followup_due_date, has_ended
from contractvault.ids import contract_ref, document_ref
from contractvault.models import Contract, Document, Evidence, FollowUpRecord
from contractvault.util import Progress, iso_utc, utc_now
from contractvault.vault import Vault

SEVERITIES = ("high", "medium", "low")
DEADLINE_WINDOW_DAYS = 90
URGENT_DAYS = 30
MAIN_AGREEMENT_TYPES = frozenset({"huvudavtal", "villkor"})
# Categories whose agreements must include these documents (besides the PUB-avtal).
REQUIRED_DOCS: dict[str, tuple[str, ...]] = {
    "publik-tjanst": (), "myndighetstjanst": (), "kommersiell-tjanst": (),
    "digitalt-verktyg": ("huvudavtal",),
    "verksamhetssystem": ("huvudavtal", "sla"),
    "plattform": ("huvudavtal", "sla"),
    "it-infrastruktur": ("huvudavtal", "sla"),
}
PUB_CATEGORIES = frozenset({"kommersiell-tjanst", "digitalt-verktyg", "verksamhetssystem",
                            "plattform", "it-infrastruktur"})
_REF = re.compile(r"^([CDE])-(\d+)$")


@dataclass(frozen=True)
class Finding:
    """One thing missing or at risk."""

    contract_id: str | None
    title: str | None
    severity: str
    kind: str
    detail: str
    secret: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"contract_id": self.contract_id, "title": self.title,
                "severity": self.severity, "kind": self.kind, "detail": self.detail,
                "secret": self.secret}


def _unreadable(contract_id: str, title: str, detail: str, secret: bool) -> Finding:
    """The finding for a contract whose dates no calendar computation can hold."""
    return Finding(contract_id, title, "high", "unreadable-terms",
                   f"its dates cannot be computed ({detail}): correct its terms with "
                   "'contract set'", secret)


def _contract_findings(c: Contract, doc_types: set[str], held: date | None,
                       on: date) -> list[Finding]:
    assert c.id is not None
    cid = contract_ref(c.id)

    def f(severity: str, kind: str, detail: str) -> Finding:
        return Finding(cid, c.title, severity, kind, detail, c.secret)

    out: list[Finding] = []
    has_main = bool(doc_types & MAIN_AGREEMENT_TYPES)
    if c.category is None:
        out.append(f("low", "no-category", "no system category recorded: the mandatory "
                     "documents cannot be checked (contract set --category)"))
    for needed in REQUIRED_DOCS.get(c.category or "", ()):
        if needed == "huvudavtal" and not has_main:
            out.append(f("high", "missing-document", f"category {c.category} requires a main "
                         "agreement (grundavtal): no huvudavtal or accepted online terms stored"))
        elif needed == "sla" and "sla" not in doc_types:
            out.append(f("medium", "missing-document",
                         f"category {c.category} requires an SLA: none stored"))
    if "pub-avtal" not in doc_types:
        if c.personal_data:
            out.append(f("high", "missing-pub-avtal",
                         "personal data is processed but no PUB-avtal is stored"))
        elif c.personal_data is None and c.category in PUB_CATEGORIES:
            out.append(f("high", "missing-pub-avtal", f"category {c.category} requires a "
                         "PUB-avtal: none stored (if no personal data is processed, record "
                         "--no-personal-data after a dialogue with the data-protection contact)"))
    if c.third_country:
        mech = c.transfer_mechanism
        if mech in (None, "none") and "scc" not in doc_types:
            out.append(f("high", "third-country-transfer", "personal data goes to a third "
                         "country without SCCs or another transfer mechanism recorded"))
        elif mech == "scc" and "scc" not in doc_types:
            out.append(f("medium", "third-country-transfer", "SCCs are recorded as the "
                         "transfer mechanism but no scc document is stored"))
    if "pub-avtal" in doc_types and not has_main:
        out.append(f("medium", "pub-without-main", "a PUB-avtal is stored but no main "
                     "agreement: the PUB-avtal may outlive the agreement it serves"))
    terms = Terms.of(c)
    due = followup_due_date(c.category, c.start_date, held, c.created_at.date())
    if c.category in FOLLOWUP_CATEGORIES and due is not None and due < on \
            and not has_ended(terms, on):
        since = f"last documented {held.isoformat()}" if held else "none documented"
        out.append(f("medium", "followup-documentation", "the yearly avtalsuppföljning "
                     f"(follow-up meeting or internal review) was due {due.isoformat()}; "
                     f"{since} (followup record)"))
    if not c.diarienummer:
        out.append(f("medium", "no-diarienummer", "not registered in the diarium "
                     "(register ID --diarienummer DNR)"))
    if not c.ciceron_ref:
        out.append(f("low", "no-ciceron-copy", "no copy recorded in Ciceron's avtalsdatabas "
                     "(export ciceron, then register ID --ciceron REF)"))
    return out


def _evidence_findings(vault: Vault, s: Session, contracts: dict[int, Contract],
                       progress: Progress | None) -> tuple[dict[str, Any], list[Finding]]:
    result = verify(vault, None, progress=progress)
    out: list[Finding] = []
    for fail in result.failures:
        data = fail.as_dict()
        ref = str(data.get("id") or "")
        pk = _contract_of(s, ref)
        c = contracts.get(pk) if pk is not None else None
        detail = f"{ref or 'vault'}: {data.get('what', '')}"
        if data.get("detail"):
            detail += f" ({data['detail']})"
        out.append(Finding(contract_ref(pk) if pk else None, c.title if c else None, "high",
                           "evidence-failure", detail, bool(c and c.secret)))
    ok = result.ok
    return {"checked": True, "ok": ok,
            "detail": "all evidence verifies" if ok else f"{len(result.failures)} failure(s)"}, out


def _contract_of(s: Session, ref: str) -> int | None:
    m = _REF.match(ref.strip().upper())
    if not m:
        return None
    kind, n = m.group(1), int(m.group(2))
    if kind == "C":
        return n
    if kind == "D":
        d = s.get(Document, n)
        return d.contract_id if d else None
    ev = s.get(Evidence, n)
    return ev.contract_id if ev else None


def build_report(vault: Vault, *, on: date | None = None, check_evidence: bool = True,
                 progress: Progress | None = None) -> dict[str, Any]:
    """Findings across the archive: `{"generated_at", "on", "contracts", "evidence",
    "findings": [{"contract_id", "title", "severity", "kind", "detail", "secret"}]}`."""
    on = on or date.today()
    findings: list[Finding] = []
    with vault.session() as s:
        contracts = {c.id: c for c in s.exec(select(Contract).order_by(col(Contract.id))).all()}
        doc_types: dict[int, set[str]] = {}
        for cid, dtype in s.exec(select(Document.contract_id, Document.doc_type)).all():
            doc_types.setdefault(cid, set()).add(dtype)
        held: dict[int, date] = {}
        for r in s.exec(select(FollowUpRecord)).all():
            if r.contract_id not in held or r.held_on > held[r.contract_id]:
                held[r.contract_id] = r.held_on
        for pk, c in contracts.items():
            assert pk is not None
            try:
                findings.extend(_contract_findings(c, doc_types.get(pk, set()), held.get(pk), on))
            except (OverflowError, ValueError) as exc:
                # One contract with terms no date can hold is a finding, not the end of
                # the report (its dates are reported once, below, with the deadlines).
                findings.append(_unreadable(contract_ref(pk), c.title,
                                            f"{terms_summary(c)}: {exc}", c.secret))
        for ch in changed_terms(s):
            c = contracts.get(ch.contract_id)
            if c is None:
                continue
            findings.append(Finding(
                contract_ref(ch.contract_id), c.title, "high", "changed-terms",
                f"the online terms checked on {ch.checked_on.isoformat()} "
                f"({document_ref(ch.document_id)}) differ from the version accepted "
                f"({document_ref(ch.original_id)}), first seen {ch.first_changed_on.isoformat()}",
                c.secret))
        if check_evidence:
            evidence, failed = _evidence_findings(vault, s, contracts, progress)
            findings.extend(failed)
        else:
            evidence = {"checked": False, "ok": None, "detail": "not checked (skipped)"}
    urgent = on + timedelta(days=URGENT_DAYS)
    listing = deadlines(vault, on=on, within=DEADLINE_WINDOW_DAYS)
    reported = {f.contract_id for f in findings if f.kind == "unreadable-terms"}
    for skip in listing.skipped:
        if skip.contract_id not in reported:
            findings.append(_unreadable(skip.contract_id, skip.title, skip.detail, skip.secret))
    for item in listing.items:
        if item.kind == "changed-terms" or (item.kind == "followup" and item.overdue):
            continue  # reported above as changed-terms / followup-documentation
        severity = "high" if item.overdue or item.date <= urgent else "medium"
        when = "overdue since" if item.overdue else "on"
        findings.append(Finding(item.contract_id, item.title, severity, "deadline",
                                f"{item.kind} {when} {item.date.isoformat()}: {item.detail}",
                                item.secret))
    findings.sort(key=lambda f: (SEVERITIES.index(f.severity), _num(f.contract_id), f.kind))
    return {"generated_at": iso_utc(utc_now()), "on": on.isoformat(),
            "contracts": len(contracts), "evidence": evidence,
            "findings": [f.as_dict() for f in findings]}


def _num(ref: str | None) -> int:
    if not ref:
        return 0
    m = _REF.match(ref)
    return int(m.group(2)) if m else 0
