"""Index terms of query text, their statistics, and phrase queries that stay fast.

A phrase in clause text (``body_sv``/``body_en``) is matched pair by pair: a pair of two
common words is looked up as one term of ``grams_<lang>`` (indexed whole, see
:mod:`index.schema`), any other pair by positions (cheap, because one of its words is
rare). The words themselves score the phrase, as one concept. In short fields (headings)
a phrase needs all its words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from whoosh import query as wq

from index.fields import common_words
from index.schema import FIELD_LANGUAGES

BODY_FIELDS = ("body_sv", "body_en")
HEADING_FIELDS = ("heading_sv", "heading_en")


def doc_frequency(reader: Any, fieldname: str, text: str) -> int:
    """A term's document frequency, cached on the reader (it cannot change under it)."""
    cache = reader.__dict__.setdefault("_clause_index_df", {})
    key = (fieldname, text)
    df = cache.get(key)
    if df is None:
        df = cache[key] = reader.doc_frequency(fieldname, text)
    return df


class Analysed:
    """The index terms of query text for each field of a schema (cached per instance)."""

    def __init__(self, schema: Any) -> None:
        self.schema = schema
        self._cache: dict[tuple[str, str], list[str]] = {}

    def terms(self, fieldname: str, text: str) -> list[str]:
        """The first (whole-word) token at each position of ``text`` analysed for a field."""
        key = (fieldname, text)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        analyzer = self.schema[fieldname].analyzer
        by_pos: dict[int, str] = {}
        for t in analyzer(text, positions=True, mode="query"):
            by_pos.setdefault(t.pos, t.text)
        terms = [by_pos[p] for p in sorted(by_pos)]
        if len(self._cache) < 100_000:
            self._cache[key] = terms
        return terms


def _constraint(q: wq.Query) -> wq.Query:
    """A query that must match but adds nothing to the score."""
    q.boost = 0.0
    return q


def phrase_query(
    fieldname: str,
    words: Sequence[str],
    boost: float = 1.0,
    gain: float = 0.0,
    positions: bool = True,
) -> wq.Query | None:
    """Adjacent index terms in a field, scored by its words as one concept: each word gets
    ``boost * n ** gain / n`` of the weight (``gain`` 0: the phrase weighs like one of its
    words; 1: like all of them, as a term rarer than any of its words deserves).

    ``positions`` False checks only the pairs of common words (term lookups), not the
    pairs that need positions: plain-word searches reward adjacency when ranking (the
    typed form and word pairs found in the text), which is much cheaper than matching
    positions for every candidate."""
    if not words:
        return None
    if len(words) == 1:
        return wq.Term(fieldname, words[0], boost=boost)
    share = boost * len(words) ** gain / len(words)
    scoring: list[wq.Query] = [wq.Term(fieldname, w, boost=share) for w in dict.fromkeys(words)]
    lang = FIELD_LANGUAGES.get(fieldname)
    if fieldname not in BODY_FIELDS or lang is None:
        return wq.And(scoring)
    common = common_words(lang)
    pairs: list[wq.Query] = []
    for a, b in zip(words, words[1:], strict=False):
        if a in common and b in common:
            pairs.append(_constraint(wq.Term(f"grams_{lang}", f"{a} {b}")))
        elif positions:
            pairs.append(_constraint(wq.Phrase(fieldname, [a, b])))
    return wq.And(scoring + pairs)


def phrases_to_grams(q: wq.Query) -> wq.Query:
    """Replace Whoosh phrase queries by :func:`phrase_query` (common-word pairs become term
    lookups); phrases in fields without positions need all their words."""
    if isinstance(q, wq.Phrase):
        return phrase_query(q.fieldname, _first_forms(q), q.boost) or wq.NullQuery
    return q.apply(phrases_to_grams)


def _first_forms(q: wq.Phrase) -> list[str]:
    """A parsed phrase's words, one per word typed: the analyzer adds the parts of
    hyphenated words and Swedish compounds at the word's own position and character range,
    and Whoosh's parser lists them as if they followed each other (so a phrase with
    "third-party" or "personuppgiftsincident" in it could never match)."""
    ranges = q.char_ranges
    if not ranges or len(ranges) != len(q.words) or any(r[0] is None for r in ranges):
        return list(q.words)
    seen: set[tuple[int, int]] = set()
    out = []
    for word, span in zip(q.words, ranges, strict=True):
        if span not in seen:
            seen.add(span)
            out.append(word)
    return out


def exists(reader: Any, fieldname: str, terms: Sequence[str]) -> bool:
    """False when a term is not in the index at all (a branch that cannot match)."""
    if reader is None:
        return True
    return all(doc_frequency(reader, fieldname, t) > 0 for t in terms)


def pairs_exist(reader: Any, fieldname: str, terms: Sequence[str]) -> bool:
    """False when a phrase certainly cannot match: a common-word pair of it is never
    indexed (pairs of rarer words are only checked when searching)."""
    lang = FIELD_LANGUAGES.get(fieldname)
    if reader is None or fieldname not in BODY_FIELDS or lang is None or len(terms) < 2:
        return True
    common = common_words(lang)
    for a, b in zip(terms, terms[1:], strict=False):
        if a in common and b in common and not doc_frequency(reader, f"grams_{lang}", f"{a} {b}"):
            return False
    return True
