"""The delegation register's model: boards, positions, people, delegations, fullmakter,
and the problems an import reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from contractvault.errors import UsageError
from contractvault.records.vocabularies import (
    CATEGORIES,
    SCOPES,
)

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


def holdings_overlap(a: Holding, b: Holding) -> bool:
    a_end, b_end = a.to or date.max, b.to or date.max
    return a.from_ <= b_end and b.from_ <= a_end


def grant_grounds(
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


def no_grant_right(
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
