"""Queries in Whoosh syntax: phrases, AND/OR/NOT, grouping, wildcards and fields.

Used when the query has double quotes, AND/OR/NOT, a known ``field:``, a leading +/- or a
trailing ``*``. Words without an operator must all match (as in Whoosh); unfielded words
search clause text, headings and clause numbers; unfielded "phrases" search clause text.
Fields: text, heading, number/clause, title, supplier, board, doc_type/type,
contract, document. ``title:`` matches a document's title, supplier or type words (its
metadata, indexed once per document) and selects all clauses of the documents matched.
Phrases in clause text are matched pair by pair (see :mod:`index.terms`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from whoosh import query as wq
from whoosh.qparser import MultifieldPlugin, PlusMinusPlugin, QueryParser, syntax
from whoosh.qparser.plugins import PhrasePlugin, Plugin

from index.errors import QueryError
from index.terms import BODY_FIELDS, HEADING_FIELDS, phrases_to_grams

FIELD_BOOSTS = {
    "body_sv": 1.0,
    "body_en": 1.0,
    "heading_sv": 1.5,
    "heading_en": 1.5,
    "number": 4.0,
}

# User-facing field names in Whoosh syntax, mapped to schema fields.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "text": BODY_FIELDS,
    "body": BODY_FIELDS,
    "heading": HEADING_FIELDS,
    "number": ("number",),
    "clause": ("number",),
    "title": ("meta",),
    "supplier": ("d_supplier",),
    "board": ("d_board",),
    "doc_type": ("d_type",),
    "type": ("d_type",),
    "contract": ("d_contract",),
    "contract_id": ("d_contract",),
    "document": ("document_id",),
    "document_id": ("document_id",),
    # the same in Swedish, as users write them
    "rubrik": HEADING_FIELDS,
    "nummer": ("number",),
    "klausul": ("number",),
    "punkt": ("number",),
    "titel": ("meta",),
    "leverantör": ("d_supplier",),
    "nämnd": ("d_board",),
    "typ": ("d_type",),
    "dokumenttyp": ("d_type",),
    "avtal": ("d_contract",),
    "dokument": ("document_id",),
}
_PLACEHOLDER = {"text": "text", "body": "text", "heading": "heading", "rubrik": "heading"}  # stored fields in schema
_DEFAULT_SYNTAX_FIELDS = (*BODY_FIELDS, *HEADING_FIELDS, "number")

_FIELD_RE = re.compile(r"(?<![\w:])([^\W\d]+):")
_SYNTAX_HINT_RE = re.compile(
    r"\"|\b(AND|OR|NOT)\b|(?:^|\s)[+-]\w|\w\*|(?<![\w:])(" + "|".join(FIELD_ALIASES) + r"):"
)
_IDENT_IN_SYNTAX_RE = re.compile(r"§\s?\d+|\d+(?:[.:/]\d+)+|\b[\w]+(?:-\d+)+\b")

_HOW_TO = (
    'Write plain words or a question, or use Whoosh syntax: "exact phrase", AND, OR, NOT, '
    "(grouping), field:value (fields: " + ", ".join(FIELD_ALIASES) + ")."
)


# Quotes that are not phrases asked of the clause text: after NOT or -, or a field's value
# (supplier:"Acme Cloud" asks for a supplier, not for the words in a clause).
_NEGATED_PHRASE_RE = re.compile(r'(?:\bNOT\s+|(?:^|(?<=[\s(]))-|\b\w+:)"[^"]*"')
# The start of an excluded group: NOT (...) or -(...); everything inside it is excluded.
_NEGATED_GROUP_RE = re.compile(r"(?:\bNOT\s*|(?:^|(?<=[\s(]))-)\(")
_QUOTED_RE = re.compile(r'"([^"]*)"')
_WORDS_RE = re.compile(r"\w+")


def surface(text: str) -> str:
    """Text as its words, lowercased, one space apart (punctuation and layout dropped): the
    form in which a quoted phrase is looked for in a clause's stored text."""
    return " ".join(_WORDS_RE.findall(text.lower()))


def _without_negated_groups(qstring: str) -> str:
    """The query with its excluded groups (``NOT (...)``, ``-(...)``) blanked out, so that
    a phrase inside one ("NOT ("data breach" OR incident)") is not read as wanted.
    Parentheses inside quotes do not count; an unclosed group runs to the end."""
    out: list[str] = []
    pos = 0
    while True:
        m = _NEGATED_GROUP_RE.search(qstring, pos)
        if m is None or _inside_quotes(qstring, m.start()):
            if m is None:
                out.append(qstring[pos:])
                return "".join(out)
            out.append(qstring[pos : m.end()])
            pos = m.end()
            continue
        out.append(qstring[pos : m.start()] + " ")
        depth, i, quoted = 1, m.end(), False
        while i < len(qstring) and depth:
            ch = qstring[i]
            if ch == '"':
                quoted = not quoted
            elif not quoted and ch == "(":
                depth += 1
            elif not quoted and ch == ")":
                depth -= 1
            i += 1
        pos = i


def _inside_quotes(qstring: str, at: int) -> bool:
    return qstring.count('"', 0, at) % 2 == 1


def quoted_phrases(qstring: str) -> list[str]:
    """The quoted phrases a query asks of the clause text (not those after NOT or -, nor a
    field's quoted value), in surface form
    (see :func:`surface`), phrases of one word left out."""
    wanted = _NEGATED_PHRASE_RE.sub(" ", _without_negated_groups(qstring))
    out = []
    for m in _QUOTED_RE.finditer(wanted):
        phrase = surface(m.group(1))
        if " " in phrase and phrase not in out:
            out.append(phrase)
    return out


def uses_syntax(qstring: str) -> bool:
    """True when the query uses Whoosh query syntax rather than plain words."""
    return bool(_SYNTAX_HINT_RE.search(qstring))


def parse_syntax(
    qstring: str, schema: Any, documents_matching: Callable[[wq.Query], list[str]] | None = None
) -> wq.Query:
    """The query for a string in Whoosh query syntax (validated first).

    ``documents_matching`` maps a query on document metadata (``title:``, ``supplier:``,
    ``contract:`` ...: fields of each document's first clause) to the ids of the documents
    it matches; such parts become those documents' clauses.
    """
    validate_syntax(qstring)
    parser = QueryParser(None, schema, group=syntax.AndGroup)
    parser.add_plugin(_AliasPlugin())
    # -word leaves out clauses with it; +word makes it required, the other words optional.
    # Only at a word's start: "sub-processor" and "KS-2023-00815" keep their hyphens.
    parser.add_plugin(PlusMinusPlugin(plusexpr=_WORD_START + r"\+", minusexpr=_WORD_START + "-"))
    parser.add_plugin(_Multifield(list(_DEFAULT_SYNTAX_FIELDS), fieldboosts=FIELD_BOOSTS))
    try:
        q = parser.parse(_protect_identifiers(qstring))
    except (ValueError, TypeError, AttributeError, IndexError, KeyError,
            NotImplementedError) as exc:  # the last: a +/- Whoosh cannot place, as in (a OR -b)
        raise QueryError(f"could not parse {qstring!r}: {exc}. {_HOW_TO}") from exc
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        raise QueryError(f"nothing to search for in {qstring!r}. {_HOW_TO}")
    q = phrases_to_grams(q)
    q = _prefixes_over_stems(q)
    if documents_matching is not None:
        q = _resolve_meta(q, documents_matching)
    return q


# Where a + or - is an operator: at the start of the query, after a space or a parenthesis.
_WORD_START = r"(?:(?<=\s)|(?<=\()|^)"
# What a document matched by its metadata adds to its clauses' scores: a filter's weight.
META_BOOST = 1e-9
# Fields indexed on each document's first clause only (see index.schema).
DOCUMENT_FIELDS = frozenset(["meta", "d_contract", "d_type", "d_supplier", "d_board"])


# How many letters a stem may be shorter than the prefix typed and still be a word it begins
# ("liabilit*": "liability" is indexed as its stem "liabil").
STEM_CUT = 3


def _prefixes_over_stems(q: wq.Query) -> wq.Query:
    """Prefix searches on stemmed clause text also find words whose stem is shorter than the
    prefix typed: "liabilit*" finds "liability" (indexed as "liabil"), "terminat*" finds
    "termination" ("termin"). Whoosh matches a prefix against the indexed stems only."""
    if isinstance(q, wq.Prefix) and q.fieldname in (*BODY_FIELDS, *HEADING_FIELDS):
        text = q.text
        stems = [wq.Term(q.fieldname, text[:k])
                 for k in range(max(4, len(text) - STEM_CUT), len(text))]
        if not stems:
            return q
        return wq.Or([wq.Prefix(q.fieldname, text), *stems], boost=q.boost)
    if q.is_leaf():
        return q
    return q.apply(_prefixes_over_stems)


def _on_meta(q: wq.Query) -> bool:
    leaves = [q] if q.is_leaf() else list(q.leaves())
    fields = {leaf.field() for leaf in leaves if hasattr(leaf, "field")}
    return bool(fields) and fields <= DOCUMENT_FIELDS


def _resolve_meta(q: wq.Query, documents_matching: Callable[[wq.Query], list[str]]) -> wq.Query:
    """Replace parts on document metadata by the clauses of the documents they match."""
    if (q.is_leaf() or isinstance(q, (wq.And, wq.Or))) and _on_meta(q):
        ids = documents_matching(q)
        if not ids:
            return wq.NullQuery
        # Next to nothing, not 0: Whoosh leaves a match scored 0 out of the results, and an
        # Or of three or more zero-boost terms then matched nothing at all.
        terms = [wq.Term("document_id", d, boost=META_BOOST) for d in ids]
        return wq.Or(terms) if len(terms) > 1 else terms[0]
    return q.apply(lambda sub: _resolve_meta(sub, documents_matching))


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
    # a phrase is a term: ("data breach" OR incident) has something left of its OR
    # (no space before it: text:"some words" keeps its value right after the colon)
    outside = re.sub(r'"[^"]*"', "_phrase_ ", qstring)
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
                    # Deep, so a group's words are not shared between the copies; override,
                    # since the node already names the placeholder field.
                    c = copy.deepcopy(node)
                    c.set_fieldname(fname, override=True)
                    copies.append(c)
                group[i] = syntax.OrGroup(copies)
        return group
