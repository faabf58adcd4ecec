"""Whoosh matchers and scoring the clause index needs and Whoosh gets wrong or lacks.

* :class:`DisMax` — disjunction max whose matcher scores only the sub-matchers that are
  positioned on the current document. Whoosh's ``DisjunctionMaxMatcher.score()`` takes the
  maximum over both sub-matchers without checking that they are on the current document,
  so a clause matching any member of a synonym group can get the score of the best
  member's *next* document: every clause matching the group then ties, and the order falls
  back to insertion order.
* :class:`LanguageBM25F` — BM25F whose per-language fields count only clauses of that
  language (average length and IDF).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from whoosh import query as wq
from whoosh.matching import mcore
from whoosh.scoring import BM25F, BM25FScorer


class DisMaxMatcher(mcore.Matcher):
    """Matches the union of its sub-matchers; scores the best sub-matcher on the current
    document plus ``tiebreak`` times the others on that document.

    N-ary rather than a binary tree so the tiebreak applies once, to all other members.
    No block-quality skipping: the clause index scores candidates one by one, and a correct
    bound for a max-plus-tiebreak is not worth the complexity.
    """

    def __init__(self, subs: Sequence[Any], tiebreak: float = 0.0, boost: float = 1.0) -> None:
        super().__init__()
        self.subs = [m for m in subs if m.is_active()]
        self._live = list(self.subs)  # the subs still active (they change only when moved)
        self.tiebreak = tiebreak
        self.boost = boost

    def __repr__(self) -> str:
        return f"DisMaxMatcher({self.subs!r}, tiebreak={self.tiebreak})"

    def children(self) -> list[Any]:
        return list(self.subs)

    def copy(self) -> DisMaxMatcher:
        return DisMaxMatcher([m.copy() for m in self.subs], self.tiebreak, self.boost)

    def depth(self) -> int:
        return 1 + max((m.depth() for m in self.subs), default=0)

    def is_active(self) -> bool:
        return bool(self._live)

    def reset(self) -> None:
        for m in self.subs:
            m.reset()
        self._live = [m for m in self.subs if m.is_active()]

    def replace(self, minquality: float = 0) -> Any:
        active = [m for m in self.subs if m.is_active()]
        if not active:
            return mcore.NullMatcher()
        if len(active) == 1 and self.boost == 1.0:
            return active[0]
        if len(active) != len(self.subs):
            return DisMaxMatcher(active, self.tiebreak, self.boost)
        return self

    def supports_block_quality(self) -> bool:
        return False

    def max_quality(self) -> float:
        qs = sorted((m.max_quality() for m in self.subs if m.is_active()), reverse=True)
        if not qs:
            return 0.0
        return self.boost * (qs[0] + self.tiebreak * sum(qs[1:]))

    def supports(self, astype: str) -> bool:
        return all(m.supports(astype) for m in self.subs)

    def id(self) -> int:
        return min([m.id() for m in self._live])

    def _current(self) -> list[Any]:
        """The sub-matchers positioned on the current document."""
        live = self._live
        if not live:
            return []
        ids = [m.id() for m in live]
        cur = min(ids)
        return [m for m, i in zip(live, ids, strict=True) if i == cur]

    def next(self) -> None:
        if not self._live:
            raise mcore.ReadTooFar
        for m in self._current():
            m.next()
        self._live = [m for m in self._live if m.is_active()]

    def skip_to(self, id: int) -> None:  # noqa: A002 - Whoosh's signature
        if not self._live:
            raise mcore.ReadTooFar
        moved = False
        for m in self._live:
            if m.id() < id:
                m.skip_to(id)
                moved = True
        if moved:
            self._live = [m for m in self._live if m.is_active()]

    def value(self) -> Any:
        return self._current()[0].value()

    def value_as(self, astype: str) -> Any:
        return self._current()[0].value_as(astype)

    def spans(self) -> list[Any]:
        return sorted({s for m in self._current() for s in m.spans()})

    def weight(self) -> float:
        return max((m.weight() for m in self._current()), default=0.0)

    def score(self) -> float:
        scores = sorted((m.score() for m in self._current()), reverse=True)
        if not scores:
            return 0.0
        return self.boost * (scores[0] + self.tiebreak * sum(scores[1:]))


class DisMax(wq.DisjunctionMax):
    """``DisjunctionMax`` with a correct matcher (see :class:`DisMaxMatcher`)."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        """As Whoosh's, but a boost over one sub-query is kept (Whoosh's compound matcher
        returns a lone sub-query's matcher as it is, dropping the boost)."""
        if len(self.subqueries) == 1 and self.boost != 1.0:
            return self._matcher(self.subqueries, searcher, context)
        return super().matcher(searcher, context)

    def _matcher(self, subs: Sequence[Any], searcher: Any, context: Any) -> Any:
        ms = [q.matcher(searcher, context) for q in subs]
        ms = [m for m in ms if m.is_active()]
        if not ms:
            return mcore.NullMatcher()
        if len(ms) == 1 and self.boost == 1.0:
            return ms[0]
        return DisMaxMatcher(ms, tiebreak=self.tiebreak, boost=self.boost)

    def normalize(self) -> Any:
        norm = super().normalize()
        if isinstance(norm, wq.DisjunctionMax) and not isinstance(norm, DisMax):
            return DisMax(norm.subqueries, boost=norm.boost, tiebreak=self.tiebreak)
        return norm


class LanguageBM25F(BM25F):
    """BM25F where a per-language field's statistics count only clauses in that language.

    Whoosh divides a field's total length (and computes IDF) over all documents; for
    ``body_en`` in an archive of mostly Swedish clauses that makes every English clause
    look several times longer than average and buries it. Here the average length and the
    IDF of a per-language field use the number of clauses in that language (the ``lang``
    field), so a word is as strong in an English clause as in a Swedish one.
    ``field_languages`` maps each per-language field to its language ("body_sv": "sv").
    One object per searcher: it caches statistics of that searcher's reader.
    """

    def __init__(
        self,
        field_languages: dict[str, str],
        B: float = 0.75,  # noqa: N803 - Whoosh's parameter names
        K1: float = 1.2,  # noqa: N803
        **field_b: float,
    ) -> None:
        super().__init__(B=B, K1=K1, **field_b)
        self.field_languages = dict(field_languages)
        self._stats: dict[tuple[str, Any], Any] = {}

    def _stat(self, key: tuple[str, Any], compute: Callable[[], Any]) -> Any:
        if key not in self._stats:
            if len(self._stats) > 100_000:
                self._stats.clear()
            self._stats[key] = compute()
        return self._stats[key]

    def language_idf(self, searcher: Any, fieldname: str, text: Any) -> float | None:
        """IDF of a term among the clauses of its field's language (None: not a language
        field, or no clause in that language)."""
        lang = self.field_languages.get(fieldname)
        if lang is None:
            return None
        parent = searcher.get_parent()
        n = self._stat(("n", lang), lambda: parent.doc_frequency("lang", lang))
        if n <= 0:
            return None
        df = self._stat(("df", (fieldname, text)), lambda: parent.doc_frequency(fieldname, text))
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def scorer(self, searcher: Any, fieldname: str, text: Any, qf: int = 1) -> Any:
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        lang = self.field_languages.get(fieldname)
        if lang is None or not isinstance(scorer, BM25FScorer):
            return scorer
        parent = searcher.get_parent()
        n = self._stat(("n", lang), lambda: parent.doc_frequency("lang", lang))
        if n > 0:
            length = self._stat(("len", fieldname), lambda: parent.field_length(fieldname))
            scorer.avgfl = (length / n) or 1
            idf = self.language_idf(searcher, fieldname, text)
            if idf is not None:
                scorer.idf = idf
        return scorer
