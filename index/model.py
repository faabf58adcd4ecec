"""Plain dataclasses that go in and come out of the clause index."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class IndexDocument:
    """One document to index, with the metadata of the contract it belongs to.

    ``pages`` holds the extracted text of each page; page numbers are 1-based (index + 1).
    ``language`` is "sv", "en" or None (detect from the text).
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
class Hit:
    """One clause that matched a search."""

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


@dataclass
class SearchResult:
    """The answer to one search: ``total`` matching clauses, the best ``hits`` first."""

    query: str
    total: int
    hits: list[Hit]
