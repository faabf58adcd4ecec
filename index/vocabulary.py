"""The search vocabulary: domain synonyms, a bilingual glossary and word derivations.

Three sources, each shipped with the package:

* ``synonyms.toml`` — concept groups with Swedish, English and shared terms (hand-written
  domain knowledge: "pub-avtal" = "dpa" = "data processing agreement");
* ``glossary.tsv`` — Swedish ↔ English term pairs aligned from texts published in both
  languages (666 pairs; the file's header names every source): the GDPR article by article
  (311 pairs, each with its article), the EU Public Licence and the EU's eForms
  procurement labels (117), and the Swedish and English versions of suppliers' terms,
  privacy policies and acceptable-use policies (cloud, SaaS and AI vocabulary, contract
  vocabulary the GDPR lacks); columns Swedish, English, kind, source;
* ``derivations.tsv`` — word families (noun ↔ verb: "uppsägning" | "säga upp" ↔
  "termination" | "terminate"), each form quoted from the cited text; columns Swedish
  forms, English forms (``|``-separated), then sources.

Both were built from those bilingual sources, not from the misses of any query.

A query span (one or more words) is looked up by its match keys (language-neutral stems,
see :func:`index.analysis.match_key`) and gives :class:`Expansion` terms, each with its
language and kind; :mod:`index.query` weighs them (the words typed count most, other-
language expansions least).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from index.analysis import match_key, tokenize

SYNONYM = "synonym"
TRANSLATION = "translation"
DERIVATION = "derivation"


@dataclass(frozen=True)
class Expansion:
    """A term to search besides the words typed: raw lowercase words, their language
    ("sv", "en" or "any") and where it comes from (synonym, translation, derivation)."""

    words: tuple[str, ...]
    lang: str
    kind: str


@dataclass
class Vocabulary:
    """Expansions by the match keys of a query span, and by each language's stems."""

    by_key: dict[tuple[str, ...], list[Expansion]] = field(default_factory=dict)
    # the same entries by their own language's stems: the language-neutral key takes the
    # shorter of the two stems, which is not the same for every form of a word ("villkor"
    # -> "villk" by the English stemmer, "villkoren" -> "villkor" by the Swedish one), so
    # an inflected form finds its entry here
    by_stem: dict[str, dict[tuple[str, ...], list[Expansion]]] = field(
        default_factory=lambda: {"sv": {}, "en": {}})
    languages: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    max_len: int = 1

    def add(self, key_words: tuple[str, ...], lang: str, expansions: Iterable[Expansion]) -> None:
        """Record that the span ``key_words`` (raw words, language ``lang``) expands to
        ``expansions`` (the span itself is left out)."""
        key = keys_of(key_words)
        if not key:
            return
        expansions = [e for e in expansions if keys_of(e.words) != key]
        self.languages.setdefault(key, set()).add(lang)
        _extend(self.by_key.setdefault(key, []), expansions)
        for stem_lang in (("sv", "en") if lang == "any" else (lang,)):
            if stem_lang in self.by_stem:
                table = self.by_stem[stem_lang]
                _extend(table.setdefault(stem_keys(key_words, stem_lang), []), expansions)
        self.max_len = max(self.max_len, len(key))

    def add_swedish_only(self, key_words: tuple[str, ...], expansions: Iterable[Expansion]) -> None:
        """Record expansions of a Swedish span found only by its Swedish stems, for queries
        that may be Swedish (an inferred translation: see ``_head_pairs``); it does not make
        the span a term for language detection or for other languages' words."""
        _extend(self.by_stem["sv"].setdefault(stem_keys(key_words, "sv"), []), expansions)

    def lookup(self, span: tuple[str, ...], language: str | None = None) -> list[Expansion] | None:
        """The expansions of a span of raw query words, or None when it is not a term: by
        its language-neutral key, and by its stems in the query's ``language`` ("sv",
        "en"; None or "mixed": either) among the entries of that language."""
        buckets = []
        if (bucket := self.by_key.get(keys_of(span))) is not None:
            buckets.append(bucket)
        for lang, table in self.by_stem.items():
            bucket = table.get(stem_keys(span, lang)) if language in (None, "mixed", lang) else None
            if bucket is not None:
                buckets.append(bucket)
        if not buckets:
            return None
        if len(buckets) == 1:
            return buckets[0]
        out: list[Expansion] = []
        _extend(out, [e for b in buckets for e in b])
        return out

    def language_of(self, span: tuple[str, ...]) -> set[str]:
        """The languages the span is a term of (empty when unknown)."""
        return self.languages.get(keys_of(span), set())


def _extend(bucket: list[Expansion], expansions: Iterable[Expansion]) -> None:
    """Append the expansions not in ``bucket`` yet (by words and kind)."""
    seen = {(e.words, e.kind) for e in bucket}
    for e in expansions:
        if (e.words, e.kind) not in seen:
            seen.add((e.words, e.kind))
            bucket.append(e)


def keys_of(words: Iterable[str]) -> tuple[str, ...]:
    """The match keys of raw words (language-neutral stems)."""
    return tuple(match_key(w) for w in words)


def stem_keys(words: Iterable[str], lang: str) -> tuple[str, ...]:
    """The keys of raw words by one language's stems ("sv" or "en")."""
    language = "swedish" if lang == "sv" else "english"
    return tuple(match_key(w, language) for w in words)


def _terms(raw: Iterable[object]) -> list[tuple[str, ...]]:
    out = []
    for t in raw:
        words = tuple(tokenize(str(t)))
        if words:
            out.append(words)
    return out


def add_synonyms(vocab: Vocabulary, text: str) -> None:
    """Add the groups of a ``synonyms.toml`` text: every term expands to all others."""
    data = tomllib.loads(text)
    for group in data.get("group", []):
        members: list[Expansion] = []
        for lang in ("sv", "en", "any"):
            members += [Expansion(w, lang, SYNONYM) for w in _terms(group.get(lang, []))]
        for m in members:
            vocab.add(m.words, m.lang, members)


def add_glossary(vocab: Vocabulary, text: str) -> None:
    """Add Swedish/English pairs, one a line: ``Swedish<TAB>English[<TAB>...]``. Lines
    starting with # and a first line naming the columns are skipped. Swedish head words
    that several phrase pairs share get their English head too (see ``_head_pairs``)."""
    pairs: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) < 2 or cols[0].lower() in ("sv", "swedish"):
            continue
        sv, en = _terms([cols[0]]), _terms([cols[1]])
        if sv and en:
            pairs.append((sv[0], en[0]))
    for sv_words, en_words in pairs:
        vocab.add(sv_words, "sv", [Expansion(en_words, "en", TRANSLATION)])
        vocab.add(en_words, "en", [Expansion(sv_words, "sv", TRANSLATION)])
    # inferred, so used where it is needed most: a Swedish question over the English terms
    # suppliers publish ("Vilken lag gäller?" finds "governing law")
    for sv_words, en_words in _head_pairs(pairs):
        vocab.add_swedish_only(sv_words, [Expansion(en_words, "en", TRANSLATION)])


HEAD_PAIRS_FROM = 3  # phrase pairs that must share a head word pair to give it
HEAD_PAIRS_SHARE = 2 / 3  # ... and the share of the phrases ending in that word they must be


def _head_pairs(pairs: list[tuple[tuple[str, ...], tuple[str, ...]]]
                ) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Single-word pairs the glossary's phrases agree on: when HEAD_PAIRS_FROM or more
    phrase pairs, and most of those ending in the Swedish word, end in the same Swedish and
    the same English word ("tillämplig lag" / "applicable law", "tvingande lag" /
    "mandatory law", "svensk lag" / "Swedish law"), those head words translate each other
    ("lag" / "law"). Not when the glossary pairs the Swedish word already, when phrases
    ending in it say other things ("dataskyddsombudets uppgifter" / "tasks of the data
    protection officer" beside "genetiska uppgifter" / "genetic data"), or when a phrase
    opening with it does ("rätt till dataportabilitet" / "right to data portability").
    Head words are compared by their Swedish stems."""
    def key(word: str) -> str:
        return stem_keys((word,), "sv")[0]

    single = {key(sv[0]) for sv, en in pairs if len(sv) == 1}
    heads: dict[tuple[str, str], int] = {}
    ending: dict[str, int] = {}
    for sv, en in pairs:
        if len(sv) >= 2:
            ending[key(sv[-1])] = ending.get(key(sv[-1]), 0) + 1
            if len(en) >= 2:
                heads[(sv[-1], en[-1])] = heads.get((sv[-1], en[-1]), 0) + 1

    def contradicted(sv: str, en: str) -> bool:  # (as written: "laglig" stems as "lag" does)
        return any(s[0] == sv and len(s) >= 2 and en not in e for s, e in pairs)

    return [((sv,), (en,)) for (sv, en), n in heads.items()
            if n >= HEAD_PAIRS_FROM and n >= HEAD_PAIRS_SHARE * ending[key(sv)]
            and sv != en and key(sv) not in single and not contradicted(sv, en)]


def _trigrams(words: tuple[str, ...]) -> set[str]:
    joined = "".join(words)
    return {joined[i : i + 3] for i in range(len(joined) - 2)}


def _family(forms: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The forms of a derivation group that share letters with another form of it (a form
    that shares none, such as a phrase quoted along with the word, is left out)."""
    grams = [_trigrams(f) for f in forms]
    return [
        f
        for i, f in enumerate(forms)
        if any(grams[i] & grams[j] for j in range(len(forms)) if j != i)
    ]


def add_derivations(vocab: Vocabulary, text: str) -> None:
    """Add word families: ``Swedish forms<TAB>English forms[<TAB>...]``, forms separated by
    ``|``. Each form expands to the other forms of its language (derivations) and to the
    forms of the other language (translations)."""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) < 2 or cols[0].lower() in ("sv_forms", "sv"):
            continue
        sv = _family(_terms(cols[0].split("|")))
        en = _family(_terms(cols[1].split("|")))
        for lang, own, other, olang in (("sv", sv, en, "en"), ("en", en, sv, "sv")):
            for form in own:
                vocab.add(
                    form,
                    lang,
                    [Expansion(f, lang, DERIVATION) for f in own if f != form]
                    + [Expansion(f, olang, TRANSLATION) for f in other],
                )


def _resource(name: str) -> str:
    try:
        return resources.files("index").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


# Bump when the built Vocabulary's shape or the analysis behind match_key changes.
_CACHE_FORMAT = 5  # 5: head-word pairs by Swedish stems only; 4: head-word pairs; 3: entries also by their own language's stems
_SOURCES = ("synonyms.toml", "glossary.tsv", "derivations.tsv")


def _build(texts: dict[str, str]) -> Vocabulary:
    vocab = Vocabulary()
    add_synonyms(vocab, texts["synonyms.toml"])
    add_glossary(vocab, texts["glossary.tsv"])
    add_derivations(vocab, texts["derivations.tsv"])
    return vocab


@lru_cache(maxsize=4)
def vocabulary(cache_dir: Path | None = None) -> Vocabulary:
    """The shipped vocabulary, loaded once per process.

    Building it stems every entry, a good part of a command-line search's start-up; with
    ``cache_dir`` (a folder the caller owns, such as the index's) the built tables are kept
    there, named by a hash of the sources and this module, and read back instead. A cache
    file that is missing, stale or unreadable is simply built anew.
    """
    texts = {name: _resource(name) for name in _SOURCES}
    if cache_dir is None:
        return _build(texts)
    # The tables depend on the sources and on the analysis that keys them: the package's
    # code and word lists are part of the name, so an upgrade never reads a stale cache.
    h = hashlib.sha256(repr((_CACHE_FORMAT, sorted(texts.items()))).encode())
    here = Path(__file__).resolve().parent
    for part in sorted(here.glob("*.py")) + sorted(here.glob("*.txt")):
        with contextlib.suppress(OSError):
            h.update(part.name.encode() + b"\0" + part.read_bytes())
    digest = h.hexdigest()
    path = Path(cache_dir) / f"vocabulary-{digest[:20]}.pickle"
    try:
        with path.open("rb") as fh:
            cached = pickle.load(fh)  # the index's own folder: Whoosh's files are pickles too
        if isinstance(cached, Vocabulary):
            return cached
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        pass
    vocab = _build(texts)
    with contextlib.suppress(OSError):  # a read-only index still searches
        for old in Path(cache_dir).glob("vocabulary-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".vocabulary-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(vocab, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # readers see the whole file or none
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    return vocab
