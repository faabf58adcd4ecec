"""Controlled values of contract metadata (cli-contract.md) and their validation.

Document types, scopes and categories live in `doctypes`; re-exported here for callers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from contractvault.doctypes import CATEGORIES, SCOPES
from contractvault.errors import UsageError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TRANSFER_MECHANISMS = ("scc", "dpf", "bcr", "adequacy", "none")
NOTICE_BASES = ("end", "year-end")
__all__ = ["CATEGORIES", "NOTICE_BASES", "SCOPES", "TRANSFER_MECHANISMS", "choose", "parse_date"]


def choose(value: str | None, allowed: Sequence[str], what: str) -> str | None:
    """`value` lower-cased if it is one of `allowed` (None passes); UsageError otherwise."""
    if value is None:
        return None
    v = value.strip().lower()
    if v not in allowed:
        raise UsageError(f"unknown {what} '{value}'", f"use one of {', '.join(allowed)}")
    return v


def parse_date(value: str | date | None, what: str = "date") -> date | None:
    """An ISO 8601 date (YYYY-MM-DD); UsageError naming the flag otherwise."""
    if value is None or isinstance(value, date):
        return value
    try:
        # fromisoformat alone would also take 20250101 and 2025-W01-3.
        if not _ISO_DATE.fullmatch(value.strip()):
            raise ValueError(value)
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise UsageError(f"'{value}' is not a date for {what}", "dates are YYYY-MM-DD",
                         "e.g. 2025-12-31") from exc
