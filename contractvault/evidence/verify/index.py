"""Pass 7: every sealed document with text can be found by search.

Documents waiting in the to-index queue (a killed or failed indexer) are indexed first;
a sealed document the index still lacks is a failure: it exists, but nobody finds it.
"""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from contractvault.evidence.verify.state import VerifierState
from contractvault.ids import document_ref
from contractvault.storage.index_queue import index_backlog, unindexed_documents
from index.errors import ClauseIndexError


class IndexChecks(VerifierState):
    """Pass 7: sealed documents against the clause index."""

    def check_index(self, doc_pks: set[int] | None) -> None:
        vault = self.vault
        try:
            index_backlog(vault.engine, vault.clause_index)
        except (ClauseIndexError, OSError, SQLAlchemyError) as exc:
            # A read-only copy, say: the check below still tells what is missing.
            self.warn("index", "index", f"documents waiting to be indexed could not be indexed "
                      f"now ({type(exc).__name__}: {exc})")
        try:
            missing, queued = unindexed_documents(vault.engine, vault.clause_index, doc_pks)
        except (ClauseIndexError, OSError) as exc:
            self.fail("index", "index", f"the search index cannot be read ({exc}): sealed "
                      "documents cannot be found. Run 'contractvault reindex'")
            return
        for pk in missing:
            self.fail(document_ref(pk), "index", "sealed, but missing from the search index, "
                      "so search never finds it. Run 'contractvault doctor --fix' (or reindex)")
        for pk in queued:
            self.warn(document_ref(pk), "index", "sealed moments ago and still being indexed")
