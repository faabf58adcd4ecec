"""Exceptions raised by the clause index."""

from __future__ import annotations


class ClauseIndexError(Exception):
    """Base class of every error the clause index raises."""


class QueryError(ClauseIndexError):
    """The query string is malformed; the message says what is wrong and how to write it."""


class IndexUnavailable(ClauseIndexError):  # noqa: N818 - name fixed by the interface
    """The index cannot be used: the write lock could not be obtained after retries, or the
    index is corrupt or of an older schema and no source was given to rebuild it from."""
