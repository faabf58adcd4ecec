"""User-facing ids: `C-3` (contract), `D-17` (document), `E-42` (evidence record)."""

from __future__ import annotations

import re

from contractvault.errors import NotFoundError, UsageError, echo

PREFIXES = {"C": "contract", "D": "document", "E": "evidence"}
# Row numbers fit a 32-bit INTEGER column (PostgreSQL's); a larger id names no row, and
# asking the database for it would overflow its integer type.
MAX_ID = 2**31 - 1
_ID = re.compile(r"^\s*([CDE])-?(\d+)\s*$", re.IGNORECASE)


def contract_ref(pk: int) -> str:
    """The id a user sees for contract row `pk`."""
    return f"C-{pk}"


def document_ref(pk: int) -> str:
    """The id a user sees for document row `pk`."""
    return f"D-{pk}"


def evidence_ref(seq: int) -> str:
    """The id a user sees for the evidence record with sequence number `seq`."""
    return f"E-{seq}"


def parse_ref(value: str, expect: str | None = None) -> tuple[str, int]:
    """Parse `C-3`/`d17`/`E-42` into (kind, number); `expect` restricts the kind."""
    m = _ID.match(value)
    if not m:
        kinds = expect or "contract, document or evidence"
        raise UsageError(
            f"'{echo(value)}' is not an id", f"a {kinds} id looks like C-3, D-17 or E-42",
            "Run 'contractvault list' to see ids",
        )
    kind = PREFIXES[m.group(1).upper()]
    if expect and kind != expect:
        raise UsageError(f"'{echo(value)}' is a {kind} id", f"a {expect} id is needed here")
    digits = m.group(2).lstrip("0") or "0"
    if len(digits) > len(str(MAX_ID)) or int(digits) > MAX_ID:
        noun = "evidence record" if kind == "evidence" else kind
        raise NotFoundError(f"no {noun} {echo(value.strip())}",
                            f"ids go up to {m.group(1).upper()}-{MAX_ID}",
                            "Run 'contractvault list' to see ids")
    return kind, int(digits)
