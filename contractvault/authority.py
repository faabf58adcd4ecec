"""Signer authority: the municipality's delegation register and the check that uses it.

The register (format: authority-format.md) is plain TOML edited by hand. `parse_register`
validates the whole file and reports every problem with its line; `check_authority`
applies the rule of authority-format.md to one request and answers with the decision,
the whole chain (board → delegation → position → person, or board → delegation →
grantor → fullmakt → person) and every reason for a refusal. Pure code: no database, no
I/O; the caller stores the register bytes and records `register_sha256` with each check.

Decisions taken where the rule leaves room (documented here because users meet them):
- Dates are inclusive at both ends: a holding `to = 2025-04-30` ends after that day, so a
  check on 2025-05-01 is refused ("left the day before").
- A delegation restricted to one scope, to some categories or to a maximum value cannot
  be confirmed when the request does not say the scope, category or value: it is refused
  with a reason asking for `--scope`, `--category` or `--value`. A delegation whose scope
  is `any` (or lists both scopes), whose categories are empty (or list all of them) or
  whose `max_value_sek` is 0 needs no such detail.
- A fullmakt needs, on top of the rule's conditions, a decision reference in the request
  (a fullmakt gives the right to sign, not to decide). The grantor's right is judged on the
  fullmakt's `valid_from` and, as the rule says, must cover the document type and the
  scope; categories and value limits of the grantor's delegation are not applied.
- The check does not trust the register: it re-derives the grantor's right rather than
  relying on the import-time validation, so a register built in code is judged the same.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from contractvault.doctypes import (
    CATEGORIES,
    DOC_TYPE_ALIASES,
    DOC_TYPES,
    SCOPES,
    fold,
    normalize_category,
    normalize_doc_type,
    normalize_scope,
)
from contractvault.errors import UsageError
from contractvault.util import sha256_hex

__all__ = [
    "CATEGORIES",
    "DOC_TYPES",
    "SCOPES",
    "SCOPE_ANY",
    "AuthorityCheck",
    "AuthorityRegister",
    "AuthorityRequest",
    "Board",
    "Delegation",
    "Fullmakt",
    "Holding",
    "Person",
    "Position",
    "RegisterInvalid",
    "RegisterProblem",
    "check_authority",
    "describe_register",
    "normalize_doc_type",
    "parse_register",
    "register_to_toml",
]

# A delegation's scope list may say "any" instead of naming scopes.
SCOPE_ANY = "any"


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Board:
    """A nämnd or styrelse: the controller (personuppgiftsansvarig) that delegates."""

    id: str
    name: str
    note: str | None = None


@dataclass(frozen=True)
class Position:
    """A befattning to which a board can delegate."""

    id: str
    title: str
    note: str | None = None


@dataclass(frozen=True)
class Holding:
    """A person holds a position from `from_` to `to` (both inclusive; `to` None = open)."""

    position: str
    from_: date
    to: date | None = None

    def covers(self, on: date) -> bool:
        """True when the position is held on `on`."""
        return self.from_ <= on and (self.to is None or on <= self.to)

    def period(self) -> str:
        """The period as text, e.g. `2022-05-01 to 2025-04-30` or `from 2023-01-01`."""
        if self.to is None:
            return f"from {self.from_.isoformat()}"
        return f"{self.from_.isoformat()} to {self.to.isoformat()}"


@dataclass(frozen=True)
class Person:
    """An official; `holds` lists the positions held over time."""

    id: str
    name: str
    holds: tuple[Holding, ...] = ()
    note: str | None = None

    def holding_on(self, position: str, on: date) -> Holding | None:
        """The holding of `position` that covers `on`, if any."""
        for holding in self.holds:
            if holding.position == position and holding.covers(on):
                return holding
        return None


@dataclass(frozen=True)
class Delegation:
    """A board moves a right (decide, sign, grant fullmakt) for a class of matters to a position."""

    id: str
    board: str
    to_position: str
    doc_types: tuple[str, ...]
    scope: tuple[str, ...]
    decision_ref: str
    valid_from: date
    valid_to: date | None = None
    categories: tuple[str, ...] = ()
    max_value_sek: int = 0
    decides: bool = False
    signs: bool = False
    may_grant_fullmakt: bool = False
    note: str | None = None

    def valid_on(self, on: date) -> bool:
        """True when the delegation is in force on `on`."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def covers_every_scope(self) -> bool:
        """True when no scope needs to be known (`any`, or both scopes listed)."""
        return SCOPE_ANY in self.scope or set(SCOPES) <= set(self.scope)

    def covers_scope(self, scope: str) -> bool:
        """True when the delegation covers a system of organisational scope `scope`."""
        return self.covers_every_scope() or scope in self.scope

    def covers_every_category(self) -> bool:
        """True when no category needs to be known (empty list, or all categories)."""
        return not self.categories or set(CATEGORIES) <= set(self.categories)


@dataclass(frozen=True)
class Fullmakt:
    """A power of attorney: the right to SIGN (not to decide) for a board."""

    id: str
    granted_by: str
    to_person: str
    board: str
    doc_types: tuple[str, ...]
    valid_from: date
    valid_to: date | None = None
    system: str | None = None
    ref: str | None = None
    note: str | None = None

    def valid_on(self, on: date) -> bool:
        """True when the fullmakt is in force on `on`."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


@dataclass(frozen=True)
class AuthorityRegister:
    """One version of the delegation register.

    `sha256` (of the exact file bytes) and `source_text` identify the version; they are
    left out of equality so that an exported and re-imported register equals the original.
    """

    municipality: str
    boards: tuple[Board, ...] = ()
    positions: tuple[Position, ...] = ()
    persons: tuple[Person, ...] = ()
    delegations: tuple[Delegation, ...] = ()
    fullmakter: tuple[Fullmakt, ...] = ()
    sha256: str = field(default="", compare=False)
    source_text: str = field(default="", compare=False, repr=False)

    def board(self, board_id: str) -> Board | None:
        """The board with this id, or None."""
        return next((b for b in self.boards if b.id == board_id), None)

    def position(self, position_id: str) -> Position | None:
        """The position with this id, or None."""
        return next((p for p in self.positions if p.id == position_id), None)

    def person(self, person_id: str) -> Person | None:
        """The person with this id, or None."""
        return next((p for p in self.persons if p.id == person_id), None)


# --------------------------------------------------------------------------- problems


@dataclass
class RegisterProblem:
    """One problem in a register file, located by line (None when it has no single line)."""

    line: int | None
    where: str
    message: str
    source: str = "register.toml"

    def __str__(self) -> str:
        location = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{location}: {self.where}: {self.message}"


class RegisterInvalid(UsageError):  # noqa: N818 -- name fixed by the interface the CLI uses
    """The register file cannot be imported; `.problems` lists every problem found."""

    def __init__(self, source: str, problems: list[RegisterProblem]) -> None:
        self.source = source
        self.problems = list(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(
            f"invalid authority register {source}",
            f"{count} {noun}" if self.problems else "",
            "Fix every listed problem and import the file again; nothing was imported",
            details=[str(p) for p in self.problems],
        )

    def report(self) -> str:
        """Every problem, one per line, in file order."""
        return "\n".join(str(p) for p in self.problems)


# --------------------------------------------------------------------------- locating lines

_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([^\[\]#]+?)\s*\]\]\s*(?:#.*)?$")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\[\]#]+?)\s*\]\s*(?:#.*)?$")


def _header_name(raw: str) -> str:
    # `[ "board" ]` and `[board]` name the same table.
    return ".".join(part.strip().strip("\"'") for part in raw.split("."))


class _Locator:
    """Finds lines in the source text; tomllib reports no positions for valid documents."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        # (line number, table name, is array-of-tables header)
        self.headers: list[tuple[int, str, bool]] = []
        for number, line in enumerate(self.lines, start=1):
            match = _ARRAY_HEADER.match(line)
            if match:
                self.headers.append((number, _header_name(match.group(1)), True))
                continue
            match = _TABLE_HEADER.match(line)
            if match:
                self.headers.append((number, _header_name(match.group(1)), False))

    def _span_from(self, header_index: int) -> tuple[int, int]:
        start, name, _ = self.headers[header_index]
        root = name.split(".")[0]
        end = len(self.lines)
        for number, other, _ in self.headers[header_index + 1 :]:
            # Sub-tables such as [[person.holds]] belong to the entry above them.
            if other.split(".")[0] != root or other == name:
                end = number - 1
                break
        return start, end

    def entry_span(self, kind: str, index: int) -> tuple[int, int] | None:
        """Lines of the `index`-th (0-based) `[[kind]]` entry, or None when not found."""
        seen = 0
        for i, (_, name, is_array) in enumerate(self.headers):
            if name == kind and is_array:
                if seen == index:
                    return self._span_from(i)
                seen += 1
        return None

    def table_span(self, name: str) -> tuple[int, int] | None:
        """Lines of the first header (table or array) named `name`."""
        for i, (_, header, _) in enumerate(self.headers):
            if header == name:
                return self._span_from(i)
        return None

    def top_key_line(self, key: str) -> int | None:
        """Line of `key = ...` before the first header (a top-level key)."""
        end = self.headers[0][0] - 1 if self.headers else len(self.lines)
        return self.key_line((1, end), key)

    def key_line(self, span: tuple[int, int] | None, key: str) -> int | None:
        """Line of `key = ...` inside `span`."""
        if span is None:
            return None
        pattern = re.compile(
            rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*="
        )
        for number in range(span[0], span[1] + 1):
            if pattern.match(self.lines[number - 1]):
                return number
        return None

    def item_line(self, span: tuple[int, int] | None, key: str, index: int) -> int | None:
        """Line of the `index`-th inline table in the array `key` (or `[[root.key]]` entry)."""
        if span is None:
            return None
        sub_headers = [
            number
            for number, name, is_array in self.headers
            if is_array and span[0] < number <= span[1] and name.endswith("." + key)
        ]
        if sub_headers:
            return sub_headers[index] if index < len(sub_headers) else sub_headers[0]
        start = self.key_line(span, key)
        if start is None:
            return None
        seen = 0
        for number in range(start, span[1] + 1):
            text = self.lines[number - 1].split("#", 1)[0]
            for _ in range(text.count("{")):
                if seen == index:
                    return number
                seen += 1
        return start


# --------------------------------------------------------------------------- parsing

_KINDS = ("board", "position", "person", "delegation", "fullmakt")
_TOP_LEVEL = ("municipality", *_KINDS)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MISSING = object()


class _Entry:
    """Reads the fields of one table, recording a problem for each bad one."""

    def __init__(
        self,
        table: dict[str, Any],
        where: str,
        span: tuple[int, int] | None,
        locator: _Locator,
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


def _syntax_problem(error: tomllib.TOMLDecodeError, text: str, source: str) -> RegisterProblem:
    message = str(error)
    match = re.search(r"\(at line (\d+), column \d+\)", message)
    if match:
        line: int | None = int(match.group(1))
    elif "end of document" in message:
        line = max(1, len(text.splitlines()))
    else:
        line = None
    plain = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
    return RegisterProblem(line, "TOML", f"syntax error: {plain}", source)


def parse_register(data: bytes, source: str = "register.toml") -> AuthorityRegister:
    """Parse and validate a register file (authority-format.md).

    The whole file is checked before anything is returned: RegisterInvalid carries every
    problem (syntax, missing or mistyped keys, bad dates, unknown or duplicate ids, inverted
    periods, overlapping holdings, unknown vocabulary, fullmakter granted without the right),
    each with its line in the file. `sha256` is the hash of exactly `data`.
    """
    digest = sha256_hex(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RegisterInvalid(
            source, [RegisterProblem(line, "file", "not valid UTF-8 text", source)]
        ) from None
    # Editors on Windows may prepend a byte order mark; the hash still covers it.
    body = text.removeprefix("\ufeff")
    try:
        document = tomllib.loads(body)
    except tomllib.TOMLDecodeError as error:
        raise RegisterInvalid(source, [_syntax_problem(error, body, source)]) from None

    register = _Validator(document, _Locator(body), source).build()
    return replace(register, sha256=digest, source_text=text)


class _Validator:
    """Turns a parsed TOML document into an AuthorityRegister or a list of problems."""

    def __init__(self, document: dict[str, Any], locator: _Locator, source: str) -> None:
        self.document = document
        self.locator = locator
        self.source = source
        self.problems: list[RegisterProblem] = []
        # Ids of every entry whose id is readable, even if the rest is broken, so that one
        # bad entry does not also produce "unknown id" problems everywhere it is named.
        self.ids: dict[str, dict[str, int | None]] = {kind: {} for kind in _KINDS}

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
        seen: dict[str, int | None] = self.ids[kind]
        for index, table in enumerate(value):
            span = self.locator.entry_span(kind, index)
            fallback = self.locator.top_key_line(kind)
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
                    first = seen[raw_id]
                    also = f" (first on line {first})" if first else ""
                    entry.problem(f"duplicate {kind} id {raw_id!r}{also}", "id")
                else:
                    seen[raw_id] = entry.line("id")
            entries.append(entry)
        return entries

    def _ref(self, entry: _Entry, key: str, kind: str, value: str | None) -> None:
        if value is not None and value not in self.ids[kind]:
            known = ", ".join(self.ids[kind]) or "none"
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
                if later.position == earlier.position and _overlap(earlier, later):
                    entry.problem(
                        f"holds position {later.position!r} twice at once: "
                        f"{earlier.period()} overlaps {later.period()}",
                        line=entry.locator.item_line(entry.span, "holds", later_index),
                    )
        if not entry.ok or person_id is None or name is None:
            return None
        return Person(person_id, name, tuple(holds), note)

    def _holding(self, entry: _Entry, index: int, item: object) -> Holding | None:
        line = entry.locator.item_line(entry.span, "holds", index)
        label = f"holds[{index + 1}]"
        if not isinstance(item, dict):
            entry.problem(f"{label} must be a table {{ position = ..., from = ... }}", line=line)
            return None
        ok = True

        def fail(message: str, _key: str | None = None) -> None:
            nonlocal ok
            ok = False
            entry.problem(f"{label}: {message}", line=line)

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
            grounds = _grant_grounds(grantor, delegations, fullmakt.board, fullmakt.valid_from)
            if not any(doc_type in d.doc_types for d, _ in grounds):
                entry.problem(
                    _no_grant_right(grantor, delegations, fullmakt, doc_type), "granted_by"
                )


def _overlap(a: Holding, b: Holding) -> bool:
    a_end, b_end = a.to or date.max, b.to or date.max
    return a.from_ <= b_end and b.from_ <= a_end


def _grant_grounds(
    grantor: Person, delegations: tuple[Delegation, ...] | list[Delegation], board: str, on: date
) -> list[tuple[Delegation, Holding]]:
    """Delegations from `board`, in force on `on`, with may_grant_fullmakt, to a position the
    grantor holds on `on`."""
    grounds: list[tuple[Delegation, Holding]] = []
    for delegation in delegations:
        if delegation.board != board or not delegation.may_grant_fullmakt:
            continue
        if not delegation.valid_on(on):
            continue
        holding = grantor.holding_on(delegation.to_position, on)
        if holding is not None:
            grounds.append((delegation, holding))
    return grounds


def _no_grant_right(
    grantor: Person,
    delegations: tuple[Delegation, ...] | list[Delegation],
    fullmakt: Fullmakt,
    doc_type: str,
) -> str:
    """Why `grantor` could not grant `fullmakt` for `doc_type` on its grant date."""
    on = fullmakt.valid_from.isoformat()
    held = [h.position for h in grantor.holds if h.covers(fullmakt.valid_from)]
    head = f"granted by {grantor.id}, who on {on} (the grant date)"
    if not held:
        return f"{head} held no position, so had no right to grant a fullmakt"
    return (
        f"{head} held {', '.join(held)} but no delegation from board {fullmakt.board} "
        f"in force that day with may_grant_fullmakt = true covering {doc_type}"
    )


# --------------------------------------------------------------------------- the check


@dataclass
class AuthorityRequest:
    """May `signer` accept a document of `doc_type` for `board` on `on`?"""

    signer: str
    board: str
    doc_type: str
    on: date
    scope: str | None = None
    category: str | None = None
    value_sek: int | None = None
    system: str | None = None
    decision_ref: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (date as ISO 8601)."""
        return {
            "signer": self.signer,
            "board": self.board,
            "doc_type": self.doc_type,
            "on": self.on.isoformat(),
            "scope": self.scope,
            "category": self.category,
            "value_sek": self.value_sek,
            "system": self.system,
            "decision_ref": self.decision_ref,
        }


@dataclass
class AuthorityCheck:
    """The answer: decision, chain of authority, reasons, and the register version used.

    For an allowed check `reasons` holds one sentence stating the basis; for a refusal it
    holds every reason. `chain` is the full path when allowed and the closest path found
    (possibly empty) when refused.
    """

    allowed: bool
    chain: list[dict[str, Any]]
    reasons: list[str]
    register_sha256: str
    request: AuthorityRequest

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: allowed, chain, reasons, register_sha256, request."""
        return {
            "allowed": self.allowed,
            "chain": [dict(link) for link in self.chain],
            "reasons": list(self.reasons),
            "register_sha256": self.register_sha256,
            "request": self.request.to_dict(),
        }


@dataclass
class _Path:
    """One way the signer might have the right, and what is wrong with it."""

    chain: list[dict[str, Any]]
    failures: list[str]
    basis: str
    is_fullmakt: bool
    # How far the path got before failing: 0 cannot sign at all, 1 wrong document type,
    # 2 right kind of path with specific failures. Only the furthest paths of a route are
    # reported, so that "covers pub-avtal, not scc" is not drowned by unrelated detail.
    tier: int = 2


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _board_link(board: Board) -> dict[str, Any]:
    return {"kind": "board", "id": board.id, "name": board.name}


def _delegation_link(d: Delegation) -> dict[str, Any]:
    return {
        "kind": "delegation",
        "id": d.id,
        "decision_ref": d.decision_ref,
        "valid_from": d.valid_from.isoformat(),
        "valid_to": _iso(d.valid_to),
        "doc_types": list(d.doc_types),
        "scope": list(d.scope),
        "categories": list(d.categories),
        "max_value_sek": d.max_value_sek,
        "decides": d.decides,
        "signs": d.signs,
        "may_grant_fullmakt": d.may_grant_fullmakt,
    }


def _person_link(person: Person) -> dict[str, Any]:
    return {"kind": "person", "id": person.id, "name": person.name}


def _periods(person: Person, position: str) -> str:
    return "; ".join(h.period() for h in person.holds if h.position == position)


def _validity_failure(
    kind: str, item_id: str, start: date, end: date | None, on: date
) -> str | None:
    if on < start:
        return (
            f"{kind} {item_id} is not yet valid on {on.isoformat()}: valid from {start.isoformat()}"
        )
    if end is not None and on > end:
        return f"{kind} {item_id} is no longer valid on {on.isoformat()}: it expired after {end.isoformat()}"
    return None


def _delegation_failures(
    d: Delegation, person: Person, holding: Holding | None, req: AuthorityRequest
) -> tuple[int, list[str]]:
    """(tier, failures) of one delegation path; see _Path.tier."""
    on = req.on.isoformat()
    if not d.signs:
        return 0, [f"delegation {d.id} does not give the right to sign (signs = false)"]
    if req.doc_type not in d.doc_types:
        return 1, [f"delegation {d.id} covers {', '.join(d.doc_types)}, not {req.doc_type}"]
    failures: list[str] = []
    if holding is None:
        failures.append(
            f"{person.id} does not hold position {d.to_position} on {on} "
            f"(held {_periods(person, d.to_position)})"
        )
    validity = _validity_failure("delegation", d.id, d.valid_from, d.valid_to, req.on)
    if validity:
        failures.append(validity)
    if not d.covers_every_scope():
        if req.scope is None:
            failures.append(
                f"delegation {d.id} is limited to scope {', '.join(d.scope)}: "
                "the scope of the system must be given (--scope)"
            )
        elif req.scope not in d.scope:
            failures.append(f"delegation {d.id} covers scope {', '.join(d.scope)}, not {req.scope}")
    if not d.covers_every_category():
        if req.category is None:
            failures.append(
                f"delegation {d.id} is limited to categories {', '.join(d.categories)}: "
                "the category of the system must be given (--category)"
            )
        elif req.category not in d.categories:
            failures.append(
                f"delegation {d.id} covers categories {', '.join(d.categories)}, not {req.category}"
            )
    if d.max_value_sek:
        if req.value_sek is None:
            failures.append(
                f"delegation {d.id} is limited to {d.max_value_sek} SEK: "
                "the value of the contract must be given (--value)"
            )
        elif req.value_sek > d.max_value_sek:
            failures.append(
                f"value {req.value_sek} SEK is over the limit of {d.max_value_sek} SEK "
                f"of delegation {d.id}"
            )
    return 2, failures


def _delegation_paths(
    register: AuthorityRegister, person: Person, board: Board, req: AuthorityRequest
) -> tuple[list[_Path], list[str]]:
    """Paths through delegations to positions the person holds or has held, and the
    reasons that apply when none of them is from the requested board."""
    positions: list[str] = []
    for holding in person.holds:
        if holding.position not in positions:
            positions.append(holding.position)
    paths: list[_Path] = []
    other_boards: list[Delegation] = []
    for delegation in register.delegations:
        if delegation.to_position not in positions:
            continue
        if delegation.board != board.id:
            other_boards.append(delegation)
            continue
        holding = person.holding_on(delegation.to_position, req.on)
        tier, failures = _delegation_failures(delegation, person, holding, req)
        position = register.position(delegation.to_position)
        position_link: dict[str, Any] = {
            "kind": "position",
            "id": delegation.to_position,
            "title": position.title if position else None,
            "held_from": _iso(holding.from_) if holding else None,
            "held_to": _iso(holding.to) if holding else None,
        }
        chain = [
            _board_link(board),
            _delegation_link(delegation),
            position_link,
            _person_link(person),
        ]
        basis = (
            f"{person.id} holds position {delegation.to_position} on {req.on.isoformat()}, "
            f"to which board {board.id} delegated signing {req.doc_type} by delegation "
            f"{delegation.id} ({delegation.decision_ref}), in force from "
            f"{delegation.valid_from.isoformat()}"
        )
        paths.append(_Path(chain, failures, basis, is_fullmakt=False, tier=tier))
    general: list[str] = []
    if not paths:
        if not positions:
            general.append(f"{person.id} holds no position, so no delegation applies")
        else:
            general.append(
                f"no delegation from board {board.id} to a position {person.id} holds or has held "
                f"({', '.join(positions)})"
            )
            if other_boards:
                general.append(
                    "the delegations to those positions are from other boards: "
                    + ", ".join(f"{d.id} (board {d.board})" for d in other_boards)
                )
    return paths, general


def _system_matches(named: str, requested: str) -> bool:
    # System names are typed by hand in two places; case and spacing are not a difference.
    return " ".join(named.split()).casefold() == " ".join(requested.split()).casefold()


def _fullmakt_path(
    register: AuthorityRegister, person: Person, board: Board, fm: Fullmakt, req: AuthorityRequest
) -> _Path:
    on = req.on.isoformat()
    failures: list[str] = []
    tier = 2
    if req.doc_type not in fm.doc_types:
        # The other conditions are moot for a document type the fullmakt does not name.
        tier = 1
        failures.append(f"fullmakt {fm.id} covers {', '.join(fm.doc_types)}, not {req.doc_type}")
    validity = _validity_failure("fullmakt", fm.id, fm.valid_from, fm.valid_to, req.on)
    if validity and tier == 2:
        failures.append(validity)
    if tier == 2 and fm.system is not None:
        if req.system is None:
            failures.append(
                f"fullmakt {fm.id} is limited to system {fm.system!r}: the system must be given (--system)"
            )
        elif not _system_matches(fm.system, req.system):
            failures.append(f"fullmakt {fm.id} is for system {fm.system!r}, not {req.system!r}")

    # The grantor's right, judged on the grant date (the fullmakt's valid_from).
    grantor = register.person(fm.granted_by)
    grant_day = fm.valid_from.isoformat()
    ground: tuple[Delegation, Holding] | None = None
    if grantor is None:
        failures.append(
            f"fullmakt {fm.id} was granted by {fm.granted_by!r}, who is not in the register"
        )
    elif tier == 2:
        grounds = _grant_grounds(grantor, register.delegations, board.id, fm.valid_from)
        typed = [(d, h) for d, h in grounds if req.doc_type in d.doc_types]
        if not typed:
            failures.append(
                f"fullmakt {fm.id} was granted by someone without the right: "
                + _no_grant_right(grantor, register.delegations, fm, req.doc_type)
            )
        else:
            if req.scope is None:
                scoped = [(d, h) for d, h in typed if d.covers_every_scope()]
                if not scoped:
                    limits = ", ".join(sorted({s for d, _ in typed for s in d.scope}))
                    failures.append(
                        f"the right of {grantor.id} to grant fullmakt {fm.id} is limited to scope "
                        f"{limits}: the scope of the system must be given (--scope)"
                    )
            else:
                scoped = [(d, h) for d, h in typed if d.covers_scope(req.scope)]
                if not scoped:
                    limits = ", ".join(sorted({s for d, _ in typed for s in d.scope}))
                    failures.append(
                        f"fullmakt {fm.id} was granted by someone without the right for scope "
                        f"{req.scope}: on {grant_day} {grantor.id} could grant fullmakt only for "
                        f"scope {limits}"
                    )
            ground = (scoped or typed)[0]
    if not req.decision_ref and tier == 2:
        failures.append(
            f"fullmakt {fm.id} gives the right to sign, not to decide: the decision on the matter "
            "(the board's or a delegate's) must be given (--decision REF)"
        )

    chain: list[dict[str, Any]] = [_board_link(board)]
    if ground is not None:
        delegation, holding = ground
        chain.append(_delegation_link(delegation))
        position = register.position(holding.position)
        chain.append(
            {
                "kind": "grantor",
                "id": grantor.id if grantor else fm.granted_by,
                "name": grantor.name if grantor else None,
                "position": holding.position,
                "position_title": position.title if position else None,
                "on": grant_day,
            }
        )
    else:
        chain.append(
            {
                "kind": "grantor",
                "id": fm.granted_by,
                "name": grantor.name if grantor else None,
                "position": None,
                "position_title": None,
                "on": grant_day,
            }
        )
    chain.append(
        {
            "kind": "fullmakt",
            "id": fm.id,
            "ref": fm.ref,
            "system": fm.system,
            "doc_types": list(fm.doc_types),
            "valid_from": grant_day,
            "valid_to": _iso(fm.valid_to),
        }
    )
    chain.append(_person_link(person))
    if req.decision_ref:
        chain.append({"kind": "decision", "id": req.decision_ref, "decision_ref": req.decision_ref})
    basis = (
        f"{person.id} holds fullmakt {fm.id} from board {board.id} valid on {on}, granted by "
        f"{fm.granted_by} under "
        + (f"delegation {ground[0].id} ({ground[0].decision_ref})" if ground else "a delegation")
        + f"; the decision is {req.decision_ref}"
    )
    return _Path(chain, failures, basis, is_fullmakt=True, tier=tier)


def _fullmakt_paths(
    register: AuthorityRegister, person: Person, board: Board, req: AuthorityRequest
) -> tuple[list[_Path], list[str]]:
    mine = [f for f in register.fullmakter if f.to_person == person.id]
    paths = [_fullmakt_path(register, person, board, f, req) for f in mine if f.board == board.id]
    general: list[str] = []
    if not paths:
        if not mine:
            general.append(f"{person.id} holds no fullmakt")
        else:
            general.extend(f"fullmakt {f.id} is for board {f.board}, not {board.id}" for f in mine)
    return paths, general


def _normalized(request: AuthorityRequest) -> AuthorityRequest:
    if request.value_sek is not None and (
        isinstance(request.value_sek, bool) or request.value_sek < 0
    ):
        raise UsageError(
            f"invalid contract value {request.value_sek!r}",
            "give a whole number of kronor, 0 or more",
        )
    return replace(
        request,
        signer=request.signer.strip(),
        board=request.board.strip(),
        doc_type=normalize_doc_type(request.doc_type),
        scope=normalize_scope(request.scope) if request.scope else None,
        category=normalize_category(request.category) if request.category else None,
        system=request.system.strip() if request.system and request.system.strip() else None,
        decision_ref=request.decision_ref.strip()
        if request.decision_ref and request.decision_ref.strip()
        else None,
    )


def _furthest_failures(paths: list[_Path]) -> list[str]:
    if not paths:
        return []
    furthest = max(p.tier for p in paths)
    return [failure for p in paths if p.tier == furthest for failure in p.failures]


def check_authority(register: AuthorityRegister, request: AuthorityRequest) -> AuthorityCheck:
    """Apply the authority rule (authority-format.md) to one request.

    Doc type, scope and category are normalised first (English aliases, å/ä/ö); an unknown
    value raises UsageError. Unknown signers or boards are refusals, not errors. The
    returned request is the normalised one.
    """
    req = _normalized(request)
    person = register.person(req.signer)
    board = register.board(req.board)
    reasons: list[str] = []
    if person is None:
        reasons.append(f"no person {req.signer!r} in the authority register")
    if board is None:
        known = ", ".join(b.id for b in register.boards)
        reasons.append(f"no board {req.board!r} in the authority register (boards: {known})")
    if person is None or board is None:
        return AuthorityCheck(False, [], reasons, register.sha256, req)

    delegation_paths, delegation_general = _delegation_paths(register, person, board, req)
    fullmakt_paths, fullmakt_general = _fullmakt_paths(register, person, board, req)
    paths = delegation_paths + fullmakt_paths  # a delegation is preferred when both hold
    for path in paths:
        if not path.failures:
            return AuthorityCheck(True, path.chain, [path.basis], register.sha256, req)

    reasons.extend(delegation_general)
    reasons.extend(_furthest_failures(delegation_paths))
    reasons.extend(fullmakt_general)
    reasons.extend(_furthest_failures(fullmakt_paths))
    # The closest miss: furthest tier, then fewest failures; a delegation wins a tie.
    best = min(paths, key=lambda p: (-p.tier, len(p.failures))) if paths else None
    return AuthorityCheck(
        False, best.chain if best else [], list(dict.fromkeys(reasons)), register.sha256, req
    )


# --------------------------------------------------------------------------- export


def _toml_string(value: str) -> str:
    escapes = {
        '"': '\\"',
        "\\": "\\\\",
        "\n": "\\n",
        "\t": "\\t",
        "\r": "\\r",
        "\b": "\\b",
        "\f": "\\f",
    }
    out = []
    for char in value:
        if char in escapes:
            out.append(escapes[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return _toml_string(value.isoformat())
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _toml_table(header: str, pairs: list[tuple[str, object]]) -> list[str]:
    lines = [header]
    lines.extend(f"{key} = {_toml_value(value)}" for key, value in pairs if value is not None)
    lines.append("")
    return lines


def register_to_toml(register: AuthorityRegister) -> str:
    """Write the register as TOML in the import format; parsing it gives an equal register.

    Comments of the original file are not kept (the original bytes are, by the caller).
    """
    lines = ["# Authority register exported by ContractVault (format: authority-format.md)."]
    if register.sha256:
        lines.append(f"# Exported from the register version with sha256 {register.sha256}.")
    lines.append("")
    lines.extend(_toml_table("[municipality]", [("name", register.municipality)]))
    for b in register.boards:
        lines.extend(_toml_table("[[board]]", [("id", b.id), ("name", b.name), ("note", b.note)]))
    for p in register.positions:
        lines.extend(
            _toml_table("[[position]]", [("id", p.id), ("title", p.title), ("note", p.note)])
        )
    for person in register.persons:
        lines.append("[[person]]")
        lines.append(f"id = {_toml_value(person.id)}")
        lines.append(f"name = {_toml_value(person.name)}")
        if person.holds:
            lines.append("holds = [")
            for h in person.holds:
                parts = [f"position = {_toml_value(h.position)}", f"from = {_toml_value(h.from_)}"]
                if h.to is not None:
                    parts.append(f"to = {_toml_value(h.to)}")
                lines.append("  { " + ", ".join(parts) + " },")
            lines.append("]")
        else:
            lines.append("holds = []")
        if person.note is not None:
            lines.append(f"note = {_toml_value(person.note)}")
        lines.append("")
    for d in register.delegations:
        lines.extend(
            _toml_table(
                "[[delegation]]",
                [
                    ("id", d.id),
                    ("board", d.board),
                    ("to_position", d.to_position),
                    ("doc_types", d.doc_types),
                    ("scope", d.scope),
                    ("categories", d.categories),
                    ("max_value_sek", d.max_value_sek),
                    ("decides", d.decides),
                    ("signs", d.signs),
                    ("may_grant_fullmakt", d.may_grant_fullmakt),
                    ("decision_ref", d.decision_ref),
                    ("valid_from", d.valid_from),
                    ("valid_to", d.valid_to),
                    ("note", d.note),
                ],
            )
        )
    for f in register.fullmakter:
        lines.extend(
            _toml_table(
                "[[fullmakt]]",
                [
                    ("id", f.id),
                    ("granted_by", f.granted_by),
                    ("to_person", f.to_person),
                    ("board", f.board),
                    ("doc_types", f.doc_types),
                    ("system", f.system),
                    ("valid_from", f.valid_from),
                    ("valid_to", f.valid_to),
                    ("ref", f.ref),
                    ("note", f.note),
                ],
            )
        )
    return "\n".join(lines).rstrip("\n") + "\n"


def describe_register(register: AuthorityRegister) -> dict[str, Any]:
    """A JSON-able listing of the register (for `authority show`)."""
    return {
        "municipality": register.municipality,
        "sha256": register.sha256,
        "counts": {
            "boards": len(register.boards),
            "positions": len(register.positions),
            "persons": len(register.persons),
            "delegations": len(register.delegations),
            "fullmakter": len(register.fullmakter),
        },
        "boards": [{"id": b.id, "name": b.name, "note": b.note} for b in register.boards],
        "positions": [{"id": p.id, "title": p.title, "note": p.note} for p in register.positions],
        "persons": [
            {
                "id": p.id,
                "name": p.name,
                "holds": [
                    {"position": h.position, "from": h.from_.isoformat(), "to": _iso(h.to)}
                    for h in p.holds
                ],
                "note": p.note,
            }
            for p in register.persons
        ],
        "delegations": [
            {
                **{k: v for k, v in _delegation_link(d).items() if k != "kind"},
                "board": d.board,
                "to_position": d.to_position,
                "note": d.note,
            }
            for d in register.delegations
        ],
        "fullmakter": [
            {
                "id": f.id,
                "granted_by": f.granted_by,
                "to_person": f.to_person,
                "board": f.board,
                "doc_types": list(f.doc_types),
                "system": f.system,
                "valid_from": f.valid_from.isoformat(),
                "valid_to": _iso(f.valid_to),
                "ref": f.ref,
                "note": f.note,
            }
            for f in register.fullmakter
        ],
    }
