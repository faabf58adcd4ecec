"""Field types that index clause text in one pass.

Indexing is where a rebuild spends its time. Whoosh would run the analyzer chain
(tokenizer, lowercase, contract filter: generators of Token objects) once for the clause
text, and the common word pairs (``grams_<lang>``) need the same words again. Here the text
is analysed once, by :func:`analyse` (the same terms and positions as
:func:`index.analysis.contract_analyzer`, which queries still use), and the pair field
reuses that analysis: Whoosh indexes a document's fields in name order, so ``body_<lang>``
comes before ``grams_<lang>``. Both run where the documents are indexed, so with the
multi-process writer the analysis is spread over the processes too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

from whoosh.fields import KEYWORD, TEXT
from whoosh.formats import Positions
from whoosh.system import pack_uint

from index.analysis import (
    ENGLISH_STOP_WORDS,
    SWEDISH_STOP_WORDS,
    TOKEN_RE,
    _word_forms,
    contract_analyzer,
    is_identifier,
    normalize_identifier,
)


@lru_cache(maxsize=2)
def common_words(language: str) -> frozenset[str]:
    """Index terms (stems) so common in agreements that pairs of them are indexed whole
    (``common_<language>.txt``, made by ``python -m index.grams``)."""
    text = resources.files("index").joinpath(f"common_{language}.txt").read_text("utf-8")
    return frozenset(
        w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")
    )


_FORMS: dict[str, dict[str, tuple[str, ...]]] = {"sv": {}, "en": {}}
_FORMS_LIMIT = 500_000  # tokens remembered per language and process (then forgotten)


def _token_forms(token: str, language: str) -> tuple[str, ...]:
    """The index terms of one token as the tokenizer cut it (empty: a stop word)."""
    token = token.lower()
    if is_identifier(token):
        return (normalize_identifier(token),)
    stops = SWEDISH_STOP_WORDS if language == "sv" else ENGLISH_STOP_WORDS
    if token in stops:
        return ()
    return _word_forms(token, language)


def analyse(text: str, language: str) -> tuple[dict[str, list[int]], list[str]]:
    """The index terms of ``text`` with their positions, and the first (whole-word) term
    at each position: what ``contract_analyzer(language)`` yields, in one pass."""
    # A clause repeats the words of the archive: each distinct token is lowercased, told
    # from identifiers and stop words and stemmed once per process, not once per use.
    forms_of = _FORMS.setdefault(language, {})
    if len(forms_of) > _FORMS_LIMIT:
        forms_of.clear()
    positions: dict[str, list[int]] = defaultdict(list)
    firsts: list[str] = []
    pos = -1
    for token in TOKEN_RE.findall(text):
        forms = forms_of.get(token)
        if forms is None:
            forms = forms_of[token] = _token_forms(token, language)
        if not forms:
            continue
        pos += 1
        firsts.append(forms[0])
        for form in forms:
            positions[form].append(pos)
    return positions, firsts


# Whoosh's encoding of a one-position posting, by position (Positions.encode is pure).
_SINGLE_POSITION: dict[int, bytes] = {}

_LAST: dict[str, Any] = {}  # the last text analysed per language: the pair field reuses it


def _analysed(text: str, language: str) -> tuple[dict[str, list[int]], list[str]]:
    last = _LAST.get(language)
    if last is not None and last[0] is text:
        return last[1]
    result = analyse(text, language)
    _LAST[language] = (text, result)
    return result


def common_grams(firsts: list[str], language: str) -> list[str]:
    """Adjacent pairs of common words, as "a b"."""
    common = common_words(language)
    return [
        f"{a} {b}"
        for a, b in zip(firsts, firsts[1:], strict=False)
        if a in common and b in common
    ]


class ClauseText(TEXT):
    """Clause text or a heading in one language: analysed by :func:`analyse` when indexed,
    by ``contract_analyzer(language)`` when queried."""

    def __init__(self, language: str, phrase: bool = True) -> None:
        super().__init__(analyzer=contract_analyzer(language), phrase=phrase)
        self.language = language

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        positions, _ = _analysed(value, self.language)
        fmt = self.format
        boost = fmt.field_boost
        if not fmt.supports("positions"):
            for term, poses in positions.items():
                n = len(poses)
                yield term.encode("utf-8"), n, n * boost, pack_uint(n)
            return
        # Most terms occur once in a clause: their encoded positions repeat across clauses.
        single = _SINGLE_POSITION if type(fmt) is Positions else {}
        for term, poses in positions.items():
            n = len(poses)
            if n == 1:
                vbytes = single.get(poses[0])
                if vbytes is None:
                    vbytes = single[poses[0]] = fmt.encode(poses)
            else:
                vbytes = fmt.encode(poses)
            yield term.encode("utf-8"), n, n * boost, vbytes


class CommonGrams(KEYWORD):
    """Pairs of adjacent common words of the clause text (given the same text as the
    clause-text field, whose analysis it reuses)."""

    def __init__(self, language: str) -> None:
        super().__init__(commas=True, lowercase=False)
        self.language = language

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        _, firsts = _analysed(value, self.language)
        counts: dict[str, int] = defaultdict(int)
        for gram in common_grams(firsts, self.language):
            counts[gram] += 1
        boost = self.format.field_boost
        for gram, n in counts.items():
            yield gram.encode("utf-8"), n, n * boost, pack_uint(n)
