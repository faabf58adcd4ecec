"""Canonical vocabularies: document types, organisational scopes and system categories.

The canonical values are the Swedish words without diacritics (cli-contract.md); users may
type English aliases (`dpa`) or the Swedish spelling with å/ä/ö (`tillägg`), and every
entry point folds them to the canonical value here, so the rest of the code compares
plain strings.
"""

from __future__ import annotations

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

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", " ": "-", "_": "-"})


def fold(value: str) -> str:
    """Lower-case, strip, transliterate å/ä/ö and turn spaces/underscores into hyphens."""
    return value.strip().lower().translate(_FOLD)


def normalize_doc_type(value: str) -> str:
    """Return the canonical document type for `value` (canonical name or English alias).

    Raises UsageError naming the valid types when `value` is neither.
    """
    folded = fold(value)
    if folded in DOC_TYPES:
        return folded
    if folded in DOC_TYPE_ALIASES:
        return DOC_TYPE_ALIASES[folded]
    raise UsageError(
        f"unknown document type {value!r}",
        "valid types are " + ", ".join(DOC_TYPES),
        "English aliases are also accepted: " + ", ".join(DOC_TYPE_ALIASES),
    )


def normalize_scope(value: str) -> str:
    """Return the canonical organisational scope (`kommungemensam`, `forvaltningsspecifik`).

    Raises UsageError naming the valid scopes for anything else.
    """
    folded = fold(value)
    if folded in SCOPES:
        return folded
    raise UsageError(f"unknown scope {value!r}", "valid scopes are " + ", ".join(SCOPES))


def normalize_category(value: str) -> str:
    """Return the canonical system category (e.g. `verksamhetssystem`).

    Raises UsageError naming the valid categories for anything else.
    """
    folded = fold(value)
    if folded in CATEGORIES:
        return folded
    raise UsageError(
        f"unknown system category {value!r}", "valid categories are " + ", ".join(CATEGORIES)
    )
