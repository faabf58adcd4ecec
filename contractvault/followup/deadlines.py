"""Avtalsuppföljning: the deadlines of every contract (notice, expiry, renewal, yearly
follow-up, deletion, deficiencies, changed online terms) and the follow-up records."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from contractvault.errors import UsageError
from contractvault.followup.deficiencies import deficiency_due_items
from contractvault.followup.terms import (
    DEFAULT_WITHIN_DAYS,
    FOLLOWUP_RECORD_KINDS,
    KINDS,
    Terms,
    followup_due_date,
    has_ended,
    term_deadlines,
    weekend_note,
)
from contractvault.ids import contract_ref, document_ref
from contractvault.models import Contract, Document, Evidence, FollowUpRecord
from contractvault.records import refs
from contractvault.records.vocabularies import MAX_DAYS, bounded, parse_date, plain_text
from contractvault.storage.rowseal import sealed_row
from contractvault.util import iso_utc, utc_now
from contractvault.vault import Subject, Vault

# --- changed online terms (hook for `recheck`) -------------------------------------------


@dataclass(frozen=True)
class ChangedTerms:
    """Captured online terms whose latest recheck differs from the version accepted."""

    contract_id: int
    document_id: int  # the latest recheck
    original_id: int  # the version first captured or added (what was accepted)
    first_changed_on: date
    checked_on: date


def _recheck_changed(s: Session, recheck: Document, accepted: Document) -> bool:
    """Whether a recheck found other text than the accepted version.

    The sealed recheck record says so (it compares the visible text, clause by clause);
    the text hashes are the fallback for a record without that verdict.
    """
    if recheck.evidence_seq is not None:
        ev = s.get(Evidence, recheck.evidence_seq)
        if ev is not None:
            verdict = json.loads(ev.record_json).get("context", {}).get("text_changed")
            if isinstance(verdict, bool):
                return verdict
    return recheck.text_sha256 != accepted.text_sha256


def changed_terms(s: Session, contract_pk: int | None = None) -> list[ChangedTerms]:
    """Accepted online terms whose latest recheck differs from the accepted text.

    A `recheck` stores a Document with origin "recheck" that supersedes the version it
    rechecked (supersedes_id). Following supersedes_id back leads to the accepted version
    (the first one that is not a recheck). For each accepted version, the most recent
    recheck is compared with it: a different text hash means the terms have changed.
    """
    # Only the rechecks are read in bulk; the versions they point back at come one by one
    # (an archive of 10,000 documents has few rechecks, and reading every row cost ~1 s).
    q = select(Document).where(Document.origin == "recheck").order_by(col(Document.id))
    if contract_pk is not None:
        q = q.where(Document.contract_id == contract_pk)
    docs = {d.id: d for d in s.exec(q).all()}
    trees: dict[int, list[Document]] = {}  # accepted version id -> its rechecks
    roots: dict[int, Document] = {}
    for d in docs.values():
        if d.origin != "recheck" or d.supersedes_id is None:
            continue
        cur, seen = d, {d.id}
        while cur.origin == "recheck" and cur.supersedes_id is not None:
            prev = docs.get(cur.supersedes_id) or s.get(Document, cur.supersedes_id)
            if prev is None or prev.id in seen:
                break
            seen.add(prev.id)
            cur = prev
        if cur.origin == "recheck" or cur.id is None:
            continue  # the accepted version is missing: nothing to compare with
        roots[cur.id] = cur
        trees.setdefault(cur.id, []).append(d)
    out: list[ChangedTerms] = []
    for root_id, rechecks in trees.items():
        root = roots[root_id]
        latest = max(rechecks, key=lambda x: (x.added_at, x.id or 0))
        if not _recheck_changed(s, latest, root):
            continue
        first = min((x for x in rechecks if _recheck_changed(s, x, root)),
                    key=lambda x: (x.added_at, x.id or 0))
        assert latest.id is not None
        out.append(ChangedTerms(contract_id=latest.contract_id, document_id=latest.id,
                                original_id=root_id, first_changed_on=first.added_at.date(),
                                checked_on=latest.added_at.date()))
    out.sort(key=lambda c: (c.contract_id, c.document_id))
    return out


# --- due items ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    """A deadline of one contract, as `followup due` shows it."""

    contract_id: str
    title: str
    kind: str
    date: date
    detail: str
    secret: bool = False
    overdue: bool = False
    key: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"contract_id": self.contract_id, "title": self.title, "kind": self.kind,
                "date": self.date.isoformat(), "detail": self.detail, "overdue": self.overdue,
                "secret": self.secret}


@dataclass
class DueList:
    """Deadlines on and after a date, in date order."""

    on: date
    until: date
    items: list[DueItem] = field(default_factory=list)
    # Contracts whose deadlines could not be computed (terms beyond what a date holds,
    # e.g. written to the database directly): each named, the others still listed.
    skipped: list[SkippedContract] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"on": self.on.isoformat(), "items": [i.as_dict() for i in self.items]}
        if self.skipped:  # only then: the contract's shape is {"on", "items"}
            out["skipped"] = [k.as_dict() for k in self.skipped]
        return out

    @property
    def warnings(self) -> list[str]:
        """One line per skipped contract, for stderr."""
        return [k.line for k in self.skipped]


@dataclass(frozen=True)
class SkippedContract:
    """A contract left out of the deadlines because its terms cannot be computed."""

    contract_id: str
    title: str
    detail: str
    secret: bool = False

    @property
    def line(self) -> str:
        return (f"{self.contract_id}: its deadlines cannot be computed ({self.detail}); "
                f"correct its terms with 'contractvault contract set {self.contract_id}'")

    def as_dict(self) -> dict[str, Any]:
        return {"contract_id": self.contract_id, "title": self.title, "detail": self.detail,
                "secret": self.secret}


def terms_summary(c: Contract) -> str:
    """The terms of a contract that dates are computed from, in a few words."""
    parts = [f"{name} {value}" for name, value in (
        ("start", c.start_date), ("end", c.end_date), ("notice months", c.notice_months),
        ("renewal months", c.renewal_months), ("deletion days", c.deletion_days))
        if value is not None]
    return ", ".join(parts) or "no terms"


def _today() -> date:
    return date.today()


def deadlines(vault: Vault, on: date | None = None, within: int = DEFAULT_WITHIN_DAYS,
              contract: str | None = None) -> DueList:
    """Every deadline dated from `on` (default today) to `within` days later, plus what is
    overdue and still actionable (follow-ups, deficiencies, changed terms), in date order."""
    within = bounded(within, "--within", 0, MAX_DAYS) or 0
    on = parse_date(on, "--on") or _today()
    until = on + timedelta(days=within)
    items: list[DueItem] = []
    skipped: list[SkippedContract] = []
    with vault.session() as s:
        q = select(Contract).order_by(col(Contract.id))
        if contract:
            q = q.where(Contract.id == refs.contract(s, contract).id)
        contracts = list(s.exec(q).all())
        last_held = _last_followups(s)
        for c in contracts:
            assert c.id is not None
            try:
                items.extend(_contract_due(c, on, until, last_held.get(c.id)))
            except (OverflowError, ValueError) as exc:
                # Terms no date can hold: this contract is named, the others still listed.
                skipped.append(SkippedContract(contract_ref(c.id), c.title,
                                               f"{terms_summary(c)}: {exc}", c.secret))
        titles = {c.id: (c.title, c.secret) for c in contracts}
        for ch in changed_terms(s):
            if ch.contract_id not in titles:
                continue
            title, secret = titles[ch.contract_id]
            items.append(DueItem(
                contract_ref(ch.contract_id), title, "changed-terms", ch.first_changed_on,
                f"the online terms checked on {ch.checked_on.isoformat()} "
                f"({document_ref(ch.document_id)}) differ from the version accepted "
                f"({document_ref(ch.original_id)}): review them, then accept anew or give notice",
                secret, overdue=ch.first_changed_on < on, key=f"doc:{ch.document_id}"))
        for item in deficiency_due_items(s, on, until):
            if item.contract_pk in titles:
                title, secret = titles[item.contract_pk]
                items.append(DueItem(contract_ref(item.contract_pk), title, "deficiency",
                                     item.date, item.detail + weekend_note(item.date), secret,
                                     overdue=item.date < on, key=item.key))
    items.sort(key=lambda i: (i.date, KINDS.index(i.kind), i.contract_id, i.key))
    return DueList(on=on, until=until, items=items, skipped=skipped)


def _contract_due(c: Contract, on: date, until: date, held: date | None) -> list[DueItem]:
    """The term deadlines and the yearly follow-up of one contract."""
    assert c.id is not None
    cid = contract_ref(c.id)
    terms = Terms.of(c)
    out = [DueItem(cid, c.title, dl.kind, dl.date, dl.detail + weekend_note(dl.date),
                   c.secret, key=dl.key) for dl in term_deadlines(terms, on, until)]
    due = followup_due_date(c.category, c.start_date, held, c.created_at.date())
    if due is not None and not has_ended(terms, on) and due <= until:
        since = (f"last documented {held.isoformat()}" if held else
                 f"none documented since the start {(c.start_date or c.created_at.date()).isoformat()}")
        detail = (f"yearly avtalsuppföljning for category {c.category} (meeting with "
                  f"the supplier or documented internal review); {since}")
        if due < on:
            detail = f"overdue: {detail}"
        out.append(DueItem(cid, c.title, "followup", due, detail + weekend_note(due),
                           c.secret, overdue=due < on, key="followup"))
    return out


def due_items(vault: Vault, on: date | None = None, within_days: int = DEFAULT_WITHIN_DAYS,
              contract: str | None = None) -> dict[str, Any]:
    """`followup due --json` as data: `{"on", "items": [{"contract_id", "title", "kind",
    "date", "detail", "overdue", "secret"}]}`."""
    return deadlines(vault, on=on, within=within_days, contract=contract).as_dict()


def _last_followups(s: Session) -> dict[int, date]:
    out: dict[int, date] = {}
    for r in s.exec(select(FollowUpRecord)).all():
        if r.contract_id not in out or r.held_on > out[r.contract_id]:
            out[r.contract_id] = r.held_on
    return out


# --- follow-up records -------------------------------------------------------------------


def record_followup(vault: Vault, contract: str, *, held_on: date | str | None, kind: str,
                    participants: list[str], notes: str) -> dict[str, Any]:
    """Document a follow-up meeting with the supplier or an internal review."""
    k = kind.strip().lower()
    if k not in FOLLOWUP_RECORD_KINDS:
        raise UsageError(f"unknown follow-up kind '{kind}'",
                         f"use one of {', '.join(FOLLOWUP_RECORD_KINDS)}")
    held = parse_date(held_on, "--date") if held_on is not None else _today()
    assert held is not None
    if held > _today():
        raise UsageError(f"the follow-up date {held} is in the future",
                         "record a follow-up after it was held")
    notes = plain_text(notes, "--notes") or ""
    people = [p for p in (plain_text(p, "--participant") or "" for p in participants) if p]
    if k == "meeting" and not people:
        raise UsageError("a meeting needs its participants", "",
                         "Name them with --participant (repeatable)")
    rows: list[FollowUpRecord] = []

    def build(s: Session) -> Subject:
        c = refs.contract(s, contract)
        assert c.id is not None
        row = FollowUpRecord(contract_id=c.id, held_on=held, kind=k,
                             participants=json.dumps(people, ensure_ascii=False),
                             notes=notes, recorded_at=utc_now(), recorded_by=vault.user)
        s.add(row)
        s.flush()
        rows.append(row)
        # Sealed with its record: a follow-up edited in the database later fails verify.
        return Subject(contract_id=c.id, context={"rows": [sealed_row(row)]})

    vault.seal(kind="followup", artifacts=[], context={"how": "followup record", "who": vault.user},
               build_rows=build)
    return followup_dict(rows[0])


def followup_dict(r: FollowUpRecord) -> dict[str, Any]:
    """A follow-up record as JSON-able data."""
    try:
        people = json.loads(r.participants)
    except ValueError:
        people = [r.participants]
    return {"followup_id": r.id, "contract_id": contract_ref(r.contract_id),
            "held_on": r.held_on.isoformat(), "kind": r.kind, "participants": people,
            "notes": r.notes, "recorded_at": iso_utc(r.recorded_at), "recorded_by": r.recorded_by}


def list_followups(vault: Vault, contract: str | None = None) -> list[dict[str, Any]]:
    """Documented follow-ups, oldest first."""
    with vault.session() as s:
        q = select(FollowUpRecord).order_by(col(FollowUpRecord.held_on), col(FollowUpRecord.id))
        if contract:
            q = q.where(FollowUpRecord.contract_id == refs.contract(s, contract).id)
        return [followup_dict(r) for r in s.exec(q).all()]
