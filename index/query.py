"""Turning a user's query string into a Whoosh query.

Two modes:

* Plain words (the usual case, natural questions included): stop words and question words
  are dropped; every remaining word, identifier or synonym phrase becomes one "concept";
  concepts are OR-ed and ranked with BM25F, so clauses matching more concepts rank higher.
  A concept that is in the synonym list searches all its terms in both languages (the best
  one counts); a Swedish compound also searches its parts, at a lower weight; identifiers
  (clause numbers, diarienummer, dates, SFS numbers) search the text and the clause number.
* Whoosh syntax, used when the query has double quotes, AND/OR/NOT, a known ``field:``,
  a leading +/- or a trailing ``*``: phrases, boolean operators, wildcards and fields
  (text, heading, number/clause, title, supplier, board, doc_type/type, contract, document)
  work as in Whoosh (words without an operator must all match, as in Whoosh); unfielded
  words search text, headings, clause numbers and titles.

Phrases in clause text are looked up in an index of adjacent word pairs (``pairs_sv``,
``pairs_en``) instead of Whoosh's position matching, which is slow on large archives.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from whoosh import query as wq
from whoosh.qparser import MultifieldPlugin, QueryParser, syntax
from whoosh.qparser.plugins import PhrasePlugin, Plugin

from index.analysis import (
    ENGLISH_STOP_WORDS,
    QUESTION_WORDS,
    SWEDISH_STOP_WORDS,
    is_identifier,
    match_key,
    split_compound,
    tokenize,
)
from index.errors import QueryError
from index.synonyms import SynonymTable, synonym_table

BODY_FIELDS = ("body_sv", "body_en")
HEADING_FIELDS = ("heading_sv", "heading_en")
TEXT_FIELDS = (*BODY_FIELDS, *HEADING_FIELDS, "meta")

# Relative weight of where a word matches; BM25F length normalisation already favours
# short fields, so headings get only a moderate extra boost.
FIELD_BOOSTS = {
    "body_sv": 1.0,
    "body_en": 1.0,
    "heading_sv": 1.5,
    "heading_en": 1.5,
    "meta": 0.6,
    "number": 4.0,
    "pairs_sv": 1.0,
    "pairs_en": 1.0,
}
SYNONYM_WEIGHT = 0.85  # a synonym counts a little less than the word the user typed
COMMON_FRACTION = 0.25  # first-stage words in more of all clauses than this are skipped
POSTINGS_BUDGET = 8_000  # ... and the rarest words are used up to this many postings
LOOSE_WORD_WEIGHT = 0.4  # the single words of a matched synonym phrase
PART_WEIGHT = 0.8  # the parts of a compound count a little less than the whole word

# User-facing field names in Whoosh syntax, mapped to schema fields.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "text": BODY_FIELDS,
    "body": BODY_FIELDS,
    "heading": HEADING_FIELDS,
    "number": ("number",),
    "clause": ("number",),
    "title": ("title",),
    "supplier": ("supplier",),
    "board": ("board",),
    "doc_type": ("doc_type",),
    "type": ("doc_type",),
    "contract": ("contract_id",),
    "contract_id": ("contract_id",),
    "document": ("document_id",),
    "document_id": ("document_id",),
}
_PLACEHOLDER = {"text": "text", "body": "text", "heading": "heading"}  # stored fields in schema
_DEFAULT_SYNTAX_FIELDS = (*BODY_FIELDS, *HEADING_FIELDS, "number", "meta")

_STOP = SWEDISH_STOP_WORDS | ENGLISH_STOP_WORDS | QUESTION_WORDS
_FIELD_RE = re.compile(r"(?<![\w:])([A-Za-z_]+):")
_SYNTAX_HINT_RE = re.compile(
    r"\"|\b(AND|OR|NOT)\b|(?:^|\s)[+-]\w|\w\*|(?<![\w:])(" + "|".join(FIELD_ALIASES) + r"):"
)
_IDENT_IN_SYNTAX_RE = re.compile(r"§\s?\d+|\d+(?:[.:/]\d+)+|\b[\w]+(?:-\d+)+\b")

_HOW_TO = (
    'Write plain words or a question, or use Whoosh syntax: "exact phrase", AND, OR, NOT, '
    "(grouping), field:value (fields: " + ", ".join(FIELD_ALIASES) + ")."
)


class _Or(wq.Or):
    """An OR that always uses Whoosh's binary union matchers.

    Whoosh otherwise preloads small indexes into an array matcher whose quality bound is the
    maximum instead of the sum of its parts, so top-k skipping can drop documents that
    belong in the top k.
    """

    matcher_type = wq.Or.DEFAULT_MATCHER


PAIR_FIELDS = {"body_sv": "pairs_sv", "body_en": "pairs_en"}


def phrase_query(fieldname: str, words: Sequence[str], boost: float = 1.0) -> wq.Query | None:
    """Adjacent words in a field. In clause text this is a lookup of indexed word pairs
    (fast on large archives); in short fields (headings, titles) all words must occur.

    Whoosh scores several terms as the sum of their scores; the boost is divided so that a
    phrase counts as one concept, like a single word.
    """
    if not words:
        return None
    if len(words) == 1:
        return wq.Term(fieldname, words[0], boost=boost)
    if fieldname in PAIR_FIELDS:
        pairs = [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
        subs = [wq.Term(PAIR_FIELDS[fieldname], p) for p in pairs]
        if len(subs) == 1:
            return wq.Term(PAIR_FIELDS[fieldname], pairs[0], boost=boost)
        return wq.And(subs, boost=boost / len(subs))
    return wq.And([wq.Term(fieldname, w) for w in words], boost=boost / len(words))


def phrases_to_pairs(q: wq.Query) -> wq.Query:
    """Replace phrase queries by word-pair lookups in clause text and by all-words queries
    in short fields (see phrase_query): Whoosh's position matching is slow on large
    archives, most of all in fields repeated on every clause (headings, titles)."""
    if isinstance(q, wq.Phrase):
        return phrase_query(q.fieldname, list(q.words), q.boost) or wq.NullQuery
    return q.apply(phrases_to_pairs)


class _ArrayOr(wq.Or):
    """An OR that preloads scores into arrays: the fastest way in Whoosh to score every
    document matching a flat list of terms (used unoptimized, for the first stage)."""

    matcher_type = wq.Or.ARRAY_MATCHER


def uses_syntax(qstring: str) -> bool:
    """True when the query uses Whoosh query syntax rather than plain words."""
    return bool(_SYNTAX_HINT_RE.search(qstring))


class QueryBuilder:
    """Builds Whoosh queries for a schema whose text fields use the contract analyzers."""

    def __init__(self, schema: Any, synonyms: SynonymTable | None = None) -> None:
        self.schema = schema
        self.synonyms = synonyms or synonym_table()
        self._reader: Any = None
        self._analyzed: dict[tuple[str, str], list[str]] = {}

    def _exists(self, fieldname: str, terms: Sequence[str]) -> bool:
        """False when a term is not in the index at all (that branch cannot match)."""
        reader = self._reader
        if reader is None:
            return True
        return all(doc_frequency(reader, fieldname, t) > 0 for t in terms)

    # -- plain words ---------------------------------------------------------------------

    def _field_terms(self, fieldname: str, text: str) -> list[str]:
        """The first (whole-word) token at each position of ``text`` analyzed for a field."""
        key = (fieldname, text)
        cached = self._analyzed.get(key)
        if cached is not None:
            return cached
        analyzer = self.schema[fieldname].analyzer
        by_pos: dict[int, str] = {}
        for t in analyzer(text, positions=True, mode="query"):
            by_pos.setdefault(t.pos, t.text)
        terms = [by_pos[p] for p in sorted(by_pos)]
        if len(self._analyzed) < 100_000:
            self._analyzed[key] = terms
        return terms

    def _text_query(
        self, text: str, boost: float = 1.0, fields: Sequence[str] = TEXT_FIELDS
    ) -> wq.Query | None:
        """A word or phrase searched in text fields (a phrase where several words)."""
        subs: list[wq.Query] = []
        for fieldname in fields:
            terms = self._field_terms(fieldname, text)
            if not terms or not self._exists(fieldname, terms):
                continue
            if len(terms) > 1 and fieldname in PAIR_FIELDS:
                pairs = [f"{a} {b}" for a, b in zip(terms, terms[1:], strict=False)]
                if not self._exists(PAIR_FIELDS[fieldname], pairs):
                    continue
            fb = FIELD_BOOSTS[fieldname] * boost
            if len(terms) == 1:
                subs.append(wq.Term(fieldname, terms[0], boost=fb))
            else:
                phrase = phrase_query(fieldname, terms, fb)
                if phrase is not None:
                    subs.append(phrase)
        if not subs:
            return None
        return _Or(subs) if len(subs) > 1 else subs[0]

    def _concept_query(self, groups: Sequence[int], typed: tuple[str, ...]) -> wq.Query | None:
        """The best of all terms of the synonym groups (disjunction max)."""
        members: list[wq.Query] = []
        seen: set[tuple[str, ...]] = set()
        typed_keys = tuple(match_key(w) for w in typed)
        for g in groups:
            for term in self.synonyms.groups[g].terms:
                if term in seen:
                    continue
                seen.add(term)
                is_typed = tuple(match_key(w) for w in term) == typed_keys
                # synonyms are searched in clause text and headings; the typed words
                # also in titles (keeps the query small on large archives)
                q = self._text_query(
                    " ".join(term),
                    1.0 if is_typed else SYNONYM_WEIGHT,
                    TEXT_FIELDS if is_typed else (*BODY_FIELDS, *HEADING_FIELDS),
                )
                if q is not None:
                    members.append(q)
        if not members:
            return None
        return wq.DisjunctionMax(members, tiebreak=0.1)

    def _identifier_query(self, ident: str) -> wq.Query | None:
        subs: list[wq.Query] = [
            wq.Term(f, ident, boost=FIELD_BOOSTS[f])
            for f in (*BODY_FIELDS, *HEADING_FIELDS, "number")
            if self._exists(f, [ident])
        ]
        if not subs:
            return None
        return _Or(subs) if len(subs) > 1 else subs[0]

    def _word_query(self, word: str) -> wq.Query | None:
        whole = self._text_query(word)
        parts = split_compound(word)
        if not parts:
            return whole
        part_queries: list[wq.Query] = []
        for _surface, base in parts:
            if base in _STOP:
                continue
            groups = self.synonyms.lookup((match_key(base),))
            q = self._concept_query(groups, (base,)) if groups else self._text_query(base)
            if q is not None:
                part_queries.append(q)
        if not part_queries:
            return whole
        parts_q = _Or(part_queries, boost=PART_WEIGHT)
        if whole is None:
            return parts_q
        return wq.DisjunctionMax([whole, parts_q], tiebreak=0.0)

    def plain(self, qstring: str, reader: Any = None) -> wq.Query:
        """The query for plain words or a natural-language question.

        With ``reader``, branches for terms that are not in the index are left out (they
        could not match; leaving them out keeps the query small and fast).
        """
        self._reader = reader
        try:
            return self._plain(qstring)
        finally:
            self._reader = None

    def _plain(self, qstring: str) -> wq.Query:
        words = tokenize(qstring)
        table = self.synonyms
        concepts: list[wq.Query | None] = []
        searchable = 0
        i = 0
        while i < len(words):
            matched = False
            for n in range(min(table.max_len, len(words) - i), 0, -1):
                span = tuple(words[i : i + n])
                if n == 1 and (span[0] in _STOP or is_identifier(span[0])):
                    break
                groups = table.lookup(tuple(match_key(w) for w in span))
                if groups:
                    searchable += 1
                    q = self._concept_query(groups, span)
                    if n > 1:
                        # the words of a phrase also count on their own, at a lower weight
                        # ("automatic renewal" still finds "renews automatically")
                        loose = [
                            wq_
                            for w in span
                            if w not in _STOP and (wq_ := self._word_query(w)) is not None
                        ]
                        if loose:
                            words_q = _Or(loose, boost=LOOSE_WORD_WEIGHT)
                            q = _Or([q, words_q]) if q is not None else words_q
                    if q is not None:
                        concepts.append(q)
                    i += n
                    matched = True
                    break
            if matched:
                continue
            word = words[i]
            i += 1
            if is_identifier(word):
                searchable += 1
                concepts.append(self._identifier_query(word))
            elif word not in _STOP and len(word) > 1:
                searchable += 1
                concepts.append(self._word_query(word))
        if not searchable:
            raise QueryError(
                f"no searchable words in {qstring!r}: it has only very common words "
                "(stop words). Add a more specific word, e.g. 'uppsägning' or 'liability cap'."
            )
        found = [c for c in concepts if c is not None]
        if not found:
            return wq.NullQuery  # nothing the user asked for occurs in the index
        return _Or(found) if len(found) > 1 else found[0]

    # -- Whoosh syntax -------------------------------------------------------------------

    def syntax(self, qstring: str, reader: Any = None) -> wq.Query:
        """The query for a string in Whoosh query syntax (validated first)."""
        validate_syntax(qstring)
        parser = QueryParser(None, self.schema, group=syntax.AndGroup)
        parser.add_plugin(_AliasPlugin())
        parser.add_plugin(_Multifield(list(_DEFAULT_SYNTAX_FIELDS), fieldboosts=FIELD_BOOSTS))
        try:
            q = parser.parse(_protect_identifiers(qstring))
        except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
            raise QueryError(f"could not parse {qstring!r}: {exc}. {_HOW_TO}") from exc
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            raise QueryError(f"nothing to search for in {qstring!r}. {_HOW_TO}")
        return phrases_to_pairs(q)


def _protect_identifiers(qstring: str) -> str:
    """Quote identifiers outside phrases so the parser keeps "2001:453" or "§ 33" whole."""
    out: list[str] = []
    for n, chunk in enumerate(qstring.split('"')):
        if n % 2:
            out.append('"' + chunk + '"')
            continue
        out.append(_IDENT_IN_SYNTAX_RE.sub(lambda m: f'"{m.group(0)}"', chunk))
    return "".join(out)


def validate_syntax(qstring: str) -> None:
    """Raise :class:`QueryError` for malformed Whoosh syntax, saying how to write it."""
    if qstring.count('"') % 2:
        raise QueryError(
            f'unbalanced double quote in {qstring!r}: a phrase needs an opening and a closing ", '
            'e.g. "third country".'
        )
    outside = re.sub(r'"[^"]*"', " ", qstring)
    depth = 0
    for ch in outside:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            raise QueryError(
                f"unbalanced parenthesis in {qstring!r}: a ')' has no '(' before it; "
                "e.g. (uppsägning OR termination) AND notice."
            )
    if depth:
        raise QueryError(
            f"unbalanced parenthesis in {qstring!r}: a '(' is never closed; "
            "e.g. (uppsägning OR termination) AND notice."
        )
    tokens = re.findall(r"\(|\)|[^\s()]+", outside)
    binary = {"AND", "OR"}
    prev: str | None = None
    for tok in tokens:
        if tok in binary and (prev is None or prev in binary or prev in ("(", "NOT")):
            raise QueryError(
                f"{tok} in {qstring!r} has nothing on its left: write it between two terms, "
                "e.g. liability AND cap."
            )
        if tok == ")" and prev in (*binary, "NOT"):
            raise QueryError(f"{prev} in {qstring!r} has nothing on its right. {_HOW_TO}")
        prev = tok
    if prev in (*binary, "NOT"):
        raise QueryError(
            f"{prev} at the end of {qstring!r} has nothing on its right: "
            f"write a term after it, e.g. liability {prev} cap."
        )
    for m in _FIELD_RE.finditer(outside):
        name = m.group(1)
        after = outside[m.end() : m.end() + 1]
        if name.lower() not in FIELD_ALIASES:
            raise QueryError(
                f"unknown field {name!r} in {qstring!r}; searchable fields are "
                + ", ".join(FIELD_ALIASES)
                + " (write the word without a colon to search it as text)."
            )
        if not after or after.isspace() or after == ")":
            raise QueryError(
                f"field {name!r} in {qstring!r} has no value: write it as {name}:value, "
                f'e.g. {name}:"some words".'
            )


class _Multifield(MultifieldPlugin):
    """Unfielded words search all default fields; unfielded "phrases" search clause text
    (as word pairs) only: headings and titles repeat on many clauses, which makes phrase
    matching there slow and adds little."""

    def do_multifield(self, parser: Any, group: Any) -> Any:
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[i] = self.do_multifield(parser, node)
            elif node.has_fieldname and node.fieldname is None:
                phrase = isinstance(node, PhrasePlugin.PhraseNode)
                newnodes = []
                for fname in BODY_FIELDS if phrase else self.fieldnames:
                    newnode = copy.copy(node)
                    newnode.set_fieldname(fname)
                    newnode.set_boost(self.boosts.get(fname, 1.0))
                    newnodes.append(newnode)
                group[i] = self.group(newnodes)
        return group


class _AliasPlugin(Plugin):
    """Maps user-facing field names to schema fields; "text"/"heading" search both languages."""

    def filters(self, parser: Any) -> list[tuple[Any, int]]:
        return [(self._rename, 99), (self._expand, 105)]

    def _rename(self, parser: Any, group: Any) -> Any:
        for node in group:
            if isinstance(node, syntax.GroupNode):
                self._rename(parser, node)
            elif isinstance(node, syntax.FieldnameNode):
                name = node.fieldname.lower()
                if name in _PLACEHOLDER:
                    node.fieldname = _PLACEHOLDER[name]
                elif name in FIELD_ALIASES:
                    node.fieldname = FIELD_ALIASES[name][0]
        return group

    def _expand(self, parser: Any, group: Any) -> Any:
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[i] = self._expand(parser, node)
            elif node.has_fieldname and node.fieldname in ("text", "heading"):
                targets = BODY_FIELDS if node.fieldname == "text" else HEADING_FIELDS
                copies = []
                for fname in targets:
                    c = copy.copy(node)
                    c.set_fieldname(fname)
                    copies.append(c)
                group[i] = syntax.OrGroup(copies)
        return group


def doc_frequency(reader: Any, fieldname: str, text: str) -> int:
    """A term's document frequency, cached on the reader (it cannot change under it)."""
    cache = reader.__dict__.setdefault("_clause_index_df", {})
    key = (fieldname, text)
    df = cache.get(key)
    if df is None:
        df = cache[key] = reader.doc_frequency(fieldname, text)
    return df


def candidate_terms(q: wq.Query, reader: Any) -> list[tuple[str, str, float]]:
    """Single terms for the fast first stage of a search.

    Every term of ``q`` (for a phrase, its rarest word or word pair), rarest first, while
    their postings add up to at most POSTINGS_BUDGET (always at least one term); words in
    more than COMMON_FRACTION of all clauses are left out when rarer ones remain. Clauses
    that only contain very common words would rank low anyway.
    """
    seen: dict[tuple[str, str], float] = {}
    for leaf in q.leaves():
        if isinstance(leaf, wq.Term):
            options = [(leaf.fieldname, leaf.text)]
        elif isinstance(leaf, wq.Phrase):
            options = [(leaf.fieldname, w) for w in leaf.words]
        else:
            continue
        options = [o for o in options if doc_frequency(reader, *o)] or options
        field, text = min(options, key=lambda o: doc_frequency(reader, *o))
        boost = FIELD_BOOSTS.get(field, 1.0)
        seen[(field, text)] = max(seen.get((field, text), 0.0), boost)
    scored = sorted(
        ((doc_frequency(reader, f, t), f, t, b) for (f, t), b in seen.items()),
        key=lambda x: x[0],
    )
    common = COMMON_FRACTION * max(1, reader.doc_count_all())
    kept: list[tuple[str, str, float]] = []
    postings = 0
    for df, f, t, b in scored:
        if kept and (df > common or postings + df > POSTINGS_BUDGET):
            break
        kept.append((f, t, b))
        postings += df
    return kept


def flat_terms_query(terms: Sequence[tuple[str, str, float]]) -> wq.Query:
    """A flat OR of single terms (with boosts): fast to rank with top-k pruning."""
    if not terms:
        return wq.NullQuery
    subs = [wq.Term(f, t, boost=b) for f, t, b in terms]
    return _ArrayOr(subs) if len(subs) > 1 else subs[0]


def filter_query(
    *,
    doc_type: str | None,
    supplier: str | None,
    board: str | None,
    contract_id: str | None,
    include_secret: bool,
) -> tuple[wq.Query | None, wq.Query | None]:
    """The metadata restrictions as (clauses allowed, clauses masked out).

    Secret clauses are masked out (a small set) rather than the rest allowed (a large one).
    """
    parts: list[wq.Query] = []
    if doc_type:
        parts.append(wq.Term("doc_type", doc_type.strip().lower()))
    if contract_id:
        parts.append(wq.Term("contract_id", contract_id))
    for fieldname, value in (("supplier", supplier), ("board", board)):
        if value:
            words = [w.lower() for w in re.findall(r"\w+", value)]
            if not words:
                raise QueryError(f"the {fieldname} filter {value!r} has no letters or digits")
            parts.extend(wq.Term(fieldname, w) for w in words)
    allow = (wq.And(parts) if len(parts) > 1 else parts[0]) if parts else None
    mask = None if include_secret else wq.Term("secret", "1")
    return allow, mask
