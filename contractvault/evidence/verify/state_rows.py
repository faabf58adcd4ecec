"""Pass 6: the rows that matter besides documents (authority register versions and
decisions, deficiencies and their events, follow-up records) equal what their records
sealed; a row no record names is reported; an authority decision points at the record
that names it, and only at that one."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlmodel import select

from contractvault.evidence.verify.state import VerifierState, _ref_pk
from contractvault.ids import evidence_ref
from contractvault.models import AuthorityDecision
from contractvault.storage.rowseal import SEALED_TABLES, content_diff, row_content, row_label

# Documents are checked with their own record (rows.py); these are the other sealed rows.
STATE_TABLES = tuple(t for t in SEALED_TABLES if t != "cv_document")
_DECISION = AuthorityDecision.__tablename__


class StateChecks(VerifierState):
    """Pass 6: sealed state rows against the ledger."""

    def _sealed_state(self) -> tuple[dict[tuple[str, int], tuple[int, dict[str, Any]]],
                                     dict[int, list[int]], bool]:
        """From the ledger: each sealed row's (record, content); the records naming each
        authority decision; whether the vault sealed its rows from its first record on."""
        named: dict[tuple[str, int], tuple[int, dict[str, Any]]] = {}
        decision_links: dict[int, list[int]] = defaultdict(list)
        self.adopted_links: dict[int, list[Any]] = {}
        state_sealed = False
        for line in self.lines:
            rec = line.entry.record if line.entry is not None else None
            if not isinstance(rec, dict) or line.seq is None:
                continue
            ctx = rec.get("context") if isinstance(rec.get("context"), dict) else {}
            if line.pos == 1 and ctx.get("state_sealed") is True:
                state_sealed = True
            rows = ctx.get("rows")
            for item in rows if isinstance(rows, list) else []:
                if not isinstance(item, dict) or item.get("table") not in STATE_TABLES \
                        or not isinstance(item.get("id"), int):
                    self.fail(evidence_ref(line.seq), "state", "the record seals a row it does "
                              "not name properly")
                    continue
                key = (str(item["table"]), int(item["id"]))
                if key in named:
                    self.fail(evidence_ref(line.seq), "state", f"{row_label(*key)} is sealed "
                              f"twice (also in {evidence_ref(named[key][0])})")
                    continue
                content = item.get("content")
                named[key] = (line.seq, content if isinstance(content, dict) else {})
            adopted = ctx.get("decision_links") if rec.get("kind") == "state-adopted" else None
            for ref, value in (adopted.items() if isinstance(adopted, dict) else []):
                pk = _ref_pk(ref, "authority-decision")
                if pk is not None and isinstance(value, list):
                    self.adopted_links[pk] = value
            link = ctx.get("authority_decision")
            if link is not None:
                pk = _ref_pk(link, "authority-decision")
                decision_links[pk if pk is not None else -1].append(line.seq)
        return named, decision_links, state_sealed

    def check_state_rows(self, seqs: set[int], full: bool) -> None:
        named, links, state_sealed = self._sealed_state()
        rows: dict[tuple[str, int], Any] = {}
        with self.vault.session() as s:
            for table in STATE_TABLES:
                model = SEALED_TABLES[table][0]
                for row in s.exec(select(model)).all():
                    rows[(table, int(row.id))] = row  # type: ignore[attr-defined]
        for key, (seq, content) in sorted(named.items()):
            if seq not in seqs:
                continue
            row = rows.get(key)
            rid = evidence_ref(seq)
            if row is None:
                self.fail(rid, "state", f"{row_label(*key)}, sealed in {rid}, is missing from "
                          "the database")
                continue
            diff = content_diff(content, row_content(row))
            if diff:
                self.fail(rid, "state", f"{row_label(*key)} in the database differs from "
                          f"{rid} in " + ", ".join(diff))
        first_sealed: dict[str, int] = {}
        for table, pk in named:
            first_sealed[table] = min(pk, first_sealed.get(table, pk))
        legacy: set[tuple[str, int]] = set()
        unnamed = set(rows) - set(named)
        if unnamed:
            # Rows a writer added while verify ran are named by records after the snapshot.
            late = self._late_named()
            for key in unnamed & late:
                rows.pop(key, None)
            unnamed -= late
        for key in sorted(unnamed):
            table, pk = key
            # Rows are numbered in order: one before the table's first sealed row was
            # recorded by a version that did not seal it yet.
            if not state_sealed and (table not in first_sealed or pk < first_sealed[table]):
                legacy.add(key)
            elif full:
                self.fail(row_label(*key), "state", "no record seals this row: it was added "
                          "to the database directly")
        if full and legacy:
            self.warn("vault", "state", f"{len(legacy)} row(s) (authority checks, register "
                      "versions, deficiencies, follow-ups) were recorded before this version "
                      "sealed them; 'contractvault doctor --fix' seals them as found")
        self._check_decision_links({k: v for k, v in rows.items() if k not in legacy},
                                   named, links, seqs, full)

    def _late_named(self) -> set[tuple[str, int]]:
        out: set[tuple[str, int]] = set()
        for rec in self.late_records().values():
            ctx = rec.get("context") if isinstance(rec.get("context"), dict) else {}
            for item in ctx.get("rows") or []:
                if isinstance(item, dict) and isinstance(item.get("id"), int):
                    out.add((str(item.get("table")), int(item["id"])))
        return out

    def _check_decision_links(self, rows: dict[tuple[str, int], Any],
                              named: dict[tuple[str, int], tuple[int, dict[str, Any]]],
                              links: dict[int, list[int]], seqs: set[int], full: bool) -> None:
        for pk, naming in sorted(links.items()):
            for seq in naming:
                if seq in seqs and (_DECISION, pk) not in rows:
                    self.fail(evidence_ref(seq), "authority", f"the record rests on "
                              f"{row_label(_DECISION, pk)}, which is not in the database")
            if len(naming) > 1:
                for seq in naming[1:]:
                    self.fail(evidence_ref(seq), "authority", f"{row_label(_DECISION, pk)} is "
                              f"already the basis of {evidence_ref(naming[0])}")
        for (table, pk), row in sorted(rows.items()):
            if table != _DECISION:
                continue
            naming = links.get(pk, [])
            checked_in = named.get((table, pk), (None, {}))
            if self.is_late(row.evidence_seq):
                continue  # linked by a record sealed while verify ran
            if not full and checked_in[0] not in seqs and not (set(naming) & seqs):
                continue
            label = row_label(table, pk)
            if naming:
                line = self.entry_for(naming[0])
                rec = line.entry.record if line is not None and line.entry is not None else {}
                subj = rec.get("subject") if isinstance(rec.get("subject"), dict) else {}
                want = (naming[0], _ref_pk(subj.get("document_id"), "D"),
                        _ref_pk(subj.get("contract_id"), "C"))
            elif pk in self.adopted_links:
                # Linked by an older version; the links were sealed as found on adoption.
                want = tuple(self.adopted_links[pk])  # type: ignore[assignment]
            else:
                want = (None, None, checked_in[1].get("contract_id_at_check", row.contract_id))
            have = (row.evidence_seq, row.document_id, row.contract_id)
            if have != want:
                what = [n for n, a, b in zip(("evidence", "document", "contract"), have, want,
                                             strict=True) if a != b]
                basis = evidence_ref(naming[0]) if naming else "no record"
                self.fail(label, "authority", f"the decision's link to the evidence it allowed "
                          f"({', '.join(what)}) differs from the ledger ({basis} rests on it)")
