"""Canonical vocabularies: document types, organisational scopes and system categories.

The canonical values are the Swedish words without diacritics (cli-contract.md); users may
type English aliases (`dpa`) or the Swedish spelling with å/ä/ö (`tillägg`), and every
entry point folds them to the canonical value here, so the rest of the code compares
plain strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from contractvault.errors import UsageError

DOC_TYPES: tuple[str, ...] = (
    "huvudavtal",
    "pub-avtal",
    "scc",
    "tillagg",
    "sla",
    "bilaga",
    "fullmakt",
    "villkor",
    "ovrigt",
)

DOC_TYPE_ALIASES: dict[str, str] = {
    "enterprise-agreement": "huvudavtal",
    "dpa": "pub-avtal",
    "data-processing-agreement": "pub-avtal",
    "model-contract-clauses": "scc",
    "standard-contractual-clauses": "scc",
    "amendment": "tillagg",
    "annex": "bilaga",
    "power-of-attorney": "fullmakt",
    "terms": "villkor",
}

# Organisational scope of a system (Modell för digitala tjänster och system, 3.1/3.2).
SCOPES: tuple[str, ...] = ("kommungemensam", "forvaltningsspecifik")

# System categories of the same model; they decide which documents are mandatory.
CATEGORIES: tuple[str, ...] = (
    "publik-tjanst",
    "myndighetstjanst",
    "kommersiell-tjanst",
    "digitalt-verktyg",
    "verksamhetssystem",
    "plattform",
    "it-infrastruktur",
)

TRANSFER_MECHANISMS: tuple[str, ...] = ("scc", "dpf", "bcr", "adequacy", "none")
NOTICE_BASES: tuple[str, ...] = ("end", "year-end")

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", " ": "-", "_": "-"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def fold(value: str) -> str:
    """Lower-case, strip, transliterate å/ä/ö and turn spaces/underscores into hyphens."""
    return value.strip().lower().translate(_FOLD)


def choose(value: str | None, allowed: Sequence[str], what: str,
           aliases: Mapping[str, str] | None = None) -> str | None:
    """The canonical value of `allowed` that `value` folds to (None passes through).

    The one validator of every controlled vocabulary: case and å/ä/ö are folded the same
    way everywhere, so "Förvaltningsspecifik" and "forvaltningsspecifik" are one value.
    """
    if value is None:
        return None
    folded = fold(value)
    if folded in allowed:
        return folded
    if aliases and folded in aliases:
        return aliases[folded]
    hint = f"English aliases are also accepted: {', '.join(aliases)}" if aliases else ""
    raise UsageError(f"unknown {what} {value!r}", f"valid values are {', '.join(allowed)}", hint)


def normalize_doc_type(value: str) -> str:
    """Return the canonical document type for `value` (canonical name or English alias)."""
    out = choose(value, DOC_TYPES, "document type", DOC_TYPE_ALIASES)
    assert out is not None
    return out


def normalize_scope(value: str) -> str:
    """Return the canonical organisational scope (`kommungemensam`, `forvaltningsspecifik`)."""
    out = choose(value, SCOPES, "scope")
    assert out is not None
    return out


def normalize_category(value: str) -> str:
    """Return the canonical system category (e.g. `verksamhetssystem`)."""
    out = choose(value, CATEGORIES, "system category")
    assert out is not None
    return out


# The dates and counts a user may give (contract terms, reference dates). Wider values are
# valid ISO dates but no agreement's: 9999-12-31 renewed by 12 months is past what a date
# can hold, and one such contract must not switch off every deadline of the archive.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2200, 12, 31)
MAX_MONTHS = 1200  # 100 years of notice or renewal
MAX_DAYS = 36_600  # about 100 years (deletion periods, look-ahead windows)
MAX_SEK = 10**15  # an avtalsvärde; fits PostgreSQL's BIGINT with room to spare


def parse_date(value: str | date | None, what: str = "date") -> date | None:
    """An ISO 8601 date (YYYY-MM-DD) from DATE_MIN to DATE_MAX; UsageError naming the flag
    otherwise."""
    if value is None:
        return None
    if isinstance(value, date):
        day = value
    else:
        try:
            # fromisoformat alone would also take 20250101 and 2025-W01-3.
            if not _ISO_DATE.fullmatch(value.strip()):
                raise ValueError(value)
            day = date.fromisoformat(value.strip())
        except ValueError as exc:
            raise UsageError(f"'{value}' is not a date for {what}", "dates are YYYY-MM-DD",
                             "e.g. 2025-12-31") from exc
    if not DATE_MIN <= day <= DATE_MAX:
        raise UsageError(f"{day.isoformat()} is out of range for {what}",
                         f"dates go from {DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}",
                         "Give the date the agreement says")
    return day


# C0 controls and DEL but tab and line breaks: never part of a name or a description, and
# PostgreSQL refuses NUL in text outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(value: str | None, what: str) -> str | None:
    """`value` stripped (None stays None); UsageError naming `what` when it holds a control
    character. The one check of every free text a user gives (CLI options and web forms)."""
    if value is None:
        return None
    found = _CONTROL.search(value)
    if found:
        raise UsageError(f"{what} contains the control character U+{ord(found.group()):04X}",
                         "such characters are not text", "Remove it and try again")
    return value.strip()


def bounded(value: int | None, what: str, low: int = 0, high: int = MAX_DAYS) -> int | None:
    """`value` when it lies in [low, high] (None stays None); UsageError naming `what`
    otherwise. The one check of every number a user gives (CLI options and web forms)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageError(f"{what} must be a whole number", f"got {value!r}")
    if value < low:
        why = "use 0 or more" if low == 0 else f"use {low} or more"
        raise UsageError(f"{what} is {'negative' if value < 0 else 'too small'} ({value})", why)
    if value > high:
        raise UsageError(f"{what} is too large ({value})", f"at most {high} is accepted")
    return value
