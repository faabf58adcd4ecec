"""The vault's clause index: the `index` leaf package over the vault's folder, fed from the
database (storage/clause_source.py) when it must rebuild itself (missing, old or damaged).

This module stays light (no database imports): a search answers from the index alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from index import ClauseIndex

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

__all__ = ["DOC_TYPE_WORDS", "REBUILD_HINT", "ClauseIndex", "archive_index", "open_clause_index"]

REBUILD_HINT = "run 'contractvault reindex'"

# Words a user may call each document type by (the canonical types of
# records/vocabularies.DOC_TYPES), searched with titles and suppliers: the index knows no
# document types of its own.
DOC_TYPE_WORDS: dict[str, str] = {
    "huvudavtal": "huvudavtal enterprise agreement main agreement",
    "pub-avtal": "pub-avtal personuppgiftsbiträdesavtal dpa data processing agreement",
    "scc": "scc standard contractual clauses model contract clauses",
    "tillagg": "tillägg amendment addendum",
    "sla": "sla service level agreement servicenivåer",
    "bilaga": "bilaga annex appendix",
    "fullmakt": "fullmakt power of attorney",
    "villkor": "villkor terms online terms",
    "ovrigt": "",
}


def open_clause_index(folder: Path, engine: Engine) -> ClauseIndex:
    """The clause index in `folder`; it rebuilds itself from `engine`'s documents when needed."""
    from contractvault.storage.clause_source import database_source

    return ClauseIndex(folder, source=database_source(engine), doc_type_words=DOC_TYPE_WORDS,
                       rebuild_hint=REBUILD_HINT)


def archive_index(folder: Path) -> ClauseIndex:
    """The clause index in `folder` without its database: it answers searches but cannot
    rebuild itself (check ``ready()`` first)."""
    return ClauseIndex(folder, doc_type_words=DOC_TYPE_WORDS, rebuild_hint=REBUILD_HINT)
