"""Clause search for contracts: segmentation, Swedish/English analysis and a Whoosh index.

This is a leaf package: it never imports ``contractvault``. Plain dataclasses go in
(:class:`IndexDocument`) and come out (:class:`SearchResult`, :class:`Hit`, :class:`Clause`).
"""

from index.analysis import detect_language
from index.errors import ClauseIndexError, IndexUnavailable, QueryError
from index.model import AlsoIn, Clause, Hit, IndexDocument, SearchResult
from index.query import Weights
from index.segment import join_pages, segment, tidy_text
from index.store import ClauseIndex

__all__ = [
    "AlsoIn",
    "Clause",
    "ClauseIndex",
    "ClauseIndexError",
    "Hit",
    "IndexDocument",
    "IndexUnavailable",
    "QueryError",
    "SearchResult",
    "Weights",
    "detect_language",
    "join_pages",
    "segment",
    "tidy_text",
]
