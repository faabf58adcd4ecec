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
    return TextComparison(True, False, _merge(_rename_pairs(changes)))


_NAME = re.compile(r"^\s*([^:.;|·]{2,60}?)\s*(?:\([^)]*\))?\s*:")


def _entry_name(text: str | None) -> str | None:
    """The name an entry starts with ("Google Cloud Platform: ..." -> google cloud platform)."""
    m = _NAME.match(text or "")
    if not m or len(m.group(1).split()) > 6:
        return None
    return " ".join(_WORD.findall(m.group(1).casefold())) or None


def _rename_pairs(changes: list[ClauseChange]) -> list[ClauseChange]:
    """An entry removed in one place and added under the same name (restructured, e.g. a
    list entry that now has sub-entries) is that entry changed, not removed."""
    added = [c for c in changes if c.change == "added" and _entry_name(c.after)]
    used: set[int] = set()
    out: list[ClauseChange] = []
    for c in changes:
        name = _entry_name(c.before) if c.change == "removed" else None
        match = None
        if name:
            same = [a for a in added if id(a) not in used and _entry_name(a.after) == name]
            match = next((a for a in same if a.clause == c.clause), same[0] if same else None)
        if match is None:
            out.append(c)
            continue
        used.add(id(match))
        removed, plus, minor = _word_changes(c.before or "", match.after or "")
        out.append(ClauseChange(match.clause or c.clause, "changed", minor, c.before,
                                match.after, removed, plus))
    return [c for c in out if id(c) not in used]


def _row_like(text: str | None) -> bool:
    """A table row or a list entry with parts (kept as a change of its own)."""
    return text is None or " | " in text or " · " in text or len(_WORD.findall(text)) < 8


def _merge(changes: list[ClauseChange]) -> list[ClauseChange]:
    """Consecutive changed paragraphs of one clause become one change of that clause; rows
    of a list or table stay changes of their own."""
    out: list[ClauseChange] = []
    for c in changes:
        prev = out[-1] if out else None
        if (prev is not None and c.change == "changed" and prev.change == "changed"
                and c.clause is not None and c.clause == prev.clause
                and not any(_row_like(t) for t in (c.before, c.after, prev.before, prev.after))):
            prev.before = f"{prev.before}\n{c.before}"
            prev.after = f"{prev.after}\n{c.after}"
            prev.words_removed += c.words_removed
            prev.words_added += c.words_added
            prev.minor = prev.minor and c.minor
            continue
        out.append(c)
    return out
