"""Folding a ranking: versions and near-duplicates become one hit, headings give way.

* A heading alone (a passage of kind "heading", see :mod:`index.priors`) is never shown
  above the clause it heads: when that clause is in the ranking the heading is dropped,
  otherwise the clause takes the heading's place.
* Passages whose texts are near-duplicates (Jaccard similarity of their word 3-shingles)
  fold into the best-ranked one: across versions of one document (same ``family``) from
  0.5, across unrelated documents and within one document from 0.85. The hit shown for a
  set of versions is the newest one that ranks (with the best score of them); the others are listed in
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


def later_versions(document_id: str | None, successors: dict[str, str]) -> list[str]:
    """The documents superseding ``document_id``, its direct successor first and the
    newest last, along ``successors`` (old id -> the id superseding it; a cycle ends it)."""
    out: list[str] = []
    cur = successors.get(document_id) if document_id is not None else None
    while cur is not None and cur != document_id and cur not in out:
        out.append(cur)
        cur = successors.get(cur)
    return out


def _follows(later: str | None, earlier: str | None, successors: dict[str, str]) -> bool:
    """True when ``later`` is reached from ``earlier`` along the supersede chain."""
    return later is not None and later in later_versions(earlier, successors)


def _newer(a: dict[str, Any], b: dict[str, Any], successors: dict[str, str] | None = None) -> bool | None:
    """True when document ``a`` is a later version than ``b``, False when earlier, None
    when their order is not known. ``successors`` (old id -> the id superseding it) orders
    any two versions of a chain; without it only direct successors and first versions are
    known."""
    if a.get("document_id") == b.get("document_id"):
        return None
    if successors:
        if _follows(a.get("document_id"), b.get("document_id"), successors):
            return True
        if _follows(b.get("document_id"), a.get("document_id"), successors):
            return False
    if a.get("supersedes") == b.get("document_id") or b.get("document_id") == b.get("family"):
        return True
    if b.get("supersedes") == a.get("document_id") or a.get("document_id") == a.get("family"):
        return False
    return None


def _relation(c: dict[str, Any], rep: dict[str, Any], sim: float,
              successors: dict[str, str] | None = None) -> str | None:
    """How passage ``c`` relates to the shown passage ``rep`` (None: it does not fold)."""
    same_doc = c.get("document_id") == rep.get("document_id")
    if same_doc:
        return "repeated" if sim >= DUPLICATE_SIMILARITY else None
    if c.get("family") and c.get("family") == rep.get("family"):
        if sim < VERSION_SIMILARITY:
            return None
        return "later version" if _newer(c, rep, successors) else "earlier version"
    return "same text" if sim >= DUPLICATE_SIMILARITY else None


def _lift_headings(
    ranked: list[Scored], next_clause: Callable[[Scored], Scored | None]
) -> tuple[list[Scored], int]:
    """Drop headings whose clause is ranked; put the clause in place of the others. Also
    the number of passages merged away (a heading whose clause is ranked, a clause
    reached twice)."""
    present = {(s.fields.get("document_id"), s.fields.get("n")) for s in ranked}
    out: list[Scored] = []
    seen: set[int] = set()
    merged = 0
    for s in ranked:
        if s.fields.get("kind") == HEADING:
            key = (s.fields.get("document_id"), (s.fields.get("n") or 0) + 1)
            if key in present:
                merged += 1
                continue
            clause = next_clause(s)
            if clause is not None and clause.docnum not in seen:
                present.add(key)
                s = Scored(clause.docnum, s.score, clause.fields)
        if s.docnum in seen:
            merged += 1
            continue
        seen.add(s.docnum)
        out.append(s)
    return out, merged


@dataclass
class Folding:
    """The hits of a folded ranking and where every other ranked passage went.

    ``folded``: passages folded into the hits shown (versions, copies); ``merged``:
    headings shown as (or with) their clause; ``below``: ranked passages that fit in no hit
    shown and rank below the last, which a higher limit lists (as hits of their own or
    folded into them).
    """

    groups: list[Group]
    folded: int = 0
    merged: int = 0
    below: int = 0


def fold_ranking(
    ranked: list[Scored],
    limit: int,
    *,
    all_versions: bool = False,
    next_clause: Callable[[Scored], Scored | None] = lambda s: None,
    successors: dict[str, str] | None = None,
) -> Folding:
    """The best ``limit`` hits of a ranking, with versions and near-duplicates folded
    (unless ``all_versions``), and what became of the other passages ranked.

    ``next_clause`` gives the clause after a passage in its document (for headings);
    ``successors`` maps a document id to the id of the document superseding it (orders the
    versions of a chain). Of the versions of one passage the newest that ranks is shown,
    carrying the best score of them.
    """
    ranked, merged = _lift_headings(ranked, next_clause)
    if all_versions:
        return Folding([Group(s) for s in ranked[:limit]], 0, merged, max(0, len(ranked) - limit))
    groups: list[Group] = []
    sigs: list[frozenset[int]] = []
    folded = 0
    below = 0
    for i, s in enumerate(ranked):
        if len(groups) >= limit and s.score < FOLD_SCAN * groups[-1].best.score:
            # duplicates score alike: nothing this low folds into a hit shown
            below += len(ranked) - i
            break
        sig = shingles(s.fields.get("text", ""))
        home = None
        relation = None
        for gi, g in enumerate(groups):
            relation = _relation(s.fields, g.best.fields, jaccard(sig, sigs[gi]), successors)
            if relation is not None:
                home = gi
                break
        if home is None:
            if len(groups) < limit:
                groups.append(Group(s))
                sigs.append(sig)
            else:
                below += 1
            continue
        g = groups[home]
        folded += 1
        g.members.append(s)
        if relation == "later version":
            # show the newer version (an officer reads the current text); the one shown so
            # far becomes an earlier version, and the hit keeps the best score
            old = g.best
            g.also_in.insert(0, AlsoIn(old.fields.get("document_id", ""), _label(old.fields), "earlier version"))
            g.best = Scored(s.docnum, old.score, s.fields)
            sigs[home] = sig
        else:
            g.also_in.append(AlsoIn(s.fields.get("document_id", ""), _label(s.fields), relation or "same text"))
    return Folding(groups, folded, merged, below)
