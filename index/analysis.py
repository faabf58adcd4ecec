"""Text analysis for the clause index: tokenizing, stop words, stemming, decompounding.

Swedish text is stemmed with PyStemmer's Snowball "swedish" stemmer and compound words are
split with a dictionary (``sv_lexicon.txt``): for "personuppgiftsbiträdesavtalet" the
analyzer emits the whole word and every run of its parts ("personuppgiftsbiträde",
"biträdesavtal", "biträde", "avtal", ...), all at the same position, so a search for
"biträdesavtal" or "avtal" finds it. English text is stemmed with Snowball "english".

Identifiers are kept whole and never stemmed: clause numbers ("8.3.4"), diarienummer
("KS-2023-00815"), dates ("2024-03-05"), SFS references ("2001:453") and paragraph signs
("§ 33" becomes the token "§33").

The analyzers are pickled into the Whoosh index (its TOC holds the schema), so they keep
no unpicklable state: stemmers and the lexicon are created lazily per process.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

import Stemmer
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, Token

# Words, hyphenated words (also diarienummer and dates), dotted/colon numbers, § references.
# "A.9", "G.2": a schedule letter before a clause number is one token (Anthropic's and
# other suppliers' DPAs number their sections so), not the letter and a bare number
TOKEN_PATTERN = (r"§\s?\d+(?:\s?[a-z]\b)?|\d+(?:[.:/]\d+)+|(?<![\w.])[A-Za-z]\.\d{1,3}(?:\.\d{1,3})*(?![\w])"
                 r"|\w+(?:[-‐‑'’]\w+)*")
TOKEN_RE = re.compile(TOKEN_PATTERN)
_HYPHENS = "-‐‑"
_HYPHEN_SPLIT_RE = re.compile(r"[-‐‑'’]")

SWEDISH_STOP_WORDS = frozenset(
    ["och", "det", "att", "i", "en", "jag", "hon", "som", "han", "på", "den", "med", "var", "sig", "för", "så", "till", "är", "men", "ett", "om", "hade", "de", "av", "icke", "mig", "du", "henne", "då", "sin", "nu", "har", "inte", "hans", "honom", "skulle", "hennes", "där", "min", "man", "ej", "vid", "kunde", "något", "från", "ut", "när", "efter", "upp", "vi", "dem", "vara", "vad", "över", "än", "dig", "kan", "sina", "här", "ha", "mot", "alla", "under", "någon", "eller", "allt", "mycket", "sedan", "ju", "denna", "själv", "detta", "åt", "utan", "varit", "hur", "ingen", "mitt", "ni", "bli", "blev", "oss", "din", "dessa", "några", "deras", "blir", "mina", "samma", "vilken", "er", "sådan", "vår", "blivit", "dess", "inom", "mellan", "sådant", "varför", "varje", "vilka", "ditt", "vem", "vilket", "sitta", "sådana", "vart", "dina", "vars", "vårt", "våra", "ert", "era", "vilkas", "samt", "dock", "även", "enligt", "skall", "ska", "får", "bör"]
)

ENGLISH_STOP_WORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "shall", "may", "must", "hereby", "herein", "thereof"]
)

# Words that only frame a question ("which of our agreements ...", "var står ...");
# dropped from plain-word queries on top of the stop words.
QUESTION_WORDS = frozenset(
    ["står", "finns", "hittar", "hitta", "visa", "vilken", "vilka", "vilket", "vad", "var", "hur", "när", "vem", "våra", "vår", "vårt", "något", "några", "någon", "tala", "säger", "gäller", "which", "what", "where", "when", "who", "whom", "how", "does", "do", "did", "our", "ours", "we", "us", "find", "show", "list", "tell", "there", "say", "says", "said", "give"]
)

_HEAD_ENDINGS = (
    "",
    "en",
    "et",
    "er",
    "erna",
    "ernas",
    "ar",
    "arna",
    "arnas",
    "or",
    "orna",
    "ornas",
    "na",
    "n",
    "t",
    "s",
    "ens",
    "ets",
    "ns",
    "r",
    "rna",
    "e",
    "a",
)

_MIN_PART = 3
_MIN_COMPOUND = 7


@lru_cache(maxsize=1)
def swedish_lexicon() -> frozenset[str]:
    """The base words compounds are split into (from ``sv_lexicon.txt``)."""
    text = resources.files("index").joinpath("sv_lexicon.txt").read_text(encoding="utf-8")
    words = set()
    for line in text.splitlines():
        line = line.strip().lower()
        if line and not line.startswith("#"):
            words.add(line)
    return frozenset(words)


@lru_cache(maxsize=4)
def stemmer(language: str) -> Any:
    """A PyStemmer Snowball stemmer ("swedish" or "english"); cached per process."""
    return Stemmer.Stemmer(language)


def _as_modifier(part: str, lexicon: frozenset[str]) -> str | None:
    """The base word of a compound's first part, allowing a linking s or a dropped final e."""
    if part in lexicon:
        return part
    if part.endswith("s"):
        bare = part[:-1]
        if len(bare) >= _MIN_PART and bare in lexicon:
            return bare
        if bare + "e" in lexicon:  # arbete -> arbets-
            return bare + "e"
    if part.endswith("e") and part[:-1] in lexicon:  # tjänst -> tjänste-
        return part[:-1]
    return None


def _is_head(part: str, lexicon: frozenset[str]) -> bool:
    """True when ``part`` is a lexicon word, possibly with an inflection ending."""
    for ending in _HEAD_ENDINGS:
        if ending and not part.endswith(ending):
            continue
        base = part[: len(part) - len(ending)] if ending else part
        if len(base) >= _MIN_PART and base in lexicon:
            return True
    return False


@lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[tuple[str, str], ...]:
    """Split a lowercase Swedish compound into ``(surface, base)`` parts.

    Returns an empty tuple when the word is not a compound of lexicon words. The split with
    the fewest parts wins (so atoms listed in the lexicon stay whole); among equals, the one
    with the longest first part.
    """
    if len(word) < _MIN_COMPOUND or not word.isalpha():
        return ()
    lexicon = swedish_lexicon()
    best = _split(word, lexicon, 0)
    if best is None or len(best) < 2:
        return ()
    return best


def _split(word: str, lexicon: frozenset[str], depth: int) -> tuple[tuple[str, str], ...] | None:
    if _is_head(word, lexicon):
        return ((word, word),)
    if depth >= 4:
        return None
    best: tuple[tuple[str, str], ...] | None = None
    for cut in range(len(word) - _MIN_PART, _MIN_PART - 1, -1):
        surface = word[:cut]
        base = _as_modifier(surface, lexicon)
        if base is None:
            continue
        rest = _split(word[cut:], lexicon, depth + 1)
        if rest is None:
            continue
        candidate = ((surface, base), *rest)
        if best is None or len(candidate) < len(best):
            best = candidate
    return best


def compound_spans(word: str) -> list[str]:
    """Every run of two or more consecutive parts of a compound, and every single part.

    The last part of a run keeps its surface form when it is the head of the compound
    (so inflection survives for the stemmer) and otherwise its base form
    ("personuppgifts|biträdes|avtalet" gives "personuppgiftsbiträde", "biträdesavtalet",
    "avtalet", "biträde", "personuppgift", ...). The whole word itself is not included.
    """
    parts = split_compound(word)
    if not parts:
        return []
    spans: list[str] = []
    n = len(parts)
    for i in range(n):
        for j in range(i + 1, n + 1):
            if i == 0 and j == n:
                continue
            pieces = [surface for surface, _ in parts[i : j - 1]]
            last_surface, last_base = parts[j - 1]
            pieces.append(last_surface if j == n else last_base)
            spans.append("".join(pieces))
    return spans


_IDENTIFIER_CHAR_RE = re.compile(r"[\d§]")


def is_identifier(text: str) -> bool:
    """True for tokens kept whole and unstemmed: anything with a digit or a § sign."""
    return _IDENTIFIER_CHAR_RE.search(text) is not None


def normalize_identifier(text: str) -> str:
    """Canonical form of an identifier token ("§ 33" -> "§33")."""
    return "".join(text.split()).lower()


class ContractFilter(Filter):
    """Stop words, identifiers, hyphenated words, decompounding and stemming in one pass.

    ``language`` is "sv", "en" or "mixed" (stems with both, for short metadata such as
    titles). Positions are renumbered after stop-word removal so phrase queries line up
    between the index and the query. Extra tokens (compound parts, hyphen parts) share the
    position and character range of the word they come from.
    """

    def __init__(self, language: str) -> None:
        if language not in ("sv", "en", "mixed"):
            raise ValueError(f"unknown analysis language {language!r}")
        self.language = language

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ContractFilter) and other.language == self.language

    def __hash__(self) -> int:
        return hash(("ContractFilter", self.language))

    def _stop_words(self) -> frozenset[str]:
        if self.language == "sv":
            return SWEDISH_STOP_WORDS
        if self.language == "en":
            return ENGLISH_STOP_WORDS
        return SWEDISH_STOP_WORDS | ENGLISH_STOP_WORDS

    def word_forms(self, word: str) -> tuple[str, ...]:
        """The index terms of one lowercase word, the word's own stem first."""
        return _word_forms(word, self.language)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stops = self._stop_words()
        pos = -1
        for t in tokens:
            text = t.text
            removestops = getattr(t, "removestops", True)
            if is_identifier(text):
                forms = [normalize_identifier(text)]
            else:
                if removestops and text in stops:
                    t.stopped = True
                    continue
                forms = _word_forms(text, self.language)
                if not forms:
                    continue
            pos += 1
            extra = forms[1:]
            if extra:
                template = t.copy()
            t.text = forms[0]
            t.stopped = False
            if t.positions:
                t.pos = pos
            yield t
            for form in extra:
                out = template.copy()
                out.text = form
                out.stopped = False
                if out.positions:
                    out.pos = pos
                yield out


@lru_cache(maxsize=300_000)
def _word_forms(word: str, language: str) -> tuple[str, ...]:
    forms: list[str] = []

    def stem_into(w: str) -> None:
        if language in ("sv", "mixed"):
            s = stemmer("swedish").stemWord(w)
            if s and s not in forms:
                forms.append(s)
        if language in ("en", "mixed"):
            s = stemmer("english").stemWord(w)
            if s and s not in forms:
                forms.append(s)

    stem_into(word)
    if any(h in word for h in _HYPHENS) or "'" in word or "’" in word:
        parts = [p for p in _HYPHEN_SPLIT_RE.split(word) if p]
        if len(parts) > 1 and all(p.isalpha() for p in parts):
            stem_into("".join(parts))
            for part in parts:
                if len(part) >= 2:
                    for form in _word_forms(part, language):
                        if form not in forms:
                            forms.append(form)
        return tuple(forms)
    if language in ("sv", "mixed"):
        for span in compound_spans(word):
            s = stemmer("swedish").stemWord(span)
            if s not in forms:
                forms.append(s)
    return tuple(forms)


class IdentifierFilter(Filter):
    """For the clause-number field: keeps every token, identifiers normalized, no stemming."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IdentifierFilter)

    def __hash__(self) -> int:
        return hash("IdentifierFilter")

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = normalize_identifier(t.text)
            yield t


def word_pairs(text: str, language: str) -> list[str]:
    """Adjacent index terms of ``text`` as "a b" strings (stop words skipped, whole words).

    Indexed in a field of their own, they turn a phrase search into a term lookup. Gives
    the same terms as the first token per position of ``contract_analyzer(language)``.
    """
    stops = (
        SWEDISH_STOP_WORDS
        if language == "sv"
        else ENGLISH_STOP_WORDS
        if language == "en"
        else SWEDISH_STOP_WORDS | ENGLISH_STOP_WORDS
    )
    terms: list[str] = []
    for m in TOKEN_RE.finditer(text):
        token = m.group(0).lower()
        if is_identifier(token):
            terms.append(normalize_identifier(token))
        elif token not in stops:
            forms = _word_forms(token, language)
            if forms:
                terms.append(forms[0])
    return [f"{a} {b}" for a, b in zip(terms, terms[1:], strict=False)]


def contract_analyzer(language: str) -> Any:
    """The Whoosh analyzer for clause text and headings in ``language`` ("sv", "en", "mixed")."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | ContractFilter(language)


def number_analyzer() -> Any:
    """The Whoosh analyzer for clause numbers and other exact labels (no stemming)."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | IdentifierFilter()


def keyword_analyzer() -> Any:
    """Lowercased words, unstemmed: supplier and board names for filtering."""
    return RegexTokenizer(r"\w+") | LowercaseFilter()


def tokenize(text: str) -> list[str]:
    """Lowercased raw tokens of ``text`` in order (identifiers normalized, nothing dropped)."""
    out = []
    for m in TOKEN_RE.finditer(text):
        tok = m.group(0)
        out.append(normalize_identifier(tok) if is_identifier(tok) else tok.lower())
    return out


def match_key(word: str, language: str | None = None) -> str:
    """A language-neutral normal form of a word, for matching query words to synonyms
    (with ``language``, "swedish" or "english": its stem in that language)."""
    word = word.lower()
    if is_identifier(word):
        return normalize_identifier(word)
    word = word.replace("‐", "-").replace("‑", "-")
    if language == "swedish":
        # twice: Snowball's Swedish step takes one ending, so "villkoren" -> "villkor" but
        # "villkor" -> "villk", "dagars" -> "dagar" but "dagar" -> "dag"
        st = stemmer(language)
        return st.stemWord(st.stemWord(word))
    if language is not None:
        return stemmer(language).stemWord(word)
    sv = stemmer("swedish").stemWord(word)
    en = stemmer("english").stemWord(word)
    return min(sv, en, key=lambda s: (len(s), s))


_SV_MARKERS = frozenset(
    ["och", "att", "det", "som", "är", "för", "på", "med", "av", "till", "den", "ett", "inte", "om", "har", "ska", "eller", "från", "vid", "enligt", "avtal", "avtalet", "leverantören", "kommunen", "personuppgifter"]
)
_EN_MARKERS = frozenset(
    ["the", "and", "of", "to", "in", "is", "for", "that", "with", "shall", "be", "by", "this", "or", "any", "as", "are", "not", "on", "agreement", "customer", "supplier", "data", "processing"]
)


def detect_language(text: str) -> str:
    """"sv" or "en", from the share of common Swedish and English words (ties: "sv")."""
    words = re.findall(r"[a-zåäöé]+", text.lower()[:50000])
    sv = sum(1 for w in words if w in _SV_MARKERS)
    en = sum(1 for w in words if w in _EN_MARKERS)
    sv += sum(text.count(ch) for ch in "åäöÅÄÖ") // 20  # letters English lacks
    return "en" if en > sv else "sv"
