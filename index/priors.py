"""What kind of passage a clause is, and how much it may count in a ranking.

Extracted agreements carry passages that match a query without answering it: lines of
the table of contents ("19.2 Change of Control .... 41"), page headers and footers
("11 12", "Page 3 of 40"), headings whose text is elsewhere ("5. Changes") and scraps of a
few words. Each passage gets a kind at indexing time, and its score is multiplied by the
kind's prior when ranking; a heading alone is moreover never shown above the clause it
heads (see :mod:`index.ranking`).
"""

from __future__ import annotations

import re

CLAUSE = "clause"
TOC = "toc"
FOOTER = "footer"
HEADING = "heading"
SHORT = "short"

SHORT_CHARS = 80  # passages shorter than this are scraps (ramped down below it)

# Score multipliers by kind (tuned on the tuning half of the development set only).
PRIORS = {CLAUSE: 1.0, TOC: 0.15, FOOTER: 0.1, HEADING: 0.3, SHORT: 0.5}

# "19.2 Change of Control 41", "Bilaga 3 Säkerhet ........ 12", "Article 28 Processor 17"
_TOC_LINE_RE = re.compile(
    r"^(?:(?:\d{1,3}(?:\.\d{1,3})*\.?|[A-Z]\.|§\s?\d+|(?:Article|Artikel|Clause|Section|"
    r"Bilaga|Annex|Appendix|Schedule|Avsnitt)\s+\w+)\s+)?"
    r"[^\d\n.]{2,90}?(?:\s*\.{2,}\s*|\s*…+\s*|\s+|\t+)\d{1,3}$",
    re.IGNORECASE,
)
_LEADER_RE = re.compile(r"(\.{3,}|…{2,}|_{3,})\s*\d{1,3}\s*$")
_PAGE_RE = re.compile(
    r"^(?:page|sida|sid\.?|p\.)\s*\d{1,4}(?:\s*(?:of|av|/|\()\s*\d{1,4}\)?)?$|^\d{1,4}\s*(?:/|av|of)\s*\d{1,4}$",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"\w+")


def is_toc_line(line: str) -> bool:
    """A table-of-contents entry: a title and its page number (after dot leaders or not)."""
    line = line.strip()
    if not line or len(line) > 120:
        return False
    if _LEADER_RE.search(line):
        return True
    m = _TOC_LINE_RE.match(line)
    # a sentence that happens to end in a number ("... within 30") is not a TOC line
    return bool(m) and not re.search(r"[.;:,]\s", line) and len(line.split()) <= 14


# A contents entry whose page number ends the line without leaders, loosely (a title may
# hold ";" or ","): "ARTICLE 8 Payment; Records; Audits 24", "… Meters 21 ii"; several
# entries run together on one line: "Section 1.1 Definitions 2 Section 1.2 Other … 11"
_LOOSE_TOC_RE = re.compile(r"^\S.{2,110}\s(?:\d{1,3}|\d{1,3}\s[ivx]{1,5}|[ivx]{2,5})$")
_TOC_ENTRY_RE = re.compile(
    r"(?:ARTICLE|Article|SECTION|Section|Clause|Schedule|Exhibit|Annex)\s+[\dA-Z][\d.]*\s+"
    r"[^\d]{2,80}?\s\d{1,3}(?=\s|$)")
# A contents page's own title; loosely also "Contents" and "Innehåll", which a clause may
# open with as words of its text ("Contents of the service: Storage 100 GB, …")
_CONTENTS_TITLES = ("TABLE OF CONTENTS", "Table of Contents", "CONTENTS", "INNEHÅLLSFÖRTECKNING",
                    "Innehållsförteckning", "INNEHÅLL")
_CONTENTS_HEADER_RE = re.compile(r"\b(?:" + "|".join(_CONTENTS_TITLES) + r")\b")
_TOC_TITLE_RE = re.compile(r"\b(?:" + "|".join((*_CONTENTS_TITLES, "Contents", "Innehåll")) + r")\b")
_ENTRY_WORDS = ("article", "section", "clause", "schedule", "exhibit", "annex")
# a page number after a title word in a contents line ("Scope 1", "Definitions 12"), not
# a quantity ("Storage 100 GB", "Användare 50 st")
_PAGE_REF_RE = re.compile(
    r"(?<=[^\W\d])\s(\d{1,3})(?=\s|$)(?!\s*(?:gb|mb|tb|kb|st|units?|users?|seats?|sessions?|"
    r"hours?|days?|weeks?|months?|years?|minutes?|%|kr|sek|eur|usd|timmar|dagar|veckor|"
    r"månader|år|minuter|användare|licenser|licens)\b)",
    re.IGNORECASE,
)
TOC_PAGE_REFS = 5


def pages_never_go_down(pages: list[int], least: int) -> bool:
    """Whether ``pages`` are a contents page's numbers: at least ``least`` of them and never
    going down (a list of quantities goes up and down)."""
    return len(pages) >= least and all(a <= b for a, b in zip(pages, pages[1:], strict=False))


def _page_numbers_run(text: str) -> bool:
    """Whether ``text`` holds TOC_PAGE_REFS or more page numbers after titles, never going
    down."""
    return pages_never_go_down([int(m.group(1)) for m in _PAGE_REF_RE.finditer(text)], TOC_PAGE_REFS)



def toc_entries(line: str) -> int:
    """How many contents entries the line holds: 1 for one entry ("4.2 Price ..... 7",
    "ARTICLE 2 Licenses 13"), more for entries run together on one line, else 0."""
    lowered = line[:600].lower()
    several = len(_TOC_ENTRY_RE.findall(line)) if any(w in lowered for w in _ENTRY_WORDS) else 0
    return several if several >= 2 else int(is_toc_line(line))


def may_be_toc_line(line: str) -> bool:
    """A line that can stand in a table of contents: an entry, loosely (the page number
    last), or the table's title."""
    return bool(_LOOSE_TOC_RE.match(line)) or names_contents(line) or toc_entries(line) > 0


def names_contents(line: str) -> bool:
    """Whether the line holds a table of contents' title ("TABLE OF CONTENTS", "Innehåll")."""
    return bool(_TOC_TITLE_RE.search(line))


# What a filing or a print adds to each page: the filing's source line ("Source: ACME
# INC, 10-K, 3/1/2001"), confidential-treatment marks (always capitals: "Confidential
# Treatment" in a title is a word of the text)
_FURNITURE_RE = re.compile(
    r"^(?:Source: .{3,120}, \d{1,2}/\d{1,2}/\d{4}"
    r"|\**\s*CONFIDENTIAL TREAT[A-Z]* (?:REQUESTED|REQUEST)?\s*\**|CONFIDENTIAL TREAT[A-Z]*)$"
)
_PAGE_NUMBER_RE = re.compile(r"^[-–—(\s]*(?:\d{1,4}|[ivxlc]{1,6})[-–—)\s]*$", re.IGNORECASE)


def is_page_mark(line: str) -> bool:
    """A page number ("3", "- 4 -", "ii", "Page 3 of 12"), a filing's source line or a
    confidential-treatment mark: what a print or filing adds to a page, for certain."""
    if len(line) > 30 and not line.lstrip().startswith(("Source: ", "CONFIDENTIAL", "*")):
        return False  # page numbers are short (this runs for every line of a document)
    compact = " ".join(line.split())
    return bool(_FURNITURE_RE.match(compact) or _PAGE_RE.match(compact) or _PAGE_NUMBER_RE.match(compact))


def _is_footer(text: str) -> bool:
    """A passage that is only page furniture: a page mark, or a short line of few letters."""
    compact = " ".join(text.split())
    if len(compact) <= 160 and is_page_mark(compact):
        return True
    if len(compact) > 60:
        return False
    letters = sum(c.isalpha() for c in compact)
    return letters <= 3 or letters < 0.3 * len(compact)


def passage_kind(text: str, heading: str | None = None, number: str | None = None) -> str:
    """The kind of a passage: clause, toc, footer, heading or short."""
    compact = " ".join(text.split())
    if not compact:
        return FOOTER
    if _is_footer(compact):
        return FOOTER
    lines = [ln for ln in text.splitlines() if ln.strip()]
    toc_lines = sum(1 for ln in lines if is_toc_line(ln))
    if lines and (toc_lines >= 2 and toc_lines >= 0.5 * len(lines) or len(lines) == 1 and toc_lines):
        return TOC
    if _CONTENTS_HEADER_RE.search(compact[:200]) and _page_numbers_run(compact):
        return TOC  # a contents page extracted as one line: "TABLE OF CONTENTS 1.1 Scope 1 …"
    rest = compact
    # "Bilaga 2, 5" is numbered "5." in the text
    for label in (number, number and number.rsplit(", ", 1)[-1], heading):
        if label and rest.lower().startswith(label.lower()):
            rest = rest[len(label) :].strip(" .:–—-")
    if len(_WORD_RE.findall(rest)) <= 3:
        return HEADING
    if len(compact) < SHORT_CHARS:
        return SHORT
    return CLAUSE


def prior(kind: str, chars: int, priors: dict[str, float] | None = None) -> float:
    """The score multiplier of a passage of ``kind`` and ``chars`` characters (short
    scraps ramp up with their length). Computed when ranking, so it can be tuned without
    re-indexing."""
    table = priors or PRIORS
    base = table.get(kind, 1.0)
    if kind == SHORT:
        base += (1.0 - base) * max(0.0, min(1.0, chars / SHORT_CHARS)) * 0.5
    return base
