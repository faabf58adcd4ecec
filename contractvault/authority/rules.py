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
  relying on the import-time validation, so a register built in code is judged the same."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from contractvault.authority.model import (
    AuthorityRegister,
    Board,
    Delegation,
    Fullmakt,
    Holding,
    Person,
    grant_grounds,
    no_grant_right,
)
from contractvault.errors import UsageError
from contractvault.records.vocabularies import (
    normalize_category,
    normalize_doc_type,
    normalize_scope,
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


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _board_link(board: Board) -> dict[str, Any]:
    return {"kind": "board", "id": board.id, "name": board.name}


def delegation_link(d: Delegation) -> dict[str, Any]:
    return {
        "kind": "delegation",
        "id": d.id,
        "decision_ref": d.decision_ref,
        "valid_from": d.valid_from.isoformat(),
        "valid_to": iso_date(d.valid_to),
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
            "held_from": iso_date(holding.from_) if holding else None,
            "held_to": iso_date(holding.to) if holding else None,
        }
        chain = [
            _board_link(board),
            delegation_link(delegation),
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
        grounds = grant_grounds(grantor, register.delegations, board.id, fm.valid_from)
        typed = [(d, h) for d, h in grounds if req.doc_type in d.doc_types]
        if not typed:
            failures.append(
                f"fullmakt {fm.id} was granted by someone without the right: "
                + no_grant_right(grantor, register.delegations, fm, req.doc_type)
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
        chain.append(delegation_link(delegation))
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
            "valid_to": iso_date(fm.valid_to),
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
