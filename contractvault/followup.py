"""Avtalsuppföljning: deadlines computed from each contract's terms, follow-up records and
the calendar export (iCalendar).

Month arithmetic (documented choices, tested):
- A term end moves by whole months and keeps to the month's last day when it was on one:
  a term ending 28 Feb 2023 renewed by 12 months ends 29 Feb 2024, one ending 29 Feb 2024
  ends 28 Feb 2025, and 31 Jan + 1 month is 28/29 Feb. Every renewal is computed from the
  original end date, so clamping never drifts (31 Jan, 28 Feb, 31 Mar, ...).
- A notice deadline ("at the latest N months before the end") counts back by the day
  number and clamps to the month's last day when that day does not exist (31 Dec - 6
  months = 30 June; 30 June - 3 months = 30 March). This is never later than the
  month-end reading, so a reminder is never late.
- A deadline on a Saturday or Sunday is shown on the date the agreement says, with a note.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from contractvault.errors import UsageError
from contractvault.ids import contract_ref, document_ref
from contractvault.models import Contract, Document, Evidence, FollowUpRecord
from contractvault.register import get_contract
from contractvault.util import atomic_write, iso_utc, sha256_hex, utc_now
from contractvault.vault import Vault
from contractvault.vocab import parse_date

KINDS = ("notice", "expiry", "renewal", "followup", "deletion", "deficiency", "changed-terms")
# Categories with a mandatory yearly avtalsuppföljning (domain.md, seed 001).
FOLLOWUP_CATEGORIES = frozenset({"digitalt-verktyg", "verksamhetssystem", "plattform",
                                 "it-infrastruktur"})
FOLLOWUP_RECORD_KINDS = ("meeting", "internal-review")
DEFAULT_WITHIN_DAYS = 90
# These stay actionable after their date, so `due` shows them even when overdue.
STANDING_KINDS = frozenset({"followup", "deficiency", "changed-terms"})
# Calendar reminders, days before each kind of deadline.
ALARM_DAYS: dict[str, tuple[int, ...]] = {
    "notice": (30, 7), "renewal": (30, 7), "expiry": (30, 7), "followup": (14,),
    "deletion": (7,), "deficiency": (3,), "changed-terms": (),
}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_KIND_LABEL = {
    "notice": "Last day for notice", "expiry": "Agreement ends", "renewal": "Automatic renewal",
    "followup": "Yearly follow-up", "deletion": "Supplier must have deleted data",
    "deficiency": "Deficiency", "changed-terms": "Online terms changed",
}



# --- month arithmetic ------------------------------------------------------------------


def is_month_end(d: date) -> bool:
    """Whether `d` is the last day of its month."""
    return d.day == calendar.monthrange(d.year, d.month)[1]


def add_months(d: date, months: int, *, keep_month_end: bool = False) -> date:
    """`d` moved by `months` (may be negative), clamped to the target month's last day.

    With `keep_month_end`, a date on the last day of its month lands on the last day of
    the target month (the rule for term ends).
    """
    total = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(total, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    if keep_month_end and is_month_end(d):
        return date(year, month0 + 1, last)
    return date(year, month0 + 1, min(d.day, last))


def weekend_note(d: date) -> str:
    """' (falls on a Saturday)' for weekend dates, '' otherwise."""
    return f" (falls on a {_WEEKDAYS[d.weekday()]})" if d.weekday() >= 5 else ""


# --- terms -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """The parts of a contract that deadlines are computed from (no database needed)."""

    start_date: date | None = None
    end_date: date | None = None
    notice_months: int | None = None
    notice_basis: str | None = None
    renewal_months: int | None = None
    deletion_days: int | None = None

    @classmethod
    def of(cls, c: Contract) -> Terms:
        """The terms of a contract row."""
        return cls(start_date=c.start_date, end_date=c.end_date, notice_months=c.notice_months,
                   notice_basis=c.notice_basis, renewal_months=c.renewal_months,
                   deletion_days=c.deletion_days)

    @property
    def renews(self) -> bool:
        """Whether a fixed term renews automatically."""
        return bool(self.end_date and self.renewal_months)


def term_end(terms: Terms, k: int) -> date:
    """End of term `k` (0 = the original term, 1 = after the first renewal, ...)."""
    assert terms.end_date is not None
    return add_months(terms.end_date, k * (terms.renewal_months or 0), keep_month_end=True)


def term_start(terms: Terms, k: int) -> date | None:
    """First day of term `k` (the contract's start date for the original term)."""
    if k == 0:
        return terms.start_date
    return term_end(terms, k - 1) + timedelta(days=1)


def current_term_index(terms: Terms, on: date) -> int | None:
    """Index of the term running on `on` (0 before or during the original term).

    None when the agreement has ended (a fixed term without renewal that is over) or
    has no end date at all.
    """
    if terms.end_date is None:
        return None
    if on <= terms.end_date:
        return 0
    if not terms.renewal_months:
        return None
    months = (on.year - terms.end_date.year) * 12 + on.month - terms.end_date.month
    k = max(1, months // terms.renewal_months)
    while k > 1 and term_end(terms, k - 1) >= on:
        k -= 1
    while term_end(terms, k) < on:
        k += 1
    return k


def has_ended(terms: Terms, on: date) -> bool:
    """Whether a fixed term without renewal ended before `on`."""
    return bool(terms.end_date and not terms.renewal_months and terms.end_date < on
                and terms.notice_basis != "year-end")


def notice_last_day(end: date, months: int) -> date:
    """The last day to give notice `months` before an agreement ends on `end`."""
    return add_months(end, -months)


@dataclass(frozen=True)
class Deadline:
    """One computed deadline of a contract."""

    kind: str
    date: date
    detail: str
    key: str = ""


def term_deadlines(terms: Terms, on: date, until: date) -> Iterator[Deadline]:
    """Notice, expiry, renewal and deletion deadlines dated within [on, until], in order."""
    out: list[Deadline] = []
    n = terms.notice_months
    if terms.notice_basis == "year-end" and n is not None:
        year = on.year
        if terms.end_date and terms.end_date.year > year:
            year = terms.end_date.year  # notice cannot end it before the fixed term is over
        while True:
            end = date(year, 12, 31)
            last = notice_last_day(end, n)
            if last > until:
                break
            if last >= on:
                out.append(Deadline(
                    "notice", last,
                    f"last day to give written notice ({n} months before the end of the "
                    f"calendar year); the agreement then ends on {end.isoformat()}",
                    key=f"year-end:{year}"))
            year += 1
    elif terms.end_date is not None and terms.renews:
        r = terms.renewal_months
        k = current_term_index(terms, on) or 0
        while True:
            end = term_end(terms, k)
            last = notice_last_day(end, n) if n is not None else None
            if (last is None or last > until) and end + timedelta(days=1) > until:
                break
            if last is not None and on <= last <= until:
                out.append(Deadline(
                    "notice", last,
                    f"last day to give notice ({n} months before the term ends on "
                    f"{end.isoformat()}); otherwise it renews for {r} months", key=f"term:{k}"))
            renew = end + timedelta(days=1)
            if on <= renew <= until:
                nxt = term_end(terms, k + 1)
                extra = f" unless notice was given by {last.isoformat()}" if last else ""
                out.append(Deadline(
                    "renewal", renew,
                    f"renews automatically for {r} months (new term {renew.isoformat()} to "
                    f"{nxt.isoformat()}){extra}", key=f"term:{k + 1}"))
            k += 1
    elif terms.end_date is not None:
        end = terms.end_date
        if n is not None:
            last = notice_last_day(end, n)
            if on <= last <= until:
                out.append(Deadline("notice", last, f"last day to give notice ({n} months "
                                    f"before the agreement ends on {end.isoformat()})",
                                    key="term:0"))
        if on <= end <= until:
            out.append(Deadline("expiry", end, "the agreement ends (fixed term, no automatic "
                                "renewal)", key="term:0"))
        if terms.deletion_days is not None:
            gone = end + timedelta(days=terms.deletion_days)
            if on <= gone <= until:
                out.append(Deadline("deletion", gone, f"the supplier must have deleted the "
                                    f"data at the latest {terms.deletion_days} days after the "
                                    f"end on {end.isoformat()}: ask for confirmation",
                                    key="term:0"))
    out.sort(key=lambda d: (d.date, KINDS.index(d.kind)))
    yield from out


def followup_due_date(category: str | None, start: date | None, last_held: date | None,
                      created: date) -> date | None:
    """When the next yearly follow-up is due, or None when the category needs none."""
    if category not in FOLLOWUP_CATEGORIES:
        return None
    return add_months(last_held or start or created, 12)


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
    q = select(Document).order_by(col(Document.id))
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

    def as_dict(self) -> dict[str, Any]:
        return {"on": self.on.isoformat(), "items": [i.as_dict() for i in self.items]}


def _today() -> date:
    return date.today()


def deadlines(vault: Vault, on: date | None = None, within: int = DEFAULT_WITHIN_DAYS,
              contract: str | None = None) -> DueList:
    """Every deadline dated from `on` (default today) to `within` days later, plus what is
    overdue and still actionable (follow-ups, deficiencies, changed terms), in date order."""
    from contractvault.deficiency import deficiency_due_items

    if within < 0:
        raise UsageError("--within is negative", "give a number of days, 0 or more")
    on = on or _today()
    until = on + timedelta(days=within)
    items: list[DueItem] = []
    with vault.session() as s:
        q = select(Contract).order_by(col(Contract.id))
        if contract:
            q = q.where(Contract.id == get_contract(s, contract).id)
        contracts = list(s.exec(q).all())
        last_held = _last_followups(s)
        for c in contracts:
            assert c.id is not None
            cid = contract_ref(c.id)
            terms = Terms.of(c)
            for dl in term_deadlines(terms, on, until):
                items.append(DueItem(cid, c.title, dl.kind, dl.date,
                                     dl.detail + weekend_note(dl.date), c.secret, key=dl.key))
            due = followup_due_date(c.category, c.start_date, last_held.get(c.id),
                                    c.created_at.date())
            if due is not None and not has_ended(terms, on) and due <= until:
                held = last_held.get(c.id)
                since = (f"last documented {held.isoformat()}" if held else
                         f"none documented since the start {(c.start_date or c.created_at.date()).isoformat()}")
                detail = (f"yearly avtalsuppföljning for category {c.category} (meeting with "
                          f"the supplier or documented internal review); {since}")
                if due < on:
                    detail = f"overdue: {detail}"
                items.append(DueItem(cid, c.title, "followup", due, detail + weekend_note(due),
                                     c.secret, overdue=due < on, key="followup"))
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
    return DueList(on=on, until=until, items=items)


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
    people = [p.strip() for p in participants if p.strip()]
    if k == "meeting" and not people:
        raise UsageError("a meeting needs its participants", "",
                         "Name them with --participant (repeatable)")
    with vault.session() as s:
        c = get_contract(s, contract)
        assert c.id is not None
        row = FollowUpRecord(contract_id=c.id, held_on=held, kind=k,
                             participants=json.dumps(people, ensure_ascii=False),
                             notes=notes.strip(), recorded_at=utc_now(), recorded_by=vault.user)
        s.add(row)
        s.commit()
        return followup_dict(row)


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
            q = q.where(FollowUpRecord.contract_id == get_contract(s, contract).id)
        return [followup_dict(r) for r in s.exec(q).all()]


# --- iCalendar ---------------------------------------------------------------------------


def event_uid(vault_id: str, item: DueItem) -> str:
    """A UID that stays the same for the same deadline on every export."""
    basis = f"{vault_id}|{item.contract_id}|{item.kind}|{item.date.isoformat()}|{item.key}"
    return f"{sha256_hex(basis.encode('utf-8'))[:32]}@contractvault"


def calendar_bytes(vault_id: str, items: list[DueItem], *, show_secret: bool = False,
                   stamp: datetime | None = None) -> bytes:
    """An iCalendar document with one all-day event per deadline, with reminders.

    Secret contracts keep their id but not their title unless `show_secret` (a calendar
    file is easily shared beyond the people who may see the contract).
    """
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//ContractVault//Avtalsuppfoljning//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Avtalsuppföljning")
    stamp = stamp or utc_now()
    for item in items:
        title = item.title if (show_secret or not item.secret) else "(sekretess)"
        ev = Event()
        ev.add("uid", event_uid(vault_id, item))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", item.date)
        ev.add("dtend", item.date + timedelta(days=1))
        ev.add("summary", f"{_KIND_LABEL[item.kind]}: {title} ({item.contract_id})")
        ev.add("description", item.detail if (show_secret or not item.secret)
               else f"{_KIND_LABEL[item.kind]} for a secret contract; see ContractVault")
        ev.add("categories", [item.kind])
        ev.add("transp", "TRANSPARENT")
        for days in ALARM_DAYS.get(item.kind, ()):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", timedelta(days=-days))
            alarm.add("description", f"In {days} days: {_KIND_LABEL[item.kind]} "
                                     f"({item.contract_id})")
            ev.add_component(alarm)
        cal.add_component(ev)
    return cal.to_ical()


def write_ics(vault: Vault, path: Path, *, on: date | None = None, within: int = 365,
              show_secret: bool = False) -> int:
    """Write the deadlines of the coming `within` days (and what is overdue) to an .ics
    file, atomically; returns the number of events."""
    listing = deadlines(vault, on=on, within=within)
    atomic_write(Path(path), calendar_bytes(vault.vault_id, listing.items,
                                            show_secret=show_secret))
    return len(listing.items)
