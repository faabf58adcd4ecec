"""The domain synonym list (``synonyms.toml``) and matching query words against it."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from index.analysis import match_key, tokenize


@dataclass(frozen=True)
class SynonymGroup:
    """One concept: its name and its terms, each term a tuple of raw lowercase words."""

    name: str
    terms: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class SynonymTable:
    """All groups, and an index from a term's match keys to the groups it belongs to."""

    groups: tuple[SynonymGroup, ...]
    by_key: dict[tuple[str, ...], tuple[int, ...]]
    max_len: int

    def lookup(self, keys: tuple[str, ...]) -> tuple[int, ...]:
        """Indexes of the groups that have a term with exactly these match keys."""
        return self.by_key.get(keys, ())


def parse_synonyms(text: str) -> SynonymTable:
    """Build a table from TOML text with ``[[group]]`` tables of ``name`` and ``terms``."""
    data = tomllib.loads(text)
    groups: list[SynonymGroup] = []
    by_key: dict[tuple[str, ...], list[int]] = {}
    for n, raw in enumerate(data.get("group", [])):
        name = str(raw.get("name", f"group-{n}"))
        terms = tuple(tuple(tokenize(str(t))) for t in raw.get("terms", []))
        terms = tuple(t for t in terms if t)
        groups.append(SynonymGroup(name, terms))
        for term in terms:
            key = tuple(match_key(w) for w in term)
            by_key.setdefault(key, [])
            if n not in by_key[key]:
                by_key[key].append(n)
    max_len = max((len(k) for k in by_key), default=1)
    return SynonymTable(tuple(groups), {k: tuple(v) for k, v in by_key.items()}, max_len)


@lru_cache(maxsize=1)
def synonym_table() -> SynonymTable:
    """The shipped synonym table (``index/synonyms.toml``), loaded once per process."""
    text = resources.files("index").joinpath("synonyms.toml").read_text(encoding="utf-8")
    return parse_synonyms(text)
