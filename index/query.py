"""Plain-word queries: the query's language, its concepts, and their weighted sub-queries.

Stop words and question words are dropped; every remaining word, identifier or
vocabulary phrase becomes one *concept*. A concept is a disjunction max (the best sub-query
counts, see :class:`index.matching.DisMax`) of weighted sub-queries, strongest first:

1. the words as typed, in the query's language (stemmed: "uppsägningen" finds
   "uppsägning"; a clause with the very form typed gets a small extra when ranking);
2. derivations in that language (noun ↔ verb: "uppsägning" ↔ "säga upp") and the parts of a
   Swedish compound ("uppsägningstid" → "uppsägning" + "tid");
3. synonyms in that language (domain groups, see ``synonyms.toml``);
4. the words typed, found in text of the other language (names, acronyms: "GDPR");
5. synonyms and glossary translations in the other language (lowest).

The query's language comes from its words (function words, å/ä/ö, the vocabulary and how
often each word occurs in Swedish and in English clauses of the index); when the words do
not tell, the query is "mixed" and both languages count as its own.
Identifiers (clause numbers, diarienummer, dates, SFS numbers) search clause text,
headings and clause numbers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq

from index.analysis import (
    ENGLISH_STOP_WORDS,
    QUESTION_WORDS,
    SWEDISH_STOP_WORDS,
    is_identifier,
    split_compound,
    stemmer,
    tokenize,
)
from index.errors import QueryError
from index.matching import DisMax
from index.schema import LANGUAGES
from index.terms import Analysed, doc_frequency, exists, pairs_exist, phrase_query
from index.vocabulary import DERIVATION, SYNONYM, TRANSLATION, Vocabulary, vocabulary

_STOP = SWEDISH_STOP_WORDS | ENGLISH_STOP_WORDS | QUESTION_WORDS
_BARE_NUMBER_RE = re.compile(r"\d{1,4}")
_CLAUSE_NUMBER_RE = re.compile(r"§?\d{1,3}(?:\.\d{1,3})*")
# Words after which a bare number names a clause ("clause 17", "punkt 4", "artikel 28").
_CLAUSE_WORDS = frozenset(
    ["clause", "clauses", "section", "sections", "article", "articles", "paragraph", "annex",
     "appendix", "schedule", "exhibit", "klausul", "klausulen", "punkt", "punkten", "avsnitt",
     "artikel", "artikeln", "paragraf", "bilaga", "bilagan", "kapitel", "kap"]
)
# Clause words that mean the same kind of label, in either language: a clause the document
# itself labels "Clause 11" answers "clause 11" / "klausul 11" before a bare "11." elsewhere.
# Each kind lists its words with their forms ("klausul", "klausulen").
_KEYWORD_KINDS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("clause", "clauses"), ("klausul", "klausulen")),
    (("article", "articles"), ("artikel", "artikeln")),
    (("section", "sections"), ("avsnitt", "avsnittet"), ("paragraph", "paragraphs"),
     ("paragraf", "paragrafen"), ("§",)),
    (("annex", "annexes"), ("appendix",), ("schedule", "schedules"), ("exhibit", "exhibits"),
     ("attachment", "attachments"), ("bilaga", "bilagan")),
    (("chapter", "chapters"), ("kapitel", "kapitlet"), ("kap",)),
)
# Words joining a list of clause numbers ("clause 17 and 18", "punkt 4 och 5").
_LIST_WORDS = frozenset(["and", "or", "och", "eller", "samt", "to", "till"])
# Clause words that label appendices, after which a letter or a roman numeral is a label
# ("Annex II", "bilaga B").
_ANNEX_WORDS = frozenset(
    ["annex", "appendix", "schedule", "exhibit", "attachment", "bilaga", "bilagan"]
)
_ROMAN_RE = re.compile(r"(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3})")
_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"]
# Keywords of clauses that Swedish texts number "§ 12" ("paragraf 12", "section 12", "12 §").
_PARAGRAPH_WORDS = frozenset(["paragraf", "paragrafen", "section", "sections", "§"])
# "12 §" (Swedish statute style) is the label "§ 12".
_TRAILING_SECTION_RE = re.compile(r"(?<![\w.§])(\d{1,4})\s?§(?!\s?\d)")
# A sub-number in parentheses ("Article 28(3)", "28 (3)"): read as the dotted number 28.3.
_SUB_NUMBER_RE = re.compile(r"(?<![\w.])(\d{1,4}(?:\.\d{1,3})*)\s*\((\d{1,3})\)")
# Words asking for a term's definition ("definition of Subprocessor", "vad avses med
# underbiträde", "what does Customer Data mean"): the clause that defines the term's other
# words answers them in full (see :mod:`index.ranking`).
DEFINITION_WORDS = frozenset(
    ["definition", "definitions", "define", "defined", "defines", "meaning", "mean", "means",
     "meant", "definitionen", "definitioner", "definitionerna", "definierad", "definierat",
     "definieras", "avses", "menas", "betyder", "innebörd", "innebörden"]
)
# Function words that say which language a question is in.
_SV_FUNCTION = (SWEDISH_STOP_WORDS - ENGLISH_STOP_WORDS) | frozenset(
    ["står", "finns", "vilka", "vilken", "vilket", "våra", "vår", "vårt", "hur", "när", "var", "vad", "gäller", "säger"]
)
_EN_FUNCTION = (ENGLISH_STOP_WORDS - SWEDISH_STOP_WORDS) | frozenset(
    ["which", "what", "where", "when", "who", "how", "does", "our", "ours", "we", "us", "find", "show", "says"]
)


@dataclass(frozen=True)
class Weights:
    """Weights of sub-queries and ranking signals (tuned on the tuning half of the
    development set only; see bench/bench_search_quality.py)."""

    word: float = 1.0  # the words typed, in the query's language
    part: float = 0.45  # parts of a Swedish compound
    derivation: float = 0.7  # noun <-> verb in the query's language
    synonym: float = 0.6  # domain synonyms in the query's language
    other_word: float = 0.6  # the words typed, in text of the other language
    cross: float = 0.45  # synonyms and translations in the other language
    cross_cap: float = 0.9  # other-language matches score at most this share of the best
    #                         match in the query's own language (when there is one)
    cognate: float = 0.0  # words of the other language spelled almost alike (modell ~ model)
    loose: float = 0.2  # the single words of a vocabulary phrase
    phrase_gain: float = 0.0  # a phrase of n words weighs n ** phrase_gain words
    heading: float = 0.5  # field weight of headings against clause text (they are in it too)
    number: float = 4.0  # field weight of clause numbers (identifier queries)
    child: float = 0.5  # share of that weight for sub-clauses of the clause a label names
    parent: float = 1.0  # ... for the clause holding a sub-number no clause is numbered with
    label_miss: float = 0.05  # clauses without a clause label the query names (when
    #                           some have it): so expansions of its other words cannot
    #                           outrank the clause the query points at
    tiebreak: float = 0.2  # DisMax: what the other matching sub-queries add
    exact: float = 0.15  # extra per concept found in the very form typed
    coord: float = 2.0  # exponent of the share of concepts a clause matches
    coverage: float = 0.25  # a concept counts as matched in full from this share of its best
    meta: float = 0.4  # a concept in a title counts this much in all clauses (of the best)
    meta_doc: float = 0.0  # extra for clauses of documents whose title etc. the query names
    meta_name: float = 1.0  # ... when every concept of the query names the document (the
    #                         query is its name or type: "biträdesavtal", "SCC")
    bigram: float = 0.5  # extra for two typed words found next to each other
    definition: float = 3.0  # extra for the clause defining the term a query asks about
    same_document: float = 0.8  # each further clause of one document counts this much of
    #                             the one above it (results spread over documents)
    keyword_label: float = 1.0  # extra for a clause labelled with the query's clause word
    #                             (half of it for another word of its kind, or for a clause
    #                             citing the label: "In Clause 11, …")
    bm25_b: float = 0.3  # BM25 length normalisation
    bm25_k1: float = 1.2  # BM25 term-frequency saturation
    pool: int = 300  # candidates scored with the full query
    priors: tuple[tuple[str, float], ...] = (
        ("clause", 1.0),
        ("toc", 0.15),
        ("footer", 0.1),
        ("heading", 0.3),
        ("short", 0.5),
    )


@dataclass
class Concept:
    """One thing the user asked for: the words typed, and the queries scoring it in the
    query's own language(s) (``mine``) and in the other language (``theirs``)."""

    typed: tuple[str, ...]
    mine: wq.Query | None
    theirs: wq.Query | None
    identifier: bool = False
    label: bool = False  # an identifier naming a clause ("Article 28", "8.2", "Annex II")
    # for a label with a clause word ("Clause 11", "bilaga 2"): finds the label with a word
    # of the same kind ("Clause 11", "Klausul 11", "Bilaga 2, 1.3") in a clause number (by
    # ``match``) or cited in clause text (by ``search``)
    keyword_label: re.Pattern[str] | None = None
    # other names of the same thing in the query's language(s) (vocabulary synonyms:
    # "biträdesavtal" ~ "pub-avtal"): a document whose title or type has one is named too
    aliases: tuple[tuple[str, ...], ...] = ()

    @property
    def definition(self) -> bool:
        """Whether it is a word asking for a definition ("definition", "avses")."""
        return len(self.typed) == 1 and self.typed[0] in DEFINITION_WORDS

    @property
    def query(self) -> wq.Query:
        """Everything that matches the concept (one disjunction max)."""
        parts = [q for q in (self.mine, self.theirs) if q is not None]
        return parts[0] if len(parts) == 1 else DisMax(parts, tiebreak=0.0)


@dataclass
class Plan:
    """A plain-word query made ready to rank: its language, concepts and typed words."""

    text: str
    language: str
    concepts: list[Concept] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # the searchable words typed
    asks_definition: bool = False  # it asks what a term means ("vad avses med …")

    def query(self) -> wq.Query:
        """All concepts OR-ed (what a clause must match one of)."""
        qs = [c.query for c in self.concepts]
        if not qs:
            return wq.NullQuery
        return wq.Or(qs) if len(qs) > 1 else qs[0]


_SUBJECT_PRONOUNS = frozenset(["vi", "ni", "jag", "du", "han", "hon", "man"])
_PARTICLES = frozenset(["upp", "ut", "in", "av", "till", "på", "om", "över", "bort", "fram"])
COGNATES = 3  # other-language words kept per query word
CHILDREN = 40  # sub-clause numbers searched for a clause label
NAMED_CLAUSES = 200  # ... (looked up in clause text when it occurs in at most this many)
NAMED_DOCUMENTS = 8  # a word naming at most this many documents is a name (a supplier's)
ALIASES = 12  # synonyms of a concept looked for in document titles and types


def _edits(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of two short strings (stops early above ``limit``)."""
    if a == b:
        return 0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i]
        for j, cb in enumerate(b, start=1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


_SKELETON = [("ph", "f"), ("th", "t"), ("c", "k"), ("q", "k"), ("w", "v"), ("z", "s"),
             ("y", "i"), ("å", "a"), ("ä", "a"), ("ö", "o"), ("é", "e")]


def _skeleton(word: str) -> str:
    """A spelling skeleton for comparing Swedish and English cognates."""
    for a, b in _SKELETON:
        word = word.replace(a, b)
    out: list[str] = []
    for ch in word:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def _with_loose(q: wq.Query | None, loose: list[wq.Query], weight: float) -> wq.Query | None:
    """A phrase's query, or else its words on their own at a lower weight."""
    if not loose:
        return q
    # Whoosh drops a compound's boost when it has one sub-query (its matcher is the
    # sub-query's own), so a lone word gets its weight from a disjunction max of one
    words_q = wq.Or(loose, boost=weight) if len(loose) > 1 else DisMax(loose, tiebreak=0.0, boost=weight)
    return DisMax([q, words_q], tiebreak=0.0) if q is not None else words_q


def _swedish_family(stem: str) -> list[str]:
    """Stems of the same verbal-noun family as a Swedish stem (noun -an / -ning / -ing ↔
    verb), by suffix alone; the caller keeps those that occur in the index."""
    out: list[str] = []
    for suffix in ("ning", "ing", "an"):
        if stem.endswith(suffix) and len(stem) - len(suffix) >= 4:
            out.append(stem[: -len(suffix)])
    if len(stem) >= 4 and not out:
        out += [stem + "ning", stem + "ing", stem + "an"]
    return out


def _hyphen_parts(span: tuple[str, ...]) -> list[str]:
    """The parts of a single hyphenated word ("ai-modeller" → ["ai", "modeller"]), stop
    words and one-letter parts left out; empty for anything else."""
    if len(span) != 1 or "-" not in span[0] or is_identifier(span[0]):
        return []
    parts = [p for p in span[0].split("-") if len(p) > 1 and p not in _STOP]
    return parts if len(parts) >= 2 else []


def _annex_alias(keyword: str | None, ident: str) -> str | None:
    """An annex number in the other numerals: "annex 2" ~ "Annex II", "bilaga ii" ~ "2"."""
    if keyword not in _ANNEX_WORDS:
        return None
    if ident.isdigit() and 0 < int(ident) <= len(_ROMAN):
        return _ROMAN[int(ident) - 1]
    return str(_ROMAN.index(ident) + 1) if ident in _ROMAN else None


def _keyword_label(keyword: str, ident: str) -> re.Pattern[str] | None:
    """The pattern of clause numbers labelled with a clause word of ``keyword``'s kind and
    ``ident`` (or, for an annex, the same number in roman or arabic numerals)."""
    kind = next((k for k in _KEYWORD_KINDS if any(keyword in forms for forms in k)), None)
    if kind is None:
        return None
    alias = _annex_alias(keyword, ident)
    idents = [ident, alias] if alias else [ident]
    # the word typed (in any of its forms) is group 1: it weighs more than another word of
    # its kind (in the other language, mostly: "Annex II" ~ "Bilaga 2")
    words = "|".join(re.escape(w) for forms in kind if keyword in forms for w in forms)
    other = "|".join(re.escape(w) for forms in kind if keyword not in forms for w in forms)
    numbers = "|".join(re.escape(i.lstrip("§")) for i in idents)
    return re.compile(rf"(?<![\w.])(?:({words})|{other})\s*(?:{numbers})(?![\w.]|\.\d)", re.I)


def _is_label(keyword: str, word: str, listed: bool = False) -> bool:
    """Whether ``word`` after the clause word ``keyword`` is a clause label: a number, or
    after an appendix word a roman numeral or a letter. ``listed``: a later item of a list
    ("clause 17 and 18"), where only bare and dotted numbers count."""
    if keyword in _ANNEX_WORDS and (_ROMAN_RE.fullmatch(word) or len(word) == 1 and word.isalpha()):
        return True
    if listed:
        return _BARE_NUMBER_RE.fullmatch(word) is not None or ("." in word and is_identifier(word))
    return is_identifier(word)


def _fields(lang: str) -> tuple[str, str]:
    return (f"body_{lang}", f"heading_{lang}")


def query_language(words: Sequence[str], reader: Any, vocab: Vocabulary) -> str:
    """"sv", "en" or "mixed": the language of a query's words (see the module docstring)."""
    score = 0.0
    n_sv = n_en = 0
    if reader is not None:
        n_sv = doc_frequency(reader, "lang", "sv")
        n_en = doc_frequency(reader, "lang", "en")
    for w in words:
        if is_identifier(w):
            continue
        if w in _SV_FUNCTION and w not in _EN_FUNCTION:
            score += 1.5
            continue
        if w in _EN_FUNCTION and w not in _SV_FUNCTION:
            score -= 1.5
            continue
        if any(c in "åäö" for c in w):
            score += 2.0
            continue
        langs = vocab.language_of((w,)) - {"any"}
        if langs == {"sv"}:
            score += 1.0
        elif langs == {"en"}:
            score -= 1.0
        if n_sv and n_en:
            f_sv = doc_frequency(reader, "body_sv", stemmer("swedish").stemWord(w)) / n_sv
            f_en = doc_frequency(reader, "body_en", stemmer("english").stemWord(w)) / n_en
            if f_sv or f_en:
                ratio = math.log((f_sv + 1e-4) / (f_en + 1e-4))
                score += max(-1.0, min(1.0, ratio / 3))
    if score >= 0.75:
        return "sv"
    if score <= -0.75:
        return "en"
    return "mixed"


class QueryBuilder:
    """Builds plain-word query plans for a schema whose text fields use the contract
    analyzers."""

    def __init__(
        self, schema: Any, vocab: Vocabulary | None = None, weights: Weights | None = None
    ) -> None:
        self.schema = schema
        self.vocab = vocab or vocabulary()
        self.weights = weights or Weights()
        self.analysed = Analysed(schema)
        self._reader: Any = None

    # -- sub-queries ---------------------------------------------------------------------

    def text_query(self, text: str, fields: Sequence[str], boost: float) -> wq.Query | None:
        """Words (a phrase where several) in some text fields, the field weights applied."""
        subs: list[wq.Query] = []
        for fieldname in fields:
            terms = self.analysed.terms(fieldname, text)
            if not terms or not exists(self._reader, fieldname, terms):
                continue
            if not pairs_exist(self._reader, fieldname, terms):
                continue
            fb = boost * (self.weights.heading if fieldname.startswith("heading") else 1.0)
            q = phrase_query(
                fieldname, terms, fb, gain=self.weights.phrase_gain, positions=False
            )
            if q is not None:
                subs.append(q)
        if not subs:
            return None
        return wq.Or(subs) if len(subs) > 1 else subs[0]

    def _in(self, text: str, langs: Sequence[str], boost: float) -> list[wq.Query]:
        out = []
        for lang in langs:
            q = self.text_query(text, _fields(lang), boost)
            if q is not None:
                out.append(q)
        return out

    def _tiers(self, wanted: list[tuple[str, str, float]]) -> list[tuple[str, wq.Query]]:
        """Sub-queries (with their language) for (text, language, weight) wishes; a wish
        whose index terms another one already searches in the same language keeps only the
        higher weight (synonyms and translations often stem alike: termination, terminate,
        terminated)."""
        best: dict[tuple[str, tuple[str, ...]], tuple[float, str]] = {}
        for text, lang, weight in wanted:
            terms = tuple(self.analysed.terms(f"body_{lang}", text))
            if not terms:
                continue
            key = (lang, terms)
            if key not in best or best[key][0] < weight:
                best[key] = (weight, text)
        out = []
        for (lang, _terms), (weight, text) in best.items():
            out += [(lang, q) for q in self._in(text, [lang], weight)]
        return out

    def _parts_query(self, word: str, boost: float) -> wq.Query | None:
        """The parts of a Swedish compound, all of them in a clause."""
        parts = [base for _surface, base in split_compound(word) if base not in _STOP]
        if len(parts) < 2:
            return None
        subs = []
        for base in parts:
            q = self.text_query(base, _fields("sv"), boost / len(parts))
            if q is None:
                return None
            subs.append(q)
        return wq.And(subs)

    def concept(self, span: tuple[str, ...], language: str) -> tuple[wq.Query | None, wq.Query | None]:
        """The weighted sub-queries of one concept, as disjunction maxes: those in the
        query's own language(s), and those in the other language."""
        w = self.weights
        own = list(LANGUAGES) if language == "mixed" else [language]
        other = [lang for lang in LANGUAGES if lang not in own]
        text = " ".join(span)
        wanted: list[tuple[str, str, float]] = [(text, lang, w.word) for lang in own]
        for e in self.vocab.lookup(span, language) or []:
            words = " ".join(e.words)
            if e.lang == "any":
                wanted += [(words, lang, w.synonym) for lang in own]
                wanted += [(words, lang, w.cross) for lang in other]
                continue
            same = e.lang in own
            if e.kind == DERIVATION:
                weight = w.derivation if same else w.cross
            elif e.kind in (SYNONYM, TRANSLATION):
                weight = w.synonym if same else w.cross
            else:
                weight = w.cross
            wanted.append((words, e.lang, weight))
        wanted += [(text, lang, w.other_word) for lang in other]
        parts = _hyphen_parts(span)
        if parts:
            # "AI-modeller" is also "AI modeller" (the index has the parts of hyphenated
            # words, not always the whole)
            joined = " ".join(parts)
            wanted += [(joined, lang, w.word) for lang in own]
            wanted += [(joined, lang, w.other_word) for lang in other]
        if len(span) == 1 and w.cognate > 0:
            for lang in other:
                wanted += [(c, lang, w.cognate) for c in self.cognates(span[0], lang)]
        tiers = self._tiers(wanted)
        mine = [q for lang, q in tiers if lang in own]
        theirs = [q for lang, q in tiers if lang not in own]
        if len(span) == 1 and "sv" in own:
            parts = self._parts_query(span[0], w.part)
            if parts is not None:
                mine.append(parts)
            mine += self._derived_query(span[0], [q for lang, q in tiers if lang == "sv"])
        return self._dismax(mine), self._dismax(theirs)

    def _derived_query(self, word: str, searched: list[wq.Query]) -> list[wq.Query]:
        """The Swedish verbal-noun family of a word by its productive suffixes, at a
        derivation's weight: "begäran" ↔ "begär(a)", "anmälan" ↔ "anmäl(a)", "betalning" ↔
        "betal(a)", "behandling" ↔ "behandl(a)" (the stemmer keeps nouns and verbs apart).
        Only stems found in Swedish clause text are searched."""
        if self._reader is None or not word.isalpha() or len(word) < 5:
            return []
        stem = stemmer("swedish").stemWord(word)
        derived = _swedish_family(stem)
        have = {t for q in searched for _f, t in q.iter_all_terms()}
        subs = []
        for term in derived:
            if term in have or term == stem:
                continue
            tq = [wq.Term(f, term, boost=self.weights.derivation * (self.weights.heading if f.startswith("heading") else 1.0))
                  for f in _fields("sv") if doc_frequency(self._reader, f, term)]
            if tq:
                subs.append(wq.Or(tq) if len(tq) > 1 else tq[0])
        return subs

    def _dismax(self, tiers: list[wq.Query]) -> wq.Query | None:
        return DisMax(tiers, tiebreak=self.weights.tiebreak) if tiers else None

    def cognates(self, word: str, lang: str) -> list[str]:
        """Index terms of ``lang``'s clause text spelled almost like ``word`` ("kontrollen"
        ~ "control", "licensen" ~ "license"): compared as spelling skeletons (c = k,
        ph = f, double letters single, å/ä/ö as a/a/o), the same first three letters and
        at most one edit from the word's stem in either language. A generic bridge
        between Swedish and English for words the glossary lacks, at a translation's
        weight; the word as the other language's analyzer reads it is already searched."""
        if self._reader is None or len(word) < 6 or not word.isalpha():
            return []
        fieldname = f"body_{lang}"
        same = set(self.analysed.terms(fieldname, word))
        stems = {stemmer("swedish").stemWord(word), stemmer("english").stemWord(word)}
        skeletons = {_skeleton(s) for s in stems if len(s) >= 5}
        found: dict[str, int] = {}
        prefixes = {s[:3] for s in stems} | {s[:3].replace("k", "c") for s in stems}
        for prefix in prefixes:
            for raw in self._reader.expand_prefix(fieldname, prefix):
                term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                if term in same or not term.isalpha() or len(term) < 5:
                    continue
                sk = _skeleton(term)
                if any(abs(len(sk) - len(s)) <= 1 and _edits(sk, s, 1) <= 1 for s in skeletons):
                    found[term] = doc_frequency(self._reader, fieldname, term)
        return sorted(found, key=lambda t: -found[t])[:COGNATES]

    def identifier(self, ident: str, label: bool = True) -> wq.Query | None:
        """An identifier in clause text, headings or the clause number (``label`` False:
        not the clause number — a bare number that no clause word precedes, "SOC 2",
        "30 dagar", is text, not a clause label)."""
        subs: list[wq.Query] = []
        for f in ("body_sv", "body_en", "heading_sv", "heading_en", "number"):
            if (f == "number" and not label) or not exists(self._reader, f, [ident]):
                continue
            boost = self.weights.number if f == "number" else (
                self.weights.heading if f.startswith("heading") else 1.0
            )
            subs.append(wq.Term(f, ident, boost=boost))
        if not subs:
            return None
        return wq.Or(subs) if len(subs) > 1 else subs[0]

    def label(self, keyword: str | None, ident: str) -> wq.Query | None:
        """A clause label the query names ("Article 28", "punkt 8.2", "Annex II", "8.2"):
        the clause numbered so (at the clause-number weight, whatever its keyword or
        language: "artikel 28" finds "Article 28"), the label in headings, and the label
        cited in clause text (the keyword and number next to each other, or the number).
        A dotted number also finds its parent clause, at a quarter of the weight (documents
        that do not cut sub-clauses apart), and its parts cited as in "28(3)"."""
        w = self.weights
        subs: list[wq.Query] = []
        # the same label written otherwise: "annex 2" ~ "Annex II", "paragraf 12" ~ "§ 12"
        alias = _annex_alias(keyword, ident)
        if alias is None and (keyword is None or keyword in _PARAGRAPH_WORDS) and ident.isdigit():
            alias = f"§{ident}"
        numbers = [t for t in (ident, alias) if t and exists(self._reader, "number", [t])]
        if numbers:
            subs += [wq.Term("number", t, boost=w.number) for t in numbers]
        elif "." in ident:
            parent = ident.rsplit(".", 1)[0]
            if exists(self._reader, "number", [parent]):
                # "Article 28(3)" where no clause is numbered 28.3: Article 28 holds its
                # paragraph 3, above the clauses that only cite it
                subs.append(wq.Term("number", parent, boost=w.number * w.parent))
        # its sub-clauses are part of it ("Clause 15" is 15.1 and 15.2), below the clause
        # numbered so
        subs += [wq.Term("number", t, boost=w.number * w.child) for t in self._children(ident)]
        for lang in LANGUAGES:
            body, heading = _fields(lang)
            for f in (heading, body):
                boost = w.heading if f == heading else 1.0
                cited: list[wq.Query] = []
                if exists(self._reader, f, [ident]):
                    cited.append(wq.Term(f, ident, boost=boost))
                texts = [f"{keyword} {ident}"] if keyword else []
                if "." in ident:
                    texts.append(ident.replace(".", " "))
                for text in texts:
                    q = self.text_query(text, [f], 1.0)
                    if q is not None:
                        cited.append(q)
                if cited:
                    subs.append(cited[0] if len(cited) == 1 else DisMax(cited, tiebreak=0.0))
        if not subs:
            return None
        return wq.Or(subs) if len(subs) > 1 else subs[0]

    def _names_other_language(self, spans: list[tuple[tuple[str, ...], str]], language: str) -> bool:
        """Whether a word of the query names (in titles, suppliers, types) only a few
        documents, all of them in the other language than ``language``."""
        reader = self._reader
        if reader is None or "meta" not in self.schema.names():
            return False
        analyzer = self.schema["meta"].analyzer
        for span, kind in spans:
            if kind != "word" or is_identifier(span[0]) or len(span[0]) < 3:
                continue
            terms = [t.text for t in analyzer(span[0], mode="query")]
            if not terms or not all(doc_frequency(reader, "meta", t) for t in terms):
                continue
            docs: set[int] | None = None
            for t in terms:
                ids = set(reader.postings("meta", t).all_ids())
                docs = ids if docs is None else docs & ids
            if not docs or len(docs) > NAMED_DOCUMENTS:
                continue
            langs = {reader.stored_fields(d).get("lang") for d in docs}
            if language not in langs and langs <= set(LANGUAGES):
                return True
        return self._other_language_name(spans, language)

    def _other_language_name(self, spans: list[tuple[tuple[str, ...], str]], language: str) -> bool:
        """Whether a word of the query is a name found only in the other language's clause
        text, in a few documents ("ChatGPT", "Claude.ai" in a Swedish question)."""
        reader = self._reader
        other = [lang for lang in LANGUAGES if lang != language]
        if len(other) != 1:
            return False
        for span, kind in spans:
            word = span[0]
            if kind != "word" or is_identifier(word) or len(word) < 4 or self.vocab.lookup(span):
                continue
            mine = self.analysed.terms(f"body_{language}", word)
            theirs = self.analysed.terms(f"body_{other[0]}", word)
            if len(theirs) != 1 or any(doc_frequency(reader, f"body_{language}", t) for t in mine):
                continue
            if not 0 < doc_frequency(reader, f"body_{other[0]}", theirs[0]) <= NAMED_CLAUSES:
                continue
            owners = {reader.stored_fields(d).get("document_id")
                      for d in reader.postings(f"body_{other[0]}", theirs[0]).all_ids()}
            if len(owners) <= NAMED_DOCUMENTS:
                return True
        return False

    def _aliases(self, span: tuple[str, ...], language: str) -> tuple[tuple[str, ...], ...]:
        """The vocabulary synonyms of a concept in the query's own language(s), at most
        ALIASES of them (the names a document may be known by instead of the typed one)."""
        own = set(LANGUAGES) if language == "mixed" else {language}
        out: list[tuple[str, ...]] = []
        for e in self.vocab.lookup(span, language) or []:
            if e.kind == SYNONYM and (e.lang in own or e.lang == "any") and e.words != span:
                out.append(tuple(e.words))
        return tuple(out[:ALIASES])

    def _children(self, ident: str) -> list[str]:
        """Clause numbers in the index one or two levels below ``ident`` ("15" → "15.1",
        "15.2"; "8.2" → "8.2.1"), at most CHILDREN of them."""
        if self._reader is None or self.weights.child <= 0 or not ident[:1].isdigit():
            return []
        out = []
        for raw in self._reader.expand_prefix("number", ident + "."):
            term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if _CLAUSE_NUMBER_RE.fullmatch(term) and term.count(".") - ident.count(".") <= 2:
                out.append(term)
                if len(out) >= CHILDREN:
                    break
        return out

    # -- the plan ------------------------------------------------------------------------

    def plain(self, qstring: str, reader: Any = None) -> Plan:
        """The plan of a plain-word query or a natural-language question.

        With ``reader``, branches for terms that are not in the index are left out (they
        could not match; leaving them out keeps the query small and fast). Raises
        :class:`QueryError` when the query has no searchable word.
        """
        self._reader = reader
        try:
            return self._plain(qstring)
        finally:
            self._reader = None

    def _spans(self, words: list[str]) -> list[tuple[tuple[str, ...], str]]:
        """The query's concepts as (words, kind), stop words dropped; kind is "label" (a
        clause word and the number or letter after it: "article 28", "bilaga b", "annex
        ii"), "phrase" (a vocabulary phrase) or "word"."""
        out: list[tuple[tuple[str, ...], str]] = []
        i = 0
        while i < len(words):
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if words[i] in _CLAUSE_WORDS and nxt and _is_label(words[i], nxt):
                out.append(((words[i], nxt), "label"))
                i += 2
                # more numbers of the same keyword: "clause 17 and 18", "artikel 28, 32 och 33"
                while i < len(words):
                    j = i + 1 if words[i] in _LIST_WORDS else i
                    if j < len(words) and _is_label(out[-1][0][0], words[j], listed=True):
                        out.append(((out[-1][0][0], words[j]), "label"))
                        i = j + 1
                    else:
                        break
                continue
            for n in range(min(self.vocab.max_len, len(words) - i), 1, -1):
                span = tuple(words[i : i + n])
                # a stop word opens a phrase only as a particle verb's verb ("säger upp")
                if (span[0] in _STOP and span[1] not in _PARTICLES) or span[-1] in _STOP:
                    continue
                if self.vocab.lookup(span) is not None:
                    out.append((span, "phrase"))
                    i += n
                    break
            else:
                word = words[i]
                i += 1
                if is_identifier(word) or (word not in _STOP and len(word) > 1):
                    out.append(((word,), "word"))
        return out

    def _plain(self, qstring: str) -> Plan:
        words = tokenize(_TRAILING_SECTION_RE.sub(r"§\1", _SUB_NUMBER_RE.sub(r"\1.\2", qstring)))
        # a question puts its subject between a particle verb's parts ("Hur säger vi upp
        # avtalet?"): without it the verb and its particle are the phrase they are
        spans = self._spans([w for w in words if w not in _SUBJECT_PRONOUNS])
        if not spans:
            why = ("it has only very common words (stop words)" if words
                   else "it has no letters or digits")
            raise QueryError(
                f"no searchable words in {qstring!r}: {why}. Add a more specific word, "
                "e.g. 'uppsägning' or 'liability cap'."
            )
        language = query_language(words, self._reader, self.vocab)
        if language != "mixed" and self._names_other_language(spans, language):
            # "Anthropics skadeståndstak": a question about a document in the other language
            # is asked of it in both languages (its translations count as the query's own)
            language = "mixed"
        # (asked even when no clause has the definition word: "vad avses med …")
        plan = Plan(qstring, language, words=[w for s, _ in spans for w in s],
                    asks_definition=any(s[0] in DEFINITION_WORDS for s, k in spans if k == "word"))
        for i, (span, kind) in enumerate(spans):
            if kind == "label":
                q = self.label(span[0], span[1])
                if q is not None:
                    plan.concepts.append(Concept(span, q, None, identifier=True, label=True,
                                                 keyword_label=_keyword_label(*span)))
                continue
            if len(span) == 1 and is_identifier(span[0]):
                before = spans[i - 1][0][-1] if i else ""
                label = not _BARE_NUMBER_RE.fullmatch(span[0]) or len(spans) == 1 or (
                    before in _CLAUSE_WORDS
                )
                # only a clause number names a clause ("8.2", "§ 12"); a law's number
                # ("2016/679"), a date or a diarienummer is searched, not pointed at
                clause = label and _CLAUSE_NUMBER_RE.fullmatch(span[0]) is not None
                q = self.label(None, span[0]) if clause else self.identifier(span[0], label=label)
                if q is not None:
                    plan.concepts.append(Concept(span, q, None, identifier=True, label=clause))
                continue
            mine, theirs = self.concept(span, language)
            parts = _hyphen_parts(span)
            if parts:
                # and each part on its own (with its vocabulary: "modeller" ~ "models"), as
                # the words of a phrase
                loose = [self.concept((p,), language) for p in parts]
                mine = _with_loose(mine, [a for a, _ in loose if a is not None], self.weights.loose)
                theirs = _with_loose(theirs, [b for _, b in loose if b is not None], self.weights.loose)
            if kind == "phrase":
                # the words of a phrase also count on their own, at a lower weight
                # ("automatic renewal" still finds "renews automatically")
                loose = [self.concept((word,), language) for word in span if word not in _STOP]
                mine = _with_loose(mine, [a for a, _ in loose if a is not None], self.weights.loose)
                theirs = _with_loose(theirs, [b for _, b in loose if b is not None], self.weights.loose)
            if mine is not None or theirs is not None:
                plan.concepts.append(Concept(span, mine, theirs, aliases=self._aliases(span, language)))
        return plan
