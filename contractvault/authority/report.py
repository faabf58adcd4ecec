"""The register as text again: TOML export and a summary for `authority show`."""

from __future__ import annotations

from datetime import date
from typing import Any

from contractvault.authority.model import AuthorityRegister
from contractvault.authority.rules import delegation_link, iso_date

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
                    {"position": h.position, "from": h.from_.isoformat(), "to": iso_date(h.to)}
                    for h in p.holds
                ],
                "note": p.note,
            }
            for p in register.persons
        ],
        "delegations": [
            {
                **{k: v for k, v in delegation_link(d).items() if k != "kind"},
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
                "valid_to": iso_date(f.valid_to),
                "ref": f.ref,
                "note": f.note,
            }
            for f in register.fullmakter
        ],
    }
