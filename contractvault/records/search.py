"""Clause search: composes the `index` leaf package with the vault's documents."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contractvault.config import VaultPaths
from contractvault.errors import ContractVaultError, UsageError
from contractvault.ids import contract_ref, parse_ref
from contractvault.records.vocabularies import bounded, normalize_doc_type
from contractvault.storage.clauses import REBUILD_HINT, ClauseIndex, archive_index
from index.errors import ClauseIndexError, IndexUnavailable, QueryError

# More hits than a person reads; Whoosh would allocate for any number asked.
MAX_LIMIT = 10_000

# No database imports at module level: `contractvault search` answers from the index alone
# (it knows secrecy and metadata) and must start fast.
if TYPE_CHECKING:
    from contractvault.models import Contract
    from contractvault.util import Progress
    from contractvault.vault import Vault


def clause_index(vault: Vault) -> ClauseIndex:
    """The vault's clause index (rebuilt from the database when missing or damaged)."""
    return vault.clause_index


def index_documents(vault: Vault, document_ids: list[str], progress: Progress | None = None) -> int:
    """Index (or re-index) documents by id; returns the number of clauses indexed."""
    from contractvault.storage.clause_source import index_documents_from_db

    pks = [parse_ref(d, "document")[1] for d in document_ids]
    docs = list(index_documents_from_db(vault.engine, pks))
    if not docs:
        return 0
    try:
        return clause_index(vault).add(docs, progress=progress)
    except ClauseIndexError as exc:
        raise ContractVaultError("the documents are stored and sealed, but indexing failed",
                                 str(exc), REBUILD_HINT.capitalize()) from exc


def refresh_contract(vault: Vault, c: Contract) -> None:
    """Carry changed contract metadata (supplier, board, secrecy) into its indexed clauses.

    The index re-keys the clauses it already holds; the documents are not read again.
    """
    assert c.id is not None
    contract_id = contract_ref(c.id)
    try:
        clause_index(vault).update_metadata(contract_id, supplier=c.supplier, board=c.board,
                                            secret=c.secret)
    except ClauseIndexError as exc:
        raise ContractVaultError("the contract is changed, but its search index is not",
                                 str(exc), REBUILD_HINT.capitalize()) from exc


def reindex(vault: Vault, progress: Progress | None = None) -> dict[str, Any]:
    """Rebuild the whole index from the database and blob store.

    Documents sealed while the rebuild read the database are indexed afterwards, into the
    new generation, as is everything still queued: a rebuild never drops what was sealed.
    """
    from contractvault.storage.index_queue import index_backlog, unindexed_documents

    idx = clause_index(vault)
    clauses = idx.rebuild(progress=progress)
    try:
        missing, _queued = unindexed_documents(vault.engine, idx)
        clauses += index_backlog(vault.engine, idx, missing)
    except ClauseIndexError as exc:
        raise ContractVaultError("the index was rebuilt, but documents sealed meanwhile could "
                                 "not be added", str(exc), "Run 'contractvault reindex' again") from exc
    return {"clauses": clauses, **idx.status()}


@dataclass
class SearchHit:
    """One clause (or passage) that matches, with the document it stands in."""

    contract_id: str
    document_id: str
    title: str
    doc_type: str
    supplier: str | None
    clause: str | None
    page: int | None
    score: float
    snippet: str
    text: str
    source_path: str | None
    also_in: list[dict[str, Any]] = field(default_factory=list)  # {document_id, clause, relation}
    superseded_by: str | None = None  # the document that directly replaces this one
    current_version: str | None = None  # the newest version of its chain

    def as_dict(self) -> dict[str, Any]:
        """The hit as in the CLI contract: ``also_in`` the ids of the other documents with
        the same passage (versions, copies); ``also_in_detail`` says which and why."""
        out = asdict(self)
        out["also_in"] = list(dict.fromkeys(
            a["document_id"] for a in self.also_in if a["document_id"] != self.document_id))
        out["also_in_detail"] = self.also_in
        return out


@dataclass
class SearchResult:
    """The answer to a clause search: the JSON of the command contract.

    ``total`` counts the clauses holding the query's words (an estimate for very common
    words). They divide, exactly, into the hits shown, ``folded`` (into those hits as
    versions or copies), ``merged`` (headings shown as or with their clause),
    ``below_limit`` (ranked below the last hit: a higher ``--limit`` lists them) and
    ``unranked`` (they hold one of the query's terms but score for none of its concepts,
    e.g. a compound's part: no ``--limit`` lists them). So a script raising ``--limit`` can
    reach ``len(hits) + folded + merged + below_limit`` clauses and no more, except when
    ``compared_all`` is false: then only the best candidates were compared, and a higher
    ``--limit`` (which compares more) may rank some counted as unranked.
    """

    query: str
    total: int
    hits: list[SearchHit] = field(default_factory=list)
    folded: int = 0  # passages folded into the hits as versions or near-duplicates
    language: str | None = None  # the language the query was read as
    merged: int = 0  # headings shown as (or with) their clause
    below_limit: int = 0  # ranked passages below the last hit shown
    unranked: int = 0  # matches that score for none of the query's concepts
    compared_all: bool = True  # False: only the best candidates were compared

    def as_dict(self) -> dict[str, Any]:
        return {"query": self.query, "total": self.total, "folded": self.folded,
                "merged": self.merged, "below_limit": self.below_limit,
                "unranked": self.unranked, "compared_all": self.compared_all,
                "language": self.language, "hits": [h.as_dict() for h in self.hits]}


def _search(idx: ClauseIndex, query: str, *, doc_type: str | None, supplier: str | None,
            board: str | None, include_secret: bool, limit: int, all_versions: bool) -> SearchResult:
    if not query.strip():
        raise UsageError("the query is empty", "", "Search for words, e.g. 'uppsägning'")
    for flag, value in (("--doc-type", doc_type), ("--supplier", supplier), ("--board", board)):
        # an empty filter would silently search everything
        if value is not None and not value.strip():
            raise UsageError(f"{flag} is empty", "it would filter nothing",
                             f"Leave {flag} out to search every contract, or give a value")
    bounded(limit, "--limit", 1, MAX_LIMIT)
    try:
        result = idx.search(
            query, doc_type=normalize_doc_type(doc_type) if doc_type else None, supplier=supplier,
            board=board, include_secret=include_secret, limit=limit, all_versions=all_versions)
    except QueryError as exc:
        raise UsageError("cannot understand the query", str(exc)) from exc
    return SearchResult(query=result.query, total=result.total, folded=result.folded,
                        merged=result.merged, below_limit=result.below_limit,
                        unranked=result.unranked, compared_all=result.compared_all,
                        language=result.language, hits=[
        SearchHit(contract_id=h.contract_id, document_id=h.document_id, title=h.title,
                  doc_type=h.doc_type, supplier=h.supplier, clause=h.clause, page=h.page,
                  score=round(float(h.score), 4), snippet=h.snippet, text=h.text,
                  source_path=h.source_path, also_in=[a.as_dict() for a in h.also_in],
                  superseded_by=h.superseded_by, current_version=h.current_version)
        for h in result.hits])


def search(vault: Vault, query: str, *, doc_type: str | None = None, supplier: str | None = None,
           board: str | None = None, include_secret: bool = False, limit: int = 10,
           all_versions: bool = False) -> SearchResult:
    """Clause search across all contracts of an open vault. Versions and near-duplicates
    fold into one hit (``also_in``) unless ``all_versions``."""
    from contractvault.storage.index_queue import index_backlog

    with contextlib.suppress(ClauseIndexError):
        # Documents a killed indexer left queued are found too (a failure here only
        # means they are found on a later search).
        index_backlog(vault.engine, clause_index(vault))
    try:
        return _search(clause_index(vault), query, doc_type=doc_type, supplier=supplier,
                       board=board, include_secret=include_secret, limit=limit,
                       all_versions=all_versions)
    except ClauseIndexError as exc:
        raise ContractVaultError("search failed", str(exc), REBUILD_HINT.capitalize()) from exc


def search_archive(root: Path, query: str, open_vault: Callable[[], AbstractContextManager[Vault]],
                   *, doc_type: str | None = None, supplier: str | None = None,
                   board: str | None = None, include_secret: bool = False, limit: int = 10,
                   all_versions: bool = False) -> SearchResult:
    """Clause search of the vault at ``root`` from its index alone, without opening the
    database (the index knows each clause's secrecy and metadata); when the index cannot
    answer by itself (missing, of an older schema, damaged, or no vault there) the vault is
    opened with ``open_vault`` and searched as by :func:`search`, rebuilding the index."""
    paths = VaultPaths(Path(root).expanduser())
    if paths.marker.is_file() and _nothing_queued(paths):
        idx = archive_index(paths.index)
        try:
            if idx.ready():
                return _search(idx, query, doc_type=doc_type, supplier=supplier, board=board,
                               include_secret=include_secret, limit=limit,
                               all_versions=all_versions)
        except IndexUnavailable:
            pass  # damaged: the vault's own index rebuilds it from the database
        finally:
            idx.close()
    with open_vault() as vault:
        return search(vault, query, doc_type=doc_type, supplier=supplier, board=board,
                      include_secret=include_secret, limit=limit, all_versions=all_versions)


def _nothing_queued(paths: VaultPaths) -> bool:
    """True when no sealed document waits for the index (so the index alone answers).

    Read with the standard library's sqlite3, read-only, so a search still starts without
    SQLAlchemy; a vault whose database is external (or unreadable here) is searched through
    the vault, which completes the queue first.
    """
    import json
    import sqlite3

    try:
        info = json.loads(paths.marker.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    if info.get("db") != "sqlite" or not paths.db_file.is_file():
        return False
    try:
        con = sqlite3.connect(f"file:{paths.db_file}?mode=ro", uri=True, timeout=5)
        try:
            row = con.execute("SELECT 1 FROM cv_index_queue LIMIT 1").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return row is None
