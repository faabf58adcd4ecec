"""Plain dataclasses that go in and come out of the clause index."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class IndexDocument:
    """One document to index, with the metadata of the contract it belongs to.

    ``pages`` holds the extracted text of each page; page numbers are 1-based (index + 1).
    ``language`` is "sv", "en" or None (detect from the text). ``supersedes`` is the id of
    the document this one replaces (a recheck, a new version) and ``family`` the id of the
    first version of the chain (None: the document is its own first version); versions of
    one family collapse into one hit. ``paged`` False: ``pages`` are passages that are not
    the file's pages (a captured page's main content), so hits claim no page.
    """

    document_id: str
    contract_id: str
    title: str
    doc_type: str
    supplier: str | None
    board: str | None
    secret: bool
    source_path: str
    pages: list[str]
    language: str | None = None
    supersedes: str | None = None
    family: str | None = None
    paged: bool = True

    def as_dict(self) -> dict[str, Any]:
        """The document as plain JSON-able data."""
        return asdict(self)


@dataclass
class Clause:
    """A clause found by :func:`index.segment`.

    ``start``/``end`` is the character range in the joined document text
    (see :func:`index.join_pages`), so ``join_pages(pages)[start:end] == text``.
    """

    number: str | None
    heading: str | None
    page: int | None
    start: int
    end: int
    text: str


@dataclass
class AlsoIn:
    """A passage folded into a hit: the same text in another version or document.

    ``relation`` is "earlier version", "later version", "same text" (another document) or
    "repeated" (the same document carries the text twice).
    """

    document_id: str
    clause: str | None
    relation: str

    def as_dict(self) -> dict[str, Any]:
        """The entry as plain JSON-able data."""
        return asdict(self)


@dataclass
class Hit:
    """One clause that matched a search.

    ``also_in`` lists the passages folded into this hit (versions and near-duplicates),
    unless the search asked for all versions.
    """

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
    source_path: str
    also_in: list[AlsoIn] = field(default_factory=list)
    start: int | None = None  # character range of the passage in the joined document text
    end: int | None = None
    superseded_by: str | None = None  # the document that directly replaces this hit's
    current_version: str | None = None  # ... and the newest version of its chain

    def as_dict(self) -> dict[str, Any]:
        """The hit as in the CLI contract: ``also_in`` is the list of other document ids."""
        out = asdict(self)
        out["also_in"] = list(dict.fromkeys(
            a.document_id for a in self.also_in if a.document_id != self.document_id
        ))
        return out


@dataclass
class SearchResult:
    """The answer to one search: ``total`` matching clauses, the best ``hits`` first.

    ``language`` is the language the query was read as ("sv", "en" or "mixed").
    ``total`` counts the clauses holding the query's words (an estimate for very common
    words); they are accounted for as ``len(hits)`` shown + ``folded`` (into the hits as
    versions or near-duplicates) + ``merged`` (headings shown as or with their clause) +
    ``below_limit`` (they rank below the last hit: a higher limit lists them, as hits or
    folded into hits) + ``unranked`` (they hold one of the terms but score for none of the
    query's concepts). ``compared_all`` False: not every match was compared (only the best
    candidate pool is, see :mod:`index.ranking`); a higher limit widens the pool, so some
    counted as unranked may then rank.
    """

    query: str
    total: int
    hits: list[Hit]
    language: str | None = None
    folded: int = 0
    merged: int = 0
    below_limit: int = 0
    compared_all: bool = True

    @property
    def unranked(self) -> int:
        """The matching clauses not ranked at all (``total`` less everything ranked)."""
        return max(0, self.total - len(self.hits) - self.folded - self.merged - self.below_limit)

    def as_dict(self) -> dict[str, Any]:
        """The result as plain JSON-able data (hits as in :meth:`Hit.as_dict`)."""
        return {
            "query": self.query,
            "total": self.total,
            "hits": [h.as_dict() for h in self.hits],
            "language": self.language,
            "folded": self.folded,
            "merged": self.merged,
            "below_limit": self.below_limit,
            "unranked": self.unranked,
            "compared_all": self.compared_all,
        }
