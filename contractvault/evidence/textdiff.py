"""What changed between two versions of published terms, clause by clause.

The texts compared are the agreements' main content as captured (no menus, banners or
buttons). Formatting-only means the same words in the same order once markup, whitespace,
letter case (CSS may upper-case a heading) and the numbering a page generates (ordered
lists, CSS counters, typed-in "1.2" before a line) are dropped.

Changes are found line by line (a paragraph, a list entry or a table row is one line of
the captured text), so entries added to a list are reported as added rows, by name, and
nothing is reported removed that is still there. Changed lines of one clause are reported
as one change of that clause with the words removed and added.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field

from index import segment

_WORD = re.compile(r"\w+", re.UNICODE)
# Numbering at the start of a line: "1.", "2.3", "(a)", "iv)", "§ 4", bullets.
_NUMBERING = re.compile(
    r"^\s*(?:(?:§\s*)?\d+(?:\.\d+)*\.?|\(?[a-z]\)|\(?[ivxlc]+\)|\(?[ivxlc]+\.|[•·▪◦\-–*])\s+",
    re.IGNORECASE,
)
MINOR_CHARS = 4  # a change of at most this many characters, none of them digits, is minor
PAIR_RATIO = 0.5  # lines this similar are one line changed, not one removed and one added


@dataclass
class ClauseChange:
    """One clause (or list/table row) that differs between the two versions."""

    clause: str | None
    change: str  # changed | added | removed
    minor: bool
    before: str | None
    after: str | None
    words_removed: list[str] = field(default_factory=list)
    words_added: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The ``changes[]`` entry of ``recheck --json``."""
        return asdict(self)


@dataclass
class TextComparison:
    """The outcome of comparing two versions."""

    text_changed: bool
    formatting_only: bool
    changes: list[ClauseChange]

    def as_dict(self) -> dict:
        """JSON-able view."""
        return {"text_changed": self.text_changed, "formatting_only": self.formatting_only,
                "changes": [c.as_dict() for c in self.changes]}


@dataclass
class _Line:
    raw: str  # as captured (whitespace collapsed)
    key: str  # words only, numbering dropped, case folded
    clause: str | None


def words(text: str) -> list[str]:
    """The case-folded words of ``text`` with line numbering dropped."""
    out: list[str] = []
    for line in text.splitlines():
        out += _WORD.findall(_NUMBERING.sub("", line).casefold())
    return out


def _lines(text: str) -> list[_Line]:
    """Non-empty lines with the clause each belongs to."""
    clauses = segment([text]) if text.strip() else []
    out: list[_Line] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        start = pos
        pos += len(raw)
        line = " ".join(raw.replace("\t", " | ").split())
        key = " ".join(_WORD.findall(_NUMBERING.sub("", line).casefold()))
        if not key:
            continue
        label = None
        for c in clauses:
            if c.start <= start < c.end or (c.start <= start + len(raw) - 1 < c.end):
                label = c.number or c.heading
                break
        out.append(_Line(raw=line, key=key, clause=label))
    return out


def _word_changes(before: str, after: str) -> tuple[list[str], list[str], bool]:
    """Words removed, words added, and whether the change is minor."""
    a, b = _WORD.findall(before), _WORD.findall(after)
    removed: list[str] = []
    added: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            removed += a[i1:i2]
        if tag in ("replace", "insert"):
            added += b[j1:j2]
    chars = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        a=before, b=after, autojunk=False
    ).get_opcodes():
        if tag != "equal":
            chars += max(i2 - i1, j2 - j1)
    digits = any(ch.isdigit() for w in removed + added for ch in w)
    return removed, added, chars <= MINOR_CHARS and not digits


def _pair(old: list[_Line], new: list[_Line]) -> list[tuple[_Line | None, _Line | None]]:
    """Match replaced lines in order: similar ones are changed, the rest removed/added."""
    pairs: list[tuple[_Line | None, _Line | None]] = []
    j = 0
    for o in old:
        best, best_ratio = None, PAIR_RATIO
        for k in range(j, len(new)):
            ratio = difflib.SequenceMatcher(a=o.key, b=new[k].key, autojunk=False).ratio()
            if ratio >= best_ratio:
                best, best_ratio = k, ratio
        if best is None:
            pairs.append((o, None))
            continue
        pairs += [(None, n) for n in new[j:best]]
        pairs.append((o, new[best]))
        j = best + 1
    pairs += [(None, n) for n in new[j:]]
    return pairs


def compare(before: str, after: str) -> TextComparison:
    """Compare two versions of an agreement's text (see the module docstring)."""
    if words(before) == words(after):
        return TextComparison(False, before != after, [])
    old, new = _lines(before), _lines(after)
    matcher = difflib.SequenceMatcher(a=[x.key for x in old], b=[x.key for x in new],
                                      autojunk=False)
    changes: list[ClauseChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for o, n in _pair(old[i1:i2], new[j1:j2]):
            if o is not None and n is not None:
                removed, added, minor = _word_changes(o.raw, n.raw)
                changes.append(ClauseChange(n.clause or o.clause, "changed", minor, o.raw,
                                            n.raw, removed, added))
            elif o is not None:
                changes.append(ClauseChange(o.clause, "removed", False, o.raw, None,
                                            _WORD.findall(o.raw), []))
            elif n is not None:
                changes.append(ClauseChange(n.clause, "added", False, None, n.raw, [],
                                            _WORD.findall(n.raw)))
    return TextComparison(True, False, _merge(changes))


def _merge(changes: list[ClauseChange]) -> list[ClauseChange]:
    """Consecutive changed lines of one clause become one change of that clause."""
    out: list[ClauseChange] = []
    for c in changes:
        prev = out[-1] if out else None
        if (prev is not None and c.change == "changed" and prev.change == "changed"
                and c.clause is not None and c.clause == prev.clause):
            prev.before = f"{prev.before}\n{c.before}"
            prev.after = f"{prev.after}\n{c.after}"
            prev.words_removed += c.words_removed
            prev.words_added += c.words_added
            prev.minor = prev.minor and c.minor
            continue
        out.append(c)
    return out
