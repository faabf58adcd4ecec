"""The sealed form of database rows that matter as evidence: documents, authority register
versions and decisions, deficiencies and their events, follow-up records.

A record that creates such a row carries its sealed form in its context
(`{"table", "id", "content"}`), so `verify` can check the row against the ledger column by
column and notice a row that no record names. The content is every column as a plain JSON
value, except columns that a later record fills in (`LINK_COLUMNS`) and long texts that are
sealed as an artifact instead (the register's TOML: its SHA-256 is in the content).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import SQLModel

from contractvault.models import (
    AuthorityDecision,
    AuthorityRegisterVersion,
    Deficiency,
    DeficiencyEvent,
    Document,
    FollowUpRecord,
)
from contractvault.util import sha256_hex

# Tables whose rows are sealed, with the label a failure names a row by.
SEALED_TABLES: dict[str, tuple[type[SQLModel], str]] = {
    "cv_document": (Document, "D"),
    "cv_authority_register": (AuthorityRegisterVersion, "register-version"),
    "cv_authority_decision": (AuthorityDecision, "authority-decision"),
    "cv_deficiency": (Deficiency, "B"),
    "cv_deficiency_event": (DeficiencyEvent, "deficiency-event"),
    "cv_followup": (FollowUpRecord, "followup"),
}
# Columns set by a later record that names the row (the capture an authority decision
# allowed; the record that seals a document). Checked against that record instead.
LINK_COLUMNS: dict[str, tuple[str, ...]] = {
    "cv_document": ("evidence_seq",),
    "cv_authority_decision": ("evidence_seq", "document_id", "contract_id"),
}
# Long text sealed as an artifact: the content holds its SHA-256 under `<column>_sha256`.
HASHED_COLUMNS: dict[str, tuple[str, ...]] = {
    "cv_authority_register": ("toml_text",),
}


def _plain(value: Any) -> Any:
    """A column value as JSON: datetimes as naive UTC with microseconds (what both SQLite
    and PostgreSQL give back), dates as ISO dates, bytes as hex."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value


def row_label(table: str, pk: Any) -> str:
    """How a failure names a row: `D-5`, `B-2`, `authority-decision-7`."""
    label = SEALED_TABLES[table][1] if table in SEALED_TABLES else table
    return f"{label}-{pk}"


def row_content(row: SQLModel) -> dict[str, Any]:
    """The sealed content of a row (see the module docstring)."""
    table = str(row.__tablename__)
    skip = set(LINK_COLUMNS.get(table, ()))
    hashed = set(HASHED_COLUMNS.get(table, ()))
    out: dict[str, Any] = {}
    for column in row.__table__.columns:  # type: ignore[attr-defined]
        name = column.name
        if name in skip:
            continue
        value = getattr(row, name)
        if name in hashed:
            out[f"{name}_sha256"] = sha256_hex(str(value).encode("utf-8"))
        else:
            out[name] = _plain(value)
    return out


def sealed_row(row: SQLModel) -> dict[str, Any]:
    """The form a record carries in its context's `rows` (or `document`)."""
    content = row_content(row)
    if row.__tablename__ == "cv_authority_decision":
        # The contract the check was made for (a capture with --new names it later; the
        # link is checked against the record that names the decision).
        content[AT_CHECK] = _plain(getattr(row, "contract_id", None))
    return {"table": str(row.__tablename__), "id": row.id, "content": content}


# Sealed with a row but not a column of it (compared by the link check instead).
AT_CHECK = "contract_id_at_check"


def content_diff(sealed: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """The columns in which a row now differs from its sealed content."""
    return sorted(k for k in (set(sealed) | set(now)) - {AT_CHECK} if sealed.get(k) != now.get(k))
