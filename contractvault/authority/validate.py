"""Validating a parsed register: every problem at once, each with its line."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from contractvault.authority.model import (
    SCOPE_ANY,
    AuthorityRegister,
    Board,
    Delegation,
    Fullmakt,
    Holding,
    Person,
    Position,
    RegisterInvalid,
    RegisterProblem,
    grant_grounds,
    holdings_overlap,
    no_grant_right,
)
from contractvault.records.vocabularies import (
    CATEGORIES,
    DOC_TYPE_ALIASES,
    DOC_TYPES,
    SCOPES,
    fold,
)

# --------------------------------------------------------------------------- parsing

_KINDS = ("board", "position", "person", "delegation", "fullmakt")
_TOP_LEVEL = ("municipality", *_KINDS)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MISSING = object()

if TYPE_CHECKING:
    from contractvault.authority.parse import Locator


class _Entry:
    """Reads the fields of one table, recording a problem for each bad one."""

    def __init__(
        self,
        table: dict[str, Any],
        where: str,
        span: tuple[int, int] | None,
        locator: Locator,
        problems: list[RegisterProblem],
        source: str,
        fallback_line: int | None = None,
    ) -> None:
        self.table = table
        self.where = where
        self.span = span
        self.locator = locator
        self.problems = problems
        self.source = source
        self.fallback_line = span[0] if span else fallback_line
        self.ok = True

    def line(self, key: str | None = None) -> int | None:
        """Line of `key` in this entry, else the entry's header line."""
        if key is not None:
            found = self.locator.key_line(self.span, key)
            if found is not None:
                return found
        return self.fallback_line

    def problem(self, message: str, key: str | None = None, line: int | None = None) -> None:
        """Record a problem; the entry is then not built."""
        self.ok = False
        self.problems.append(
            RegisterProblem(
                line if line is not None else self.line(key), self.where, message, self.source
            )
        )

    def unknown_keys(self, allowed: tuple[str, ...]) -> None:
        """Unknown keys are errors: a typo such as `valid_too` would silently widen a right."""
        for key in self.table:
            if key not in allowed:
                self.problem(f"unknown key {key!r}; expected one of: {', '.join(allowed)}", key)

    def _get(self, key: str, required: bool) -> Any:
        if key not in self.table:
            if required:
                self.problem(f"missing required key {key!r}")
            return _MISSING
        return self.table[key]

    def text(self, key: str, required: bool = True) -> str | None:
        """A non-empty string."""
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, str):
            self.problem(f"{key} must be a string, not {_toml_type(value)}", key)
            return None
        if not value.strip():
            self.problem(f"{key} must not be empty", key)
            return None
        return value

    def day(self, key: str, required: bool = True) -> date | None:
        """A date, written `"2024-09-01"` or as a TOML date `2024-09-01`."""
        value = self._get(key, required)
        if value is _MISSING:
            return None
        return _as_date(value, key, self.problem)

    def flag(self, key: str) -> bool:
        """A boolean; absent means false (a right is never given by omission)."""
        value = self._get(key, False)
        if value is _MISSING:
            return False
        if not isinstance(value, bool):
            self.problem(f"{key} must be true or false, not {_toml_type(value)}", key)
            return False
        return value

    def amount(self, key: str) -> int:
        """A non-negative integer; absent means 0."""
        value = self._get(key, False)
        if value is _MISSING:
            return 0
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(f"{key} must be a whole number of kronor, not {_toml_type(value)}", key)
            return 0
        if value < 0:
            self.problem(f"{key} must not be negative ({value})", key)
            return 0
        return value

    def words(
        self,
        key: str,
        valid: tuple[str, ...],
        required: bool,
        aliases: dict[str, str] | None = None,
        allow_empty: bool = True,
    ) -> tuple[str, ...]:
        """A list of strings from a fixed vocabulary, folded to canonical values."""
        value = self._get(key, required)
        if value is _MISSING:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(f"{key} must be a list of strings, not {_toml_type(value)}", key)
            return ()
        if not value and not allow_empty:
            self.problem(f"{key} must name at least one of: {', '.join(valid)}", key)
            return ()
        result: list[str] = []
        for raw in value:
            folded = fold(raw)
            canonical = folded if folded in valid else (aliases or {}).get(folded)
            if canonical is None:
                self.problem(f"unknown {key} value {raw!r}; valid: {', '.join(valid)}", key)
            elif canonical not in result:
                result.append(canonical)
        return tuple(result)


def _toml_type(value: object) -> str:
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
        date: "a date",
    }
    for kind, name in names.items():
        if type(value) is kind:
            return name
    return type(value).__name__


def _as_date(value: object, key: str, problem: Any) -> date | None:
    # A TOML datetime is a date subclass; a time of day has no meaning here.
    if isinstance(value, date) and type(value) is date:
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problem(f"{key} is not a date (YYYY-MM-DD): {value!r}", key)
    return None


class Validator:
    """Turns a parsed TOML document into an AuthorityRegister or a list of problems."""

    def __init__(self, document: dict[str, Any], locator: Locator, source: str) -> None:
        self.document = document
        self.locator = locator
        self.source = source
        self.problems: list[RegisterProblem] = []
        # Ids of every entry whose id is readable, even if the rest is broken, so that one
        # bad entry does not also produce "unknown id" problems everywhere it is named.
        # The value is the entry itself: its line is looked up only for a duplicate.
        self.ids: dict[str, dict[str, _Entry]] = {kind: {} for kind in _KINDS}

    def add(self, line: int | None, where: str, message: str) -> None:
        """Record a problem not tied to an _Entry."""
        self.problems.append(RegisterProblem(line, where, message, self.source))

    # -- entries ---------------------------------------------------------------------------

    def _entries(self, kind: str) -> list[_Entry]:
        value = self.document.get(kind, [])
        if isinstance(value, dict):
            span = self.locator.table_span(kind)
            self.add(
                span[0] if span else None,
                f"[{kind}]",
                f"write [[{kind}]] (one per {kind}), not [{kind}]",
            )
            return []
        if not isinstance(value, list):
            self.add(
                self.locator.top_key_line(kind), kind, f"{kind} must be tables written [[{kind}]]"
            )
            return []
        entries: list[_Entry] = []
        seen: dict[str, _Entry] = self.ids[kind]
        fallback = self.locator.top_key_line(kind)  # once, not per entry
        for index, table in enumerate(value):
            span = self.locator.entry_span(kind, index)
            if not isinstance(table, dict):
                self.add(
                    span[0] if span else fallback,
                    f"[[{kind}]] #{index + 1}",
                    f"each {kind} must be a table",
                )
                continue
            raw_id = table.get("id")
            readable = isinstance(raw_id, str) and raw_id.strip() != ""
            where = f"[[{kind}]] {raw_id}" if readable else f"[[{kind}]] #{index + 1}"
            entry = _Entry(table, where, span, self.locator, self.problems, self.source, fallback)
            if readable:
                if raw_id in seen:
                    first = seen[raw_id].line("id")
                    also = f" (first on line {first})" if first else ""
                    entry.problem(f"duplicate {kind} id {raw_id!r}{also}", "id")
                else:
                    seen[raw_id] = entry
            entries.append(entry)
        return entries

    def _ref(self, entry: _Entry, key: str, kind: str, value: str | None) -> None:
        if value is not None and value not in self.ids[kind]:
            ids = list(self.ids[kind])
            # A register of 50 000 people must not print them all in one problem line.
            known = ", ".join(ids[:10]) + (f", … ({len(ids)} in all)" if len(ids) > 10 else "")
            known = known or "none"
            entry.problem(f"{key} {value!r} is not a known {kind} id (known: {known})", key)

    def _period(self, entry: _Entry, start: date | None, end: date | None, end_key: str) -> None:
        if start is not None and end is not None and end < start:
            entry.problem(
                f"{end_key} {end.isoformat()} is before the start {start.isoformat()}", end_key
            )

    # -- build ----------------------------------------------------------------------------

    def build(self) -> AuthorityRegister:
        """Validate everything; raise RegisterInvalid or return the register."""
        for key in self.document:
            if key not in _TOP_LEVEL:
                span = self.locator.table_span(key)
                line = span[0] if span else self.locator.top_key_line(key)
                self.add(
                    line, key, f"unknown section {key!r}; expected one of: {', '.join(_TOP_LEVEL)}"
                )

        municipality = self._municipality()
        raw = {kind: self._entries(kind) for kind in _KINDS}
        boards = [b for b in (self._board(e) for e in raw["board"]) if b]
        positions = [p for p in (self._position(e) for e in raw["position"]) if p]
        persons = [p for p in (self._person(e) for e in raw["person"]) if p]
        delegations = [d for d in (self._delegation(e) for e in raw["delegation"]) if d]
        # A broken delegation is left out; judging grants without it would only add noise.
        judge_grants = all(e.ok for e in raw["delegation"])
        fullmakter: list[Fullmakt] = []
        for entry in raw["fullmakt"]:
            built = self._fullmakt(entry)
            if built is not None and judge_grants:
                self._check_grant(entry, built, persons, delegations)
                if entry.ok:
                    fullmakter.append(built)

        if self.problems:
            ordered = sorted(self.problems, key=lambda p: (p.line is None, p.line or 0))
            raise RegisterInvalid(self.source, ordered)
        return AuthorityRegister(
            municipality=municipality or "",
            boards=tuple(boards),
            positions=tuple(positions),
            persons=tuple(persons),
            delegations=tuple(delegations),
            fullmakter=tuple(fullmakter),
        )

    def _municipality(self) -> str | None:
        table = self.document.get("municipality")
        span = self.locator.table_span("municipality")
        if table is None:
            self.add(1, "[municipality]", 'missing section [municipality] with name = "..."')
            return None
        if not isinstance(table, dict):
            self.add(
                span[0] if span else self.locator.top_key_line("municipality"),
                "[municipality]",
                'municipality must be a table with name = "..."',
            )
            return None
        entry = _Entry(table, "[municipality]", span, self.locator, self.problems, self.source, 1)
        entry.unknown_keys(("name",))
        return entry.text("name")

    def _board(self, entry: _Entry) -> Board | None:
        entry.unknown_keys(("id", "name", "note"))
        board_id, name = entry.text("id"), entry.text("name")
        note = entry.text("note", required=False)
        if not entry.ok or board_id is None or name is None:
            return None
        return Board(board_id, name, note)

    def _position(self, entry: _Entry) -> Position | None:
        entry.unknown_keys(("id", "title", "note"))
        position_id, title = entry.text("id"), entry.text("title")
        note = entry.text("note", required=False)
        if not entry.ok or position_id is None or title is None:
            return None
        return Position(position_id, title, note)

    def _person(self, entry: _Entry) -> Person | None:
        entry.unknown_keys(("id", "name", "holds", "note"))
        person_id, name = entry.text("id"), entry.text("name")
        note = entry.text("note", required=False)
        raw_holds = entry.table.get("holds", [])
        holds: list[Holding] = []
        if not isinstance(raw_holds, list):
            entry.problem(
                'holds must be a list such as [ { position = "...", from = "YYYY-MM-DD" } ]',
                "holds",
            )
            raw_holds = []
        for index, item in enumerate(raw_holds):
            holding = self._holding(entry, index, item)
            if holding is not None:
                holds.append(holding)
        # The same person cannot hold the same position twice at once: that is always a typo
        # in a date, and it would make "held from/to" ambiguous in a chain.
        for later_index, later in enumerate(holds):
            for earlier in holds[:later_index]:
                if later.position == earlier.position and holdings_overlap(earlier, later):
                    entry.problem(
                        f"holds position {later.position!r} twice at once: "
                        f"{earlier.period()} overlaps {later.period()}",
                        line=entry.locator.item_line(entry.span, "holds", later_index),
                    )
        if not entry.ok or person_id is None or name is None:
            return None
        return Person(person_id, name, tuple(holds), note)

    def _holding(self, entry: _Entry, index: int, item: object) -> Holding | None:
        # The line is found only when there is a problem to report (it costs a scan).
        def line() -> int | None:
            return entry.locator.item_line(entry.span, "holds", index)

        label = f"holds[{index + 1}]"
        if not isinstance(item, dict):
            entry.problem(f"{label} must be a table {{ position = ..., from = ... }}", line=line())
            return None
        ok = True

        def fail(message: str, _key: str | None = None) -> None:
            nonlocal ok
            ok = False
            entry.problem(f"{label}: {message}", line=line())

        for key in item:
            if key not in ("position", "from", "to"):
                fail(f"unknown key {key!r}; expected position, from, to")
        position = item.get("position")
        if not isinstance(position, str) or not position.strip():
            fail('missing position id (position = "...")')
            position = None
        elif position not in self.ids["position"]:
            fail(f"position {position!r} is not a known position id")
        start = _as_date(item["from"], "from", fail) if "from" in item else None
        if "from" not in item:
            fail("missing required key 'from'")
        end = _as_date(item["to"], "to", fail) if "to" in item else None
        if start is not None and end is not None and end < start:
            fail(f"to {end.isoformat()} is before from {start.isoformat()}")
        if not ok or position is None or start is None:
            return None
        return Holding(position, start, end)

    def _delegation(self, entry: _Entry) -> Delegation | None:
        entry.unknown_keys(
            (
                "id",
                "board",
                "to_position",
                "doc_types",
                "scope",
                "categories",
                "max_value_sek",
                "decides",
                "signs",
                "may_grant_fullmakt",
                "decision_ref",
                "valid_from",
                "valid_to",
                "note",
            )
        )
        delegation_id = entry.text("id")
        board = entry.text("board")
        self._ref(entry, "board", "board", board)
        to_position = entry.text("to_position")
        self._ref(entry, "to_position", "position", to_position)
        doc_types = entry.words("doc_types", DOC_TYPES, True, DOC_TYPE_ALIASES, allow_empty=False)
        scope = entry.words("scope", (*SCOPES, SCOPE_ANY), True, allow_empty=False)
        categories = entry.words("categories", CATEGORIES, False)
        max_value = entry.amount("max_value_sek")
        decides, signs, grants = (
            entry.flag("decides"),
            entry.flag("signs"),
            entry.flag("may_grant_fullmakt"),
        )
        decision_ref = entry.text("decision_ref")
        valid_from = entry.day("valid_from")
        valid_to = entry.day("valid_to", required=False)
        self._period(entry, valid_from, valid_to, "valid_to")
        note = entry.text("note", required=False)
        if entry.ok and not (decides or signs or grants):
            entry.problem(
                "gives no right: decides, signs and may_grant_fullmakt are all false", "decides"
            )
        if (
            not entry.ok
            or delegation_id is None
            or board is None
            or to_position is None
            or decision_ref is None
            or valid_from is None
        ):
            return None
        return Delegation(
            id=delegation_id,
            board=board,
            to_position=to_position,
            doc_types=doc_types,
            scope=scope,
            decision_ref=decision_ref,
            valid_from=valid_from,
            valid_to=valid_to,
            categories=categories,
            max_value_sek=max_value,
            decides=decides,
            signs=signs,
            may_grant_fullmakt=grants,
            note=note,
        )

    def _fullmakt(self, entry: _Entry) -> Fullmakt | None:
        entry.unknown_keys(
            (
                "id",
                "granted_by",
                "to_person",
                "board",
                "doc_types",
                "system",
                "valid_from",
                "valid_to",
                "ref",
                "note",
            )
        )
        fullmakt_id = entry.text("id")
        granted_by = entry.text("granted_by")
        self._ref(entry, "granted_by", "person", granted_by)
        to_person = entry.text("to_person")
        self._ref(entry, "to_person", "person", to_person)
        board = entry.text("board")
        self._ref(entry, "board", "board", board)
        doc_types = entry.words("doc_types", DOC_TYPES, True, DOC_TYPE_ALIASES, allow_empty=False)
        system = entry.text("system", required=False)
        valid_from = entry.day("valid_from")
        valid_to = entry.day("valid_to", required=False)
        self._period(entry, valid_from, valid_to, "valid_to")
        ref = entry.text("ref", required=False)
        note = entry.text("note", required=False)
        if (
            not entry.ok
            or fullmakt_id is None
            or granted_by is None
            or to_person is None
            or board is None
            or valid_from is None
        ):
            return None
        return Fullmakt(
            id=fullmakt_id,
            granted_by=granted_by,
            to_person=to_person,
            board=board,
            doc_types=doc_types,
            valid_from=valid_from,
            valid_to=valid_to,
            system=system,
            ref=ref,
            note=note,
        )

    def _check_grant(
        self,
        entry: _Entry,
        fullmakt: Fullmakt,
        persons: list[Person],
        delegations: list[Delegation],
    ) -> None:
        grantor = next((p for p in persons if p.id == fullmakt.granted_by), None)
        if grantor is None:
            # Unknown or broken grantor: already reported where it is defined or named.
            return
        for doc_type in fullmakt.doc_types:
            grounds = grant_grounds(grantor, delegations, fullmakt.board, fullmakt.valid_from)
            if not any(doc_type in d.doc_types for d, _ in grounds):
                entry.problem(
                    no_grant_right(grantor, delegations, fullmakt, doc_type), "granted_by"
                )
