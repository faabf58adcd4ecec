"""Folding a ranking: versions and near-duplicates become one hit, headings give way.

* A heading alone (a passage of kind "heading", see :mod:`index.priors`) is never shown
  above the clause it heads: when that clause is in the ranking the heading is dropped,
  otherwise the clause takes the heading's place.
* Passages whose texts are near-duplicates (Jaccard similarity of their word 3-shingles)
  fold into the best-ranked one: across versions of one document (same ``family``) from
  0.5, across unrelated documents and within one document from 0.85. The hit shown for a
  set of versions is the newest one that ranks close to the best; the others are listed in
  ``also_in`` ("earlier version", "later version", "same text", "repeated").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from index.model import AlsoIn
from index.priors import HEADING
from index.ranking import Scored

VERSION_SIMILARITY = 0.5
DUPLICATE_SIMILARITY = 0.85
FOLD_SCAN = 0.5  # once the hits are chosen, passages scoring this much less are not compared
NEWEST_WITHIN = 0.9  # a newer version is shown instead when it scores this close

_WORD_RE = re.compile(r"\w+")


SHINGLE_WORDS = 120  # words compared per passage: near-duplicates agree from the start


def shingles(text: str, k: int = 3) -> frozenset[int]:
    """Hashes of the word k-shingles of a text's first SHINGLE_WORDS words (the words
    themselves when shorter)."""
    words = [w.lower() for w in _WORD_RE.findall(text, 0, 12 * SHINGLE_WORDS)][:SHINGLE_WORDS]
    if len(words) < k:
        return frozenset(hash(w) for w in words)
    if k == 3:  # the same hashes as below, without building slices (about twice as fast)
        return frozenset(map(hash, zip(words, words[1:], words[2:], strict=False)))
    return frozenset(hash(tuple(words[i : i + k])) for i in range(len(words) - k + 1))


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    """|a ∩ b| / |a ∪ b| (0 for two empty sets)."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


@dataclass
class Group:
    """A hit to show and the passages folded into it."""

    best: Scored
    also_in: list[AlsoIn] = field(default_factory=list)
    members: list[Scored] = field(default_factory=list)


def _label(fields: dict[str, Any]) -> str | None:
    return fields.get("number") or fields.get("heading") or None


def _newer(a: dict[str, Any], b: dict[str, Any]) -> bool | None:
    """True when document ``a`` is a later version than ``b``, False when earlier, None
    when their order is not known."""
    if a.get("document_id") == b.get("document_id"):
        return None
    if a.get("supersedes") == b.get("document_id") or b.get("document_id") == b.get("family"):
        return True
    if b.get("supersedes") == a.get("document_id") or a.get("document_id") == a.get("family"):
        return False
    return None


def _relation(c: dict[str, Any], rep: dict[str, Any], sim: float) -> str | None:
    """How passage ``c`` relates to the shown passage ``rep`` (None: it does not fold)."""
    same_doc = c.get("document_id") == rep.get("document_id")
    if same_doc:
        return "repeated" if sim >= DUPLICATE_SIMILARITY else None
    if c.get("family") and c.get("family") == rep.get("family"):
        if sim < VERSION_SIMILARITY:
            return None
        return "later version" if _newer(c, rep) else "earlier version"
    return "same text" if sim >= DUPLICATE_SIMILARITY else None


def _lift_headings(ranked: list[Scored], next_clause: Callable[[Scored], Scored | None]) -> list[Scored]:
    """Drop headings whose clause is ranked; put the clause in place of the others."""
    present = {(s.fields.get("document_id"), s.fields.get("n")) for s in ranked}
    out: list[Scored] = []
    seen: set[int] = set()
    for s in ranked:
        if s.fields.get("kind") == HEADING:
            key = (s.fields.get("document_id"), (s.fields.get("n") or 0) + 1)
            if key in present:
                continue
            clause = next_clause(s)
            if clause is not None and clause.docnum not in seen:
                present.add(key)
                s = Scored(clause.docnum, s.score, clause.fields)
        if s.docnum in seen:
            continue
        seen.add(s.docnum)
        out.append(s)
    return out


def fold(
    ranked: list[Scored],
    limit: int,
    *,
    all_versions: bool = False,
    next_clause: Callable[[Scored], Scored | None] = lambda s: None,
) -> tuple[list[Group], int]:
    """The best ``limit`` hits of a ranking, with versions and near-duplicates folded
    (unless ``all_versions``), and the number of passages folded into the hits shown.

    ``next_clause`` gives the clause after a passage in its document (for headings).
    """
    ranked = _lift_headings(ranked, next_clause)
    if all_versions:
        return [Group(s) for s in ranked[:limit]], 0
    groups: list[Group] = []
    sigs: list[frozenset[int]] = []
    folded = 0
    for s in ranked:
        if len(groups) >= limit and s.score < FOLD_SCAN * groups[-1].best.score:
            break  # duplicates score alike: nothing this low folds into a hit shown
        sig = shingles(s.fields.get("text", ""))
        home = None
        relation = None
        for gi, g in enumerate(groups):
            relation = _relation(s.fields, g.best.fields, jaccard(sig, sigs[gi]))
            if relation is not None:
                home = gi
                break
        if home is None:
            if len(groups) < limit:
                groups.append(Group(s))
                sigs.append(sig)
            continue
        g = groups[home]
        folded += 1
        g.members.append(s)
        if relation == "later version" and s.score >= NEWEST_WITHIN * g.best.score:
            # show the newer version; the one shown so far becomes an earlier version
            old = g.best
            g.also_in.insert(0, AlsoIn(old.fields.get("document_id", ""), _label(old.fields), "earlier version"))
            g.best = Scored(s.docnum, old.score, s.fields)
            sigs[home] = sig
        else:
            g.also_in.append(AlsoIn(s.fields.get("document_id", ""), _label(s.fields), relation or "same text"))
    return groups, folded
