"""Deficiencies (brister) against the agreed terms.

Every change is an event row (opened, notified, updated, resolved, reopened); nothing is
overwritten, and a deficiency's state is the fold of its events. Ids shown to users are
`B-3` (brist).

A deficiency must be notified to the supplier promptly: one not notified in time may count
as accepted. The warning threshold is NOTIFY_WITHIN_DAYS (14) after it was noticed.

Each event is sealed as it is recorded (a `deficiency` record carrying the rows), so an
event edited or slipped into the database later does not pass `verify`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from contractvault.errors import NotFoundError, UsageError, echo
from contractvault.ids import MAX_ID, contract_ref
from contractvault.models import Contract, Deficiency, DeficiencyEvent
from contractvault.records import refs
from contractvault.records.vocabularies import fold, parse_date, plain_text
from contractvault.storage.rowseal import sealed_row
from contractvault.util import iso_utc, utc_now
from contractvault.vault import Subject, Vault

STATUSES = ("open", "notified", "resolved")
SANCTIONS = ("vite", "skadestand", "havning", "prisavdrag")
NOTIFY_WITHIN_DAYS = 14
ACCEPTED_WARNING = "a deficiency not notified in time may count as accepted"
_ID = re.compile(r"^\s*B-?(\d+)\s*$", re.IGNORECASE)
# Fields an `updated` event may change.
EDITABLE = ("clause", "description", "noticed_on", "notified_on", "remedy_by", "sanctions",
            "note")


def deficiency_ref(pk: int) -> str:
    """The id a user sees for deficiency row `pk`."""
    return f"B-{pk}"


def parse_deficiency_ref(value: str) -> int:
    """`B-3` (or `b3`) to 3; UsageError otherwise."""
    m = _ID.match(value)
    if not m:
        raise UsageError(f"'{value}' is not a deficiency id", "a deficiency id looks like B-3",
                         "Run 'contractvault deficiency list' to see ids")
    digits = m.group(1).lstrip("0") or "0"
    if len(digits) > len(str(MAX_ID)) or int(digits) > MAX_ID:
        raise NotFoundError(f"no deficiency {echo(value.strip())}", f"ids go up to B-{MAX_ID}",
                            "Run 'contractvault deficiency list' to see ids")
    return int(digits)


def normalize_sanctions(values: list[str] | None) -> list[str]:
    """Canonical sanction names (vite, skadestand, havning, prisavdrag); å/ä/ö accepted."""
    out: list[str] = []
    for raw in values or []:
        for part in raw.split(","):
            if not part.strip():
                continue
            v = fold(part)
            if v not in SANCTIONS:
                raise UsageError(f"unknown sanction '{part.strip()}'",
                                 f"use one of {', '.join(SANCTIONS)}")
            if v not in out:
                out.append(v)
    return out


@dataclass
class DeficiencyState:
    """A deficiency as the fold of its events."""

    deficiency_id: str
    pk: int
    contract_pk: int
    contract_id: str
    title: str
    secret: bool
    clause: str | None = None
    description: str = ""
    noticed_on: date | None = None
    notified_on: date | None = None
    remedy_by: date | None = None
    sanctions: list[str] = field(default_factory=list)
    note: str | None = None
    status: str = "open"
    resolved_on: date | None = None
    history: list[dict[str, Any]] = field(default_factory=list)

    def warnings(self, on: date, notify_within: int = NOTIFY_WITHIN_DAYS) -> list[str]:
        """What needs attention on `on`: late notification, passed remedy deadline."""
        out: list[str] = []
        if self.noticed_on is not None:
            limit = self.noticed_on + timedelta(days=notify_within)
            if self.notified_on is None and self.status != "resolved" and on > limit:
                out.append(f"not notified to the supplier within {notify_within} days of "
                           f"noticing it on {self.noticed_on.isoformat()}: {ACCEPTED_WARNING}")
            elif self.notified_on is not None and self.notified_on > limit:
                days = (self.notified_on - self.noticed_on).days
                out.append(f"notified to the supplier {days} days after noticing it "
                           f"(more than {notify_within}): {ACCEPTED_WARNING}")
        if self.status != "resolved" and self.remedy_by is not None and on > self.remedy_by:
            sanction = (" (sanctions agreed: " + ", ".join(self.sanctions) + ")"
                        if self.sanctions else "")
            out.append(f"not remedied by the deadline {self.remedy_by.isoformat()}: consider "
                       f"the agreed sanctions{sanction}")
        return out

    def as_dict(self, on: date | None = None) -> dict[str, Any]:
        on = on or date.today()
        return {
            "deficiency_id": self.deficiency_id, "contract_id": self.contract_id,
            "title": self.title, "secret": self.secret, "clause": self.clause,
            "description": self.description,
            "noticed_on": _iso(self.noticed_on), "notified_on": _iso(self.notified_on),
            "remedy_by": _iso(self.remedy_by), "sanctions": self.sanctions, "note": self.note,
            "status": self.status, "resolved_on": _iso(self.resolved_on),
            "warnings": self.warnings(on), "history": self.history,
        }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def fold_events(state: DeficiencyState, events: list[DeficiencyEvent]) -> DeficiencyState:
    """Apply events in order to `state` (the fold that gives a deficiency's state)."""
    for ev in events:
        data = json.loads(ev.data_json)
        state.history.append({"at": iso_utc(ev.at), "by": ev.by, "action": ev.action,
                              "data": data})
        if ev.action in ("opened", "updated", "notified"):
            for key in EDITABLE:
                if key not in data:
                    continue
                value = data[key]
                if key in ("noticed_on", "notified_on", "remedy_by"):
                    setattr(state, key, _date(value))
                elif key == "sanctions":
                    state.sanctions = list(value or [])
                else:
                    setattr(state, key, value)
        if ev.action == "resolved":
            state.status = "resolved"
            state.resolved_on = _date(data.get("resolved_on"))
        elif ev.action == "reopened":
            state.status = "open"
            state.resolved_on = None
        if state.status != "resolved":
            state.status = "notified" if state.notified_on else "open"
    return state


def _load(s: Session, rows: list[Deficiency]) -> list[DeficiencyState]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    events: dict[int, list[DeficiencyEvent]] = {}
    q = select(DeficiencyEvent).where(col(DeficiencyEvent.deficiency_id).in_(ids)) \
        .order_by(col(DeficiencyEvent.id))
    for ev in s.exec(q).all():
        events.setdefault(ev.deficiency_id, []).append(ev)
    contracts = {c.id: c for c in s.exec(select(Contract).where(
        col(Contract.id).in_({r.contract_id for r in rows}))).all()}
    out = []
    for r in rows:
        assert r.id is not None
        c = contracts[r.contract_id]
        state = DeficiencyState(deficiency_id=deficiency_ref(r.id), pk=r.id,
                                contract_pk=r.contract_id, contract_id=contract_ref(r.contract_id),
                                title=c.title, secret=c.secret)
        out.append(fold_events(state, events.get(r.id, [])))
    return out


def _get(s: Session, ref: str) -> Deficiency:
    row = s.get(Deficiency, parse_deficiency_ref(ref))
    if row is None:
        raise NotFoundError(f"no deficiency {ref}", "",
                            "Run 'contractvault deficiency list' to see ids")
    return row


def _event(s: Session, vault: Vault, pk: int, action: str, data: dict[str, Any]) -> DeficiencyEvent:
    ev = DeficiencyEvent(deficiency_id=pk, at=utc_now(), by=vault.user, action=action,
                         data_json=json.dumps(data, ensure_ascii=False, sort_keys=True))
    s.add(ev)
    return ev


def _seal(vault: Vault, what: str,
          build: Callable[[Session], tuple[Deficiency, list[SQLModel]]]) -> DeficiencyState:
    """Check and add the rows of one change inside a sealing transaction; returns the
    deficiency's state after it. `build` raises to refuse (nothing is written then)."""
    pks: list[int] = []

    def rows(s: Session) -> Subject:
        row, new = build(s)
        s.flush()
        assert row.id is not None
        pks.append(row.id)
        return Subject(contract_id=row.contract_id,
                       extra={"deficiency_id": deficiency_ref(row.id)},
                       context={"rows": [sealed_row(r) for r in new]})

    vault.seal(kind="deficiency", artifacts=[],
               context={"how": f"deficiency {what}", "who": vault.user}, build_rows=rows)
    with vault.session() as s:
        row = s.get(Deficiency, pks[0])
        assert row is not None
        return _load(s, [row])[0]


def _check_dates(noticed: date | None, notified: date | None, remedy: date | None) -> None:
    today = date.today()
    for name, d in (("--noticed", noticed), ("--notified", notified)):
        if d is not None and d > today:
            raise UsageError(f"{name} {d} is in the future", "record what has happened")
    if noticed and notified and notified < noticed:
        raise UsageError("the supplier was notified before the deficiency was noticed",
                         f"{notified} < {noticed}")
    if noticed and remedy and remedy < noticed:
        raise UsageError("the remedy deadline is before the deficiency was noticed",
                         f"{remedy} < {noticed}")


def add_deficiency(vault: Vault, contract: str, *, description: str, clause: str | None = None,
                   noticed_on: date | str | None = None, notified_on: date | str | None = None,
                   remedy_by: date | str | None = None, sanctions: list[str] | None = None,
                   note: str | None = None) -> DeficiencyState:
    """Log a deficiency against a contract (an `opened` event)."""
    description, clause, note = (plain_text(description, "--description"),
                                 plain_text(clause, "--clause"), plain_text(note, "--note"))
    if not description:
        raise UsageError("the description is empty", "say what is wrong",
                         "e.g. --description 'SLA availability below 99.5 % in March'")
    noticed = parse_date(noticed_on, "--noticed") or date.today()
    notified = parse_date(notified_on, "--notified")
    remedy = parse_date(remedy_by, "--remedy-by")
    _check_dates(noticed, notified, remedy)
    data = {"clause": clause.strip() if clause else None, "description": description.strip(),
            "noticed_on": _iso(noticed), "notified_on": _iso(notified),
            "remedy_by": _iso(remedy), "sanctions": normalize_sanctions(sanctions),
            "note": note.strip() if note else None}

    def build(s: Session) -> tuple[Deficiency, list[SQLModel]]:
        c = refs.contract(s, contract)
        assert c.id is not None
        row = Deficiency(contract_id=c.id, created_at=utc_now())
        s.add(row)
        s.flush()
        assert row.id is not None
        return row, [row, _event(s, vault, row.id, "opened", data)]

    return _seal(vault, "add", build)


def update_deficiency(vault: Vault, ref: str, *, clause: str | None = None,
                      description: str | None = None, noticed_on: date | str | None = None,
                      notified_on: date | str | None = None, remedy_by: date | str | None = None,
                      sanctions: list[str] | None = None, note: str | None = None
                      ) -> DeficiencyState:
    """Record a change (a `notified` event when only the notification date is given,
    `updated` otherwise). Only the given fields change; earlier events stay."""
    changes: dict[str, Any] = {}
    clause, description, note = (plain_text(clause, "--clause"),
                                 plain_text(description, "--description"),
                                 plain_text(note, "--note"))
    if clause is not None:
        changes["clause"] = clause.strip() or None
    if description is not None:
        if not description.strip():
            raise UsageError("the description is empty", "say what is wrong")
        changes["description"] = description.strip()
    for key, value, flag in (("noticed_on", noticed_on, "--noticed"),
                             ("notified_on", notified_on, "--notified"),
                             ("remedy_by", remedy_by, "--remedy-by")):
        if value is not None:
            changes[key] = _iso(parse_date(value, flag))
    if sanctions is not None:
        changes["sanctions"] = normalize_sanctions(sanctions)
    if note is not None:
        changes["note"] = note.strip() or None
    if not changes:
        raise UsageError("nothing to change", "",
                         "Give --notified, --remedy-by, --sanction, --clause, --description or --note")

    def build(s: Session) -> tuple[Deficiency, list[SQLModel]]:
        row = _get(s, ref)
        state = _load(s, [row])[0]
        if state.status == "resolved":
            raise UsageError(f"{ref} is resolved", "a resolved deficiency is not changed",
                             f"Reopen it with 'contractvault deficiency reopen {ref}'")
        merged = {k: getattr(state, k) for k in ("noticed_on", "notified_on", "remedy_by")}
        merged.update({k: _date(v) for k, v in changes.items() if k in merged})
        _check_dates(merged["noticed_on"], merged["notified_on"], merged["remedy_by"])
        action = "notified" if set(changes) == {"notified_on"} else "updated"
        assert row.id is not None
        return row, [_event(s, vault, row.id, action, changes)]

    return _seal(vault, "update", build)


def resolve_deficiency(vault: Vault, ref: str, *, resolved_on: date | str | None = None,
                       note: str | None = None) -> DeficiencyState:
    """Mark a deficiency as resolved (a `resolved` event; the history stays)."""
    note = plain_text(note, "--note")
    resolved = parse_date(resolved_on, "--date") or date.today()
    if resolved > date.today():
        raise UsageError(f"--date {resolved} is in the future", "record what has happened")

    def build(s: Session) -> tuple[Deficiency, list[SQLModel]]:
        row = _get(s, ref)
        state = _load(s, [row])[0]
        if state.status == "resolved":
            raise UsageError(f"{ref} is already resolved",
                             f"on {state.resolved_on.isoformat() if state.resolved_on else '?'}")
        if state.noticed_on and resolved < state.noticed_on:
            raise UsageError("resolved before it was noticed", f"{resolved} < {state.noticed_on}")
        assert row.id is not None
        return row, [_event(s, vault, row.id, "resolved",
                            {"resolved_on": resolved.isoformat(),
                             "note": note or None})]

    return _seal(vault, "resolve", build)


def reopen_deficiency(vault: Vault, ref: str, *, note: str | None = None) -> DeficiencyState:
    """Reopen a resolved deficiency (a `reopened` event)."""
    note = plain_text(note, "--note")

    def build(s: Session) -> tuple[Deficiency, list[SQLModel]]:
        row = _get(s, ref)
        if _load(s, [row])[0].status != "resolved":
            raise UsageError(f"{ref} is not resolved", "only a resolved deficiency is reopened")
        assert row.id is not None
        return row, [_event(s, vault, row.id, "reopened", {"note": note or None})]

    return _seal(vault, "reopen", build)


def list_deficiencies(vault: Vault, *, contract: str | None = None,
                      status: str | None = None) -> list[DeficiencyState]:
    """Deficiencies (oldest first), optionally of one contract and/or one status."""
    if status is not None and status not in STATUSES:
        raise UsageError(f"unknown status '{status}'", f"use one of {', '.join(STATUSES)}")
    with vault.session() as s:
        return [d for d in _all(s, contract) if status is None or d.status == status]


def _all(s: Session, contract: str | None = None) -> list[DeficiencyState]:
    q = select(Deficiency).order_by(col(Deficiency.id))
    if contract:
        q = q.where(Deficiency.contract_id == refs.contract(s, contract).id)
    return _load(s, list(s.exec(q).all()))


@dataclass(frozen=True)
class DeficiencyDue:
    """A deadline that comes from a deficiency (for `followup due`)."""

    contract_pk: int
    date: date
    detail: str
    key: str


def deficiency_due_items(s: Session, on: date, until: date,
                         notify_within: int = NOTIFY_WITHIN_DAYS) -> Iterator[DeficiencyDue]:
    """Unresolved deficiencies' deadlines up to `until`, including the overdue ones: the
    day to notify the supplier by, and the remedy deadline."""
    for d in _all(s):
        if d.status == "resolved":
            continue
        what = d.description if len(d.description) <= 80 else d.description[:77] + "..."
        clause = f" (clause {d.clause})" if d.clause else ""
        if d.notified_on is None and d.noticed_on is not None:
            by = d.noticed_on + timedelta(days=notify_within)
            if by <= until:
                late = "overdue: " if by < on else ""
                yield DeficiencyDue(d.contract_pk, by,
                                    f"{late}notify the supplier in writing of {d.deficiency_id}"
                                    f"{clause}: {what}; {ACCEPTED_WARNING}",
                                    key=f"{d.deficiency_id}:notify")
        if d.remedy_by is not None and d.remedy_by <= until:
            past = d.remedy_by < on
            sanction = ("; sanctions agreed: " + ", ".join(d.sanctions)) if d.sanctions else ""
            text = ("past the remedy deadline: " if past else "remedy deadline: ")
            yield DeficiencyDue(d.contract_pk, d.remedy_by,
                                f"{text}{d.deficiency_id}{clause}: {what}{sanction}",
                                key=f"{d.deficiency_id}:remedy")
