"""Clause segmentation of extracted agreement text.

Pages are joined with a form feed (:func:`join_pages`); every :class:`Clause` carries its
character range in that joined text and the 1-based page it starts on.

A clause starts at a line that opens with

* a clause number: "8.3.4", "1.1.", "17." (a number must be a plausible next number: a
  sibling, a child, or the next number at a higher level of the previous clause;
  numbering restarts only at the start or after an annex heading),
* a keyword and a number: "§ 12", "Clause 17", "Artikel 28", "Article 28",
  "Section 4.2", "Punkt 3",
* an annex heading: "Bilaga 1 – Kontaktpersoner", "Annex 2", "Appendix A",
* a Markdown heading ("## 2.1 Digitala tjänster") or an all-capitals heading line.

Dates ("2024-03-05"), numbers inside running text ("4 kap.", "(2001:453)", amounts,
times, "5 §"), table-of-contents lines and table rows do not start clauses: a numbered line
must be followed by a capitalised word (or, for multi-level numbers, a number or §), must
not be followed by a unit, month or year, and must fit the sequence.

No text is dropped: every character of the text is in some passage. A numbered heading
with no text of its own before its first sub-clause ("17. Frånträde" then "17.1 ...") is no
clause of its own: when the sub-clause has no heading, the sub-clause starts at that line
and is headed "Frånträde" (as are the later sub-clauses without a heading); when it has
one ("13. Tvistelösning och tillämplig lag" then "13.1 Tillämplig lag"), the section's
heading is a passage of its own, of kind "heading" (:mod:`index.priors`), which a search
shows as the sub-clause after it (:mod:`index.collapse`). An annex title alone is a heading
passage too; other headings alone ("SECTION II – …") and a title line right before a clause
that has no heading ("Your Privacy" before "1. Your Privacy. …") open the clause after them.
Unnumbered text (a preamble, unnumbered sections, documents without structure) falls back
to paragraphs merged into passages of a few hundred characters.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from index.model import Clause
from index.priors import (
    is_page_mark,
    may_be_toc_line,
    names_contents,
    pages_never_go_down,
    toc_entries,
)

PAGE_SEPARATOR = "\f"

MIN_PASSAGE = 400  # merge paragraphs until a passage has at least this many characters
MAX_PASSAGE = 1500  # ... and at most this many (unnumbered text)
MAX_CLAUSE = 4000  # a numbered clause longer than this is split at paragraph breaks

# "8.2", "8.2.1", and with a schedule letter first "A.9", "G.2" (the letter is the first level)
_NUMBER_RE = re.compile(r"^((?:[A-Z]\.)?\d{1,3}(?:\.\d{1,3}){0,5})(\.?)(?=\s|$)\s*(.*)$")
_KEYWORD_RE = re.compile(
    r"^(§|Clause|CLAUSE|Article|ARTICLE|Artikel|ARTIKEL|Section|SECTION|Avsnitt|AVSNITT|"
    r"Punkt|PUNKT|Paragraf|PARAGRAF)\s*((?:[A-Z]\.)?\d{1,3}(?:\.\d{1,3}){0,4})\.?(?=[\s:.–—-]|$)"
    r"\s*[:.–—-]?\s*(.*)$"
)
_ANNEX_WORDS = ("Bilaga|BILAGA|Annex|ANNEX|Appendix|APPENDIX|Schedule|SCHEDULE|Exhibit|EXHIBIT|"
                "Attachment|ATTACHMENT")
_ANNEX_RE = re.compile(
    rf"^({_ANNEX_WORDS})\s+(\d{{1,2}}|[A-Z]|[IVX]{{1,5}})\b\s*(?:[–—:-]\s*(.*))?$"
)
_MARKDOWN_RE = re.compile(r"^(#{1,6})\s+(.*)$")
# "- 2.8 Assessing Compliance. …": a bullet before a multi-level clause number (web pages
# turned into lists); a bullet before "1." or "3" is an ordinary list's item
_BULLET_NUMBER_RE = re.compile(r"^[-•*–]\s+(?=\d{1,3}\.\d{1,3}(?:\.\d{1,3})*\.?\s)")
_TOC_RE = re.compile(r"(\.{3,}|…{2,}|\t)\s*\d{1,3}\s*$")
_YEAR_START_RE = re.compile(r"^(\d{4}\b|\d{4}-\d{2}-\d{2})")
_LIST_MARKER_RE = re.compile(r"^([a-zåäö]|[ivx]{1,4})[.)]\s")
# "MODULE TWO: Transfer controller to processor", "OPTION 1: …": a capitals lead-in and a
# colon, a label for what follows
_LEAD_LABEL_RE = re.compile(r"^[A-ZÅÄÖ]{3,}(?:\s+[A-ZÅÄÖ0-9]+){0,3}\s*:\s*\S")
# Where a clause starts inside a long line: after a sentence's end, a title in capitals or a
# run of spaces (column layouts), a clause word and its number, a multi-level number before
# a capital, or "1." before a title in capitals. Whether it does start a clause is left to
# the numbering sequence, as for any line.
LONG_LINE = 400
# where _INLINE_START_RE may match (a cheap scan of long lines before the full pattern)
_CUT_CANDIDATE_RE = re.compile(r"(?<!\s)\s++(?=\d|ARTICLE|Article|SECTION|Section)")
_INLINE_START_RE = re.compile(
    r"(?<=[.;:!?\"”)\]])\s++(?=(?:ARTICLE|Article|SECTION|Section)\s+(?:\d{1,2}|[IVXL]{1,6}\b|[A-Z]{3,}\b))"
    r"|(?:(?<=[.;:!?\"”)\]])\s++|\s{3,}+)"
    r"(?=\d{1,2}(?:\.\d{1,2}){1,4}\.?\s+[\"“(]?[A-ZÅÄÖ]|\d{1,2}\.\s+[\"“(]?[A-ZÅÄÖ]{3,})"
    # after a title in capitals ("… DOCUMENTATION 2.1 Provision"): a number only, as a
    # clause word there is mostly a reference in capitalised text ("UNDER SECTION 8 OF")
    r"|(?<=[A-ZÅÄÖ]{2})\s++(?=\d{1,2}(?:\.\d{1,2}){1,4}\.?\s+[\"“(]?[A-ZÅÄÖ][a-zåäö])"
)
# a full stop that ends an abbreviation, not a sentence: no clause starts after it
# ("U.S. 1.3 Million", "Jan. 2.1 …", "No. 4")
_ABBREVIATION_END_RE = re.compile(
    r"(?<![A-Za-z])(?:[A-Z]|No|Nr|Sec|Art|kap|p|s|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Okt|Nov|Dec)\.$")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9\"”(])")

_MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "oct", "nov", "dec", "january", "february", "march", "may", "june", "july", "august", "october"]
_UNITS = ["kap", "kap.", "§", "§§", "st", "st.", "%", "procent", "kr", "kr.", "sek", "tkr", "mkr", "mnkr", "miljoner", "miljarder", "tusen", "million", "millions", "billion", "billions", "thousand", "euro", "eur", "usd", "dollar", "timmar", "timme", "tim", "h", "min", "minuter", "sekunder", "sek.", "dagar", "dag", "dygn", "veckor", "vecka", "månader", "månad", "år", "ggr", "gånger", "stycken", "personer", "anrop", "mb", "gb", "tb", "kb", "x", "×", "hours", "hour", "days", "day", "weeks", "week", "months", "month", "years", "year", "minutes", "seconds", "percent", "per", "-", "–", "—"]
_BLOCKED_FIRST_WORDS = frozenset(_MONTHS + _UNITS)
_FUNCTION_WORD_ENDINGS = frozenset(
    ["för", "av", "och", "till", "i", "om", "med", "på", "inom", "mellan", "samt", "enligt", "vid", "att", "som", "så", "en", "ett", "den", "det", "de", "vilken", "vilka", "vilket", "där", "när", "eller", "–", "-", "of", "and", "for", "to", "in", "on", "the", "with", "under", "by", "from", "a", "an", "that", "which", "or"]
)


def join_pages(pages: list[str]) -> str:
    """The joined document text that clause character ranges refer to (form-feed separated)."""
    return PAGE_SEPARATOR.join(pages)


BOILERPLATE_REPEATS = 3  # a page's running footer or header repeats on at least this many pages


def _line_key(line: str) -> str:
    """A line as repeated on every page: whitespace and page numbers do not count."""
    return re.sub(r"\d+", "#", " ".join(line.split()))


def boilerplate_lines(text: str) -> frozenset[str]:
    """The page furniture of a document (as ``_line_key`` forms): page numbers, filing
    lines, and running footers or headers, that is lines of 20-400 characters that repeat
    on BOILERPLATE_REPEATS or more pages, each time next to a page break or another piece
    of furniture ("Proprietary and Confidential This Agreement … 4" over "Source: …").
    Clause text repeated in a document (the EU SCCs' modules) is not next to page breaks
    and stays."""
    lines = list(re.finditer(r"[^\n\f]+", text))
    furniture = [is_page_mark(m.group(0)) for m in lines]
    out = {_line_key(m.group(0)) for m, f in zip(lines, furniture, strict=True) if f}
    # lines that repeat at all (cheap), then those of them next to page breaks
    keys = [_line_key(m.group(0)) if not f and 20 <= len(m.group(0)) <= 400 else ""
            for m, f in zip(lines, furniture, strict=True)]
    repeated = Counter(keys)
    counts: Counter[str] = Counter()
    for i, (m, key) in enumerate(zip(lines, keys, strict=True)):
        if not key or repeated[key] < BOILERPLATE_REPEATS:
            continue
        before = text[lines[i - 1].end() : m.start()] if i else "\f"
        after = text[m.end() : lines[i + 1].start()] if i + 1 < len(lines) else "\f"
        at_break = _is_page_gap(before) or _is_page_gap(after)
        near = (i and furniture[i - 1]) or (i + 1 < len(lines) and furniture[i + 1])
        if at_break or near:
            counts[key] += 1
    out |= {k for k, c in counts.items() if c >= BOILERPLATE_REPEATS}
    out.discard("")
    return frozenset(out)


def _is_page_gap(gap: str) -> bool:
    """A page break between two lines: a form feed or three blank lines."""
    return "\f" in gap or gap.count("\n") >= 4


def without_boilerplate(text: str, boilerplate: frozenset[str]) -> str:
    """``text`` without its lines of page furniture (what is indexed of a clause; its
    stored text keeps them, as every character of the document stays in some clause)."""
    if not boilerplate:
        return text
    kept = [ln for ln in re.split(r"(?<=\n)", text) if _line_key(ln) not in boilerplate]
    return "".join(kept)


def tidy_text(text: str) -> str:
    """Readable clause text: broken PDF lines joined, list items and sentences kept apart."""
    lines = [" ".join(line.split()) for line in re.split(r"[\n\f]", text)]
    out: list[str] = []
    for line in lines:
        if not line:
            continue
        if not out:
            out.append(line)
            continue
        prev = out[-1]
        starts_item = bool(
            _LIST_MARKER_RE.match(line)
            or line[:1] in "•-–*"
            or _NUMBER_RE.match(line)
            and line[:1].isdigit()
        )
        if starts_item or prev.endswith((".", ":", ";", "!", "?")) and line[:1].isupper():
            out.append(line)
        else:
            out[-1] = prev + " " + line
    return "\n".join(out)


@dataclass
class _Line:
    start: int  # offset of the first non-blank character
    end: int  # offset after the last non-blank character
    text: str  # stripped text
    inline: bool = False  # cut out of a longer line (see _lines)


@dataclass
class _Start:
    line: int  # index into the line list
    kind: str  # "number", "keyword", "annex", "markdown", "caps", "soft"
    number: tuple[int, ...] | None = None
    label: str | None = None  # displayed clause number, e.g. "8.3.4", "§ 12", "Bilaga 2"
    heading: str | None = None
    heading_lines: int = 0  # lines after the first that belong to the heading
    own_heading: bool = False
    children: list[int] = field(default_factory=list)


def _lines(text: str) -> list[_Line]:
    """The non-blank lines of ``text``; a very long line is also cut where a clause number
    starts inside it (text extracted with one line per page: "… of this Agreement. 1.2
    Goodwill. Licensee …", "… DOCUMENTATION 2.1 Provision …", "…     2.3. Quote …")."""
    out = []
    for m in re.finditer(r"[^\n\f]+", text):
        raw = m.group(0)
        stripped = raw.strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip())
        start = m.start() + lead
        if len(stripped) < LONG_LINE:
            out.append(_Line(start, start + len(stripped), stripped))
            continue
        cuts = [start]
        for cand in _CUT_CANDIDATE_RE.finditer(stripped):
            cut = _INLINE_START_RE.match(stripped, cand.start())
            if (cut and start + cut.end() > cuts[-1]
                    and not _ABBREVIATION_END_RE.search(stripped[max(0, cand.start() - 12) : cand.start()])):
                cuts.append(start + cut.end())
        for a, b in zip(cuts, [*cuts[1:], start + len(stripped)], strict=True):
            piece = text[a:b].rstrip()
            if piece:
                out.append(_Line(a, a + len(piece), piece, inline=a != start))
    return out


LETTER_LEVEL = 1000  # where schedule letters count from in a parsed clause number


def _parse_number(s: str) -> tuple[int, ...] | None:
    parts = s.split(".")
    if len(parts[0]) > 1 and parts[0].startswith("0") or "00" in parts:
        return None  # times ("08.00", "12.00") and zero-padded figures; "2.01" is a section
    # a schedule letter counts as its place in the alphabet, apart from numbers: A.12 -> B.1
    # is a sibling step, 1.2 -> B.1 is none
    nums = tuple(LETTER_LEVEL + ord(p) - ord("A") + 1 if p.isalpha() else int(p) for p in parts)
    if any(n == 0 for n in nums) or nums[0] > 99 and not parts[0].isalpha():
        return None
    return nums


def _plausible_next(prev: tuple[int, ...] | None, cand: tuple[int, ...]) -> bool:
    """True when ``cand`` can follow ``prev`` in a clause numbering."""
    if prev is None:
        cand = tuple(n % LETTER_LEVEL for n in cand)  # "A.1" opens as "1.1" does
        return all(n <= 20 for n in cand) and cand[-1] <= 3 or cand == (1,) * len(cand)
    if cand[: len(prev)] == prev and len(cand) > len(prev):
        # a child: 8.3 -> 8.3.1 (or 8.3.1.1 when a level is skipped)
        extra = cand[len(prev) :]
        return len(extra) <= 2 and all(n <= 2 for n in extra)
    for k in range(len(prev)):
        if cand[:k] == prev[:k] and len(cand) >= k + 1 and prev[k] < cand[k] <= prev[k] + 2:
            # a sibling at level k (8.3.7 -> 8.4 -> 9), optionally opening sub-levels
            rest = cand[k + 1 :]
            return len(rest) <= 2 and all(n <= 1 for n in rest)
    return False


def _first_word(rest: str) -> str:
    return rest.split(maxsplit=1)[0].lower() if rest.split() else ""


def _number_rest_ok(rest: str, depth: int) -> bool:
    """Whether the text after a clause number looks like the start of a clause."""
    if not rest:
        return depth > 1
    if _TOC_RE.search(rest) or _YEAR_START_RE.match(rest):
        return False
    word = _first_word(rest).strip(",;")
    if word in _BLOCKED_FIRST_WORDS:
        return False
    first = rest[0]
    if first.isupper() or first in "\"”“'«(":
        return True
    return depth > 1 and (first.isdigit() or first == "§")


def _is_caps_heading(text: str) -> bool:
    if not 4 <= len(text) <= 70:
        return False
    letters = [c for c in text if c.isalpha()]
    words = [w for w in text.split() if any(c.isalpha() for c in w)]
    return (
        4 <= len(text) <= 70
        and len(words) >= 2
        and all(c.isupper() for c in letters)
        and any(len(w) >= 4 for w in words)
        and not text.endswith((".", ",", ";"))
    )


# lowercase in a title ("Liability if Controller SCCs Apply", "Use of our Services")
_SMALL_WORDS = frozenset(
    ["a", "an", "and", "as", "at", "by", "for", "from", "if", "in", "into", "of", "on", "or",
     "per", "the", "to", "upon", "via", "with", "our", "your", "its", "their", "this",
     "av", "eller", "för", "i", "med", "och", "om", "på", "till", "vid"]
)


def _title_case(text: str) -> str:
    """A title in capitals as a reader writes it: "GRANT AND SCOPE OF LICENSE" -> "Grant and
    Scope of License", roman numerals kept ("ARTICLE VIII" -> "Article VIII")."""
    out = []
    for k, word in enumerate(text.split()):
        if re.fullmatch(r"[IVXL]{1,6}", word) and word not in ("I", "L"):
            out.append(word)
        elif word.startswith("(") and word.strip("()[].,;:").isupper():
            out.append(word)  # "(MSA)", "(SLA)": an abbreviation
        elif k and word.lower() in _SMALL_WORDS:
            out.append(word.lower())
        else:
            out.append(word.capitalize() if word.isalpha() else word.title())
    return " ".join(out)


def _clean_heading(text: str) -> str:
    text = re.sub(r"[*_`]+", "", text)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(text.split()).strip(" -–—:")


def _heading_continuation(lines: list[_Line], i: int, first: str, text: str) -> int:
    """How many lines after line ``i`` continue a heading that starts with ``first``."""
    count = 0
    current = first
    j = i + 1
    if len(first) > 50:
        return 0  # a long first line is running text, not a wrapped title
    while j < len(lines) and count < 3:
        nxt = lines[j].text
        if "," in nxt or len(nxt.split()) > 8:
            break
        adjacent = "\n\n" not in text[lines[j - 1].end : lines[j].start] and "\f" not in (
            text[lines[j - 1].end : lines[j].start]
        )
        if not adjacent or len(nxt) > 70 or _NUMBER_RE.match(nxt) and nxt[0].isdigit():
            break
        ends_open = bool(current.split()) and current.split()[-1].lower() in _FUNCTION_WORD_ENDINGS
        # a sentence or a capitalised line only continues a heading left open ("... för")
        if not ends_open and (nxt.endswith((".", ";")) or not nxt[:1].islower()):
            break
        current = nxt
        count += 1
        j += 1
    return count


_REFERENCE_WORDS = frozenset(
    ["of", "to", "and", "or", "in", "on", "above", "below", "hereof", "herein", "hereto", "shall", "will", "may", "is", "are", "and/or", "through", "i", "och", "eller", "ovan", "nedan", "ska", "skall"]
)

def _is_reference(rest: str) -> bool:
    """Whether the text after a clause word and number, inside a long line of capitals,
    continues a sentence citing it ("… AGREEMENT. SECTION 8 OF THIS AGREEMENT SHALL …"),
    not a clause's title ("SECTION 2.1 SERVICES"); in mixed case the lowercase word after
    the number ("Section 9 shall") already tells."""
    words = rest.split(maxsplit=1)
    return bool(words) and words[0].strip(",;").lower() in _REFERENCE_WORDS and rest[:40].isupper()


_VERBISH = frozenset(
    ["ska", "skall", "får", "äger", "är", "har", "kan", "bör", "måste", "shall", "will", "must", "may", "is", "are", "has", "have", "can", "should", "means"]
)


def _looks_like_heading(first: str, next_text: str | None) -> bool:
    """True when the text after a clause number is a short title rather than a sentence."""
    if not first or len(first) > 120 or first.endswith((".", ",", ";", ":")):
        return False
    if not first[0].isalpha() and first[0] not in "\"”“'«":
        return False
    words = first.split()
    if len(words) > (10 if len(first) <= 70 else 16) or re.search(r"[.;]\s", first):
        return False
    if any(w.lower() in _VERBISH for w in words):
        return False
    if next_text is None:
        return True
    if words[-1].lower() in _FUNCTION_WORD_ENDINGS:
        return False
    if _LIST_MARKER_RE.match(next_text) or next_text[:1] in "•-–*":
        return True
    return not next_text[:1].islower()


def _number_candidate(
    text: str, lines: list[_Line], i: int, annex: str | None
) -> _Start | None:
    """A line that may start a numbered clause (whether it does depends on the sequence)."""
    line = lines[i].text
    bullet = _BULLET_NUMBER_RE.match(line)
    m = _NUMBER_RE.match(line[bullet.end() :] if bullet else line)
    if not m:
        return None
    number = _parse_number(m.group(1))
    rest = m.group(3).strip()
    if number is None or not _number_rest_ok(rest, len(number)) or lines[i].inline and not rest:
        return None
    label = m.group(1) if not annex else f"{annex}, {m.group(1)}"
    start = _Start(i, "number", number, label)
    if rest:
        cont = _heading_continuation(lines, i, rest, text)
        after = i + cont + 1
        nxt = lines[after].text if after < len(lines) else None
        if cont:
            head_text = " ".join([rest] + [lines[i + k].text for k in range(1, cont + 1)])
            if _looks_like_heading(head_text, nxt):
                start.heading, start.heading_lines = _clean_heading(head_text), cont
                start.own_heading = True
        else:
            _own_title(start, rest, nxt)
    return start


def _own_title(start: _Start, rest: str, next_text: str | None) -> None:
    """Give ``start`` the title on its own line: the whole text after its number when that
    is a title ("4. Tvistelösning"), else a title its text opens with ("2.1 Fees. …")."""
    title = _clean_heading(rest) if _looks_like_heading(rest, next_text) else _run_in_title(rest)
    if title:
        start.heading, start.own_heading = title, True


_RUN_IN_RE = re.compile(r"^([A-ZÅÄÖ][^.;:!?\n]{1,78}?)\.(?:\s+(?=[A-ZÅÄÖ\"“(])|$)")


def _run_in_title(rest: str) -> str | None:
    """The title a clause's text opens with, ended by a full stop: "Scope of Agreement.
    Subject to …", "HOSTING SOFTWARE LICENSE. Subject to …", or a title alone ("Workflow
    Development Plans."). Only a title case or capitals phrase of a few words counts, so a
    sentence ("The Provider will process Customer Data.") is not taken for one."""
    m = _RUN_IN_RE.match(rest)
    if not m:
        return None
    title = m.group(1).strip()
    words = title.split()
    if not 1 <= len(words) <= 10 or words[-1].lower() in _FUNCTION_WORD_ENDINGS:
        return None
    if any(w.lower() in _VERBISH for w in words):
        return None
    if title.isupper():
        return _clean_heading(_title_case(title)) if any(len(w) >= 4 for w in words) else None
    # title case: every word capitalised but the small ones ("Scope of Agreement"); a
    # sentence has lowercase words ("Fakturaavgift tas ej ut")
    if not any(sum(c.isalpha() for c in w) >= 4 for w in words) or not all(
        w[:1].isupper() or not w[:1].isalpha() or w.lower() in _SMALL_WORDS for w in words
    ):
        return None
    return _clean_heading(title)


def _restarts_sub_numbering(prev: tuple[int, ...], cand: tuple[int, ...]) -> bool:
    """True when ``cand`` opens the sub-numbering of ``prev``'s parent again: "8.1" after
    "8.9" (the EU SCCs repeat Clause 8's sub-clauses once per module), "3.1.1" after
    "3.1.4"."""
    return len(cand) >= 2 and cand[-1] == 1 and cand[:-1] == prev[: len(cand) - 1] and (
        prev[len(cand) - 1 :] != (1,)
    )


def _longest_chain(cands: list[_Start], prev: tuple[int, ...] | None) -> list[_Start]:
    """The candidates forming the longest plausible numbering sequence (dynamic programming).

    A candidate may open the chain when it can follow ``prev`` (or, with ``prev`` None, when
    it looks like a first number). A title-like "1." may also restart the numbering, at a
    cost, so documents that bundle several numbered parts keep them all.
    """
    n = len(cands)
    best = [0.0] * n
    back = [-1] * n
    for i, cand in enumerate(cands):
        num = cand.number or ()
        score = 1.0 if _plausible_next(prev, num) else 0.0
        # a title-like "1." restarts the numbering, as does a schedule's "B.1" after numbers
        restart = num == (1,) and cand.own_heading or (
            len(num) == 2 and num[0] > LETTER_LEVEL and num[1] == 1)
        for j in range(max(0, i - 400), i):
            if not best[j]:
                continue
            if _plausible_next(cands[j].number, num):
                gain = 1.0
            elif restart or _restarts_sub_numbering(cands[j].number or (), num):
                gain = 0.5
            else:
                continue
            if best[j] + gain > score:
                score, back[i] = best[j] + gain, j
        best[i] = score
    if not n or max(best) == 0:
        return []
    i = max(range(n), key=lambda k: (best[k], k))
    chain = []
    while i >= 0:
        chain.append(cands[i])
        i = back[i]
    return chain[::-1]


TOC_RUN = 3  # entries in a row that make a table of contents
ANNEX_LIST = 3  # annex titles in a row, none with text, that list the annexes


def _toc_lines(lines: list[_Line]) -> set[int]:
    """The lines of tables of contents, whose numbers are not clause numbers (read as such
    they form a chain that leaves the body's real numbering out): runs of contents lines
    with TOC_RUN or more entries ("ARTICLE 2 Licenses 13"), under a contents title
    ("TABLE OF CONTENTS") or with page numbers that never go down and titles without a
    verb (so "1.1 The monthly fee is SEK 100" lines stay clauses); and lists of ANNEX_LIST
    or more annex titles with nothing between them ("Exhibit B: Security Requirements")."""
    n = len(lines)
    entries: list[int] = []
    loose: list[bool] = []
    for ln in lines:
        t = ln.text
        # an entry ends in its page number (the checks are costly for every line)
        paged = t[-1].isdigit() or t[-1] in "ivx"
        entries.append(toc_entries(t) if paged else 0)
        # page marks between entries (a page break inside the table) do not end it
        loose.append(paged and may_be_toc_line(t) or len(t) <= 160 and (
            names_contents(t) or is_page_mark(t)))
    out: set[int] = set()
    i = 0
    while i < n:
        if not loose[i]:
            i += 1
            continue
        j = i
        while j < n and loose[j]:
            j += 1
        run = range(i, j)
        if sum(entries[k] for k in run) >= TOC_RUN and (
            any(names_contents(lines[k].text) for k in range(max(0, i - 3), j))
            or _reads_as_contents([lines[k].text for k in run if entries[k]])
        ):
            out.update(run)
        i = j
    i = 0
    while i < n:
        j = i
        while j < n and _ANNEX_LIST_RE.match(lines[j].text):
            j += 1
        if j - i >= ANNEX_LIST:
            out.update(range(i, j))
        i = max(j, i + 1)
    return out


def _reads_as_contents(entries: list[str]) -> bool:
    """Entries without a contents title: page numbers that never go down, no verb."""
    pages = [int(m.group(1)) for e in entries if (m := re.search(r"(\d{1,3})\D*$", e))]
    return pages_never_go_down(pages, TOC_RUN) and not any(
        w.lower() in _VERBISH for e in entries for w in e.split())


_ANNEX_LIST_RE = re.compile(
    rf"^(?:{_ANNEX_WORDS}|Addendum|ADDENDUM)\s+(?:\d{{1,2}}|[A-Z]|[IVX]{{1,5}})\b\s*[:–—-]\s*\S.{{0,80}}$"
)


def _find_starts(text: str, lines: list[_Line]) -> list[_Start]:
    starts: list[_Start] = []
    annex: str | None = None
    keyword_prev: dict[str, tuple[int, ...]] = {}
    block: list[_Start] = []
    block_prev: tuple[int, ...] | None = None
    # the number of the keyword clause ("Clause 8") whose sub-clauses the current block
    # holds, in a document structured by a keyword (two or more lines open with it)
    under_keyword: tuple[int, ...] | None = None
    keyword_lines: dict[str, int] = {}
    for line in lines:
        km = _KEYWORD_RE.match(line.text)
        if km:
            keyword_lines[km.group(1).lower()] = keyword_lines.get(km.group(1).lower(), 0) + 1

    def close_block() -> None:
        cands = block
        if under_keyword is not None:
            # "Article 1" then "1. ...", "2. ...": numbered paragraphs of the article, not
            # clauses; only "8.1", "8.2" under "Clause 8" are its sub-clauses
            k = len(under_keyword)
            cands = [c for c in block if c.number and len(c.number) > k and c.number[:k] == under_keyword]
        starts.extend(_longest_chain(cands, block_prev))
        block.clear()

    toc = _toc_lines(lines)
    for i, line in enumerate(lines):
        s = line.text
        if i in toc:
            continue
        m = _MARKDOWN_RE.match(s)
        if m:
            title = _clean_heading(m.group(2))
            if not title:
                continue
            close_block()
            nm = _NUMBER_RE.match(title)
            number = _parse_number(nm.group(1)) if nm and nm.group(3) else None
            if number is not None and nm is not None:
                starts.append(
                    _Start(i, "markdown", number, nm.group(1), _clean_heading(nm.group(3)),
                           own_heading=True)
                )
            else:
                starts.append(_Start(i, "markdown", None, None, title))
            block_prev, annex, under_keyword = number, None, None
            continue
        m = _ANNEX_RE.match(s)
        if m and not _TOC_RE.search(s):
            close_block()
            label = f"{m.group(1).capitalize()} {m.group(2)}"
            heading = _clean_heading(m.group(3) or "")
            start = _Start(i, "annex", None, label, heading or None)
            if heading:
                start.heading_lines = _heading_continuation(lines, i, heading, text)
                extra = " ".join(lines[i + k].text for k in range(1, start.heading_lines + 1))
                start.heading = _clean_heading(f"{heading} {extra}")
            starts.append(start)
            block_prev, annex, under_keyword = None, label, None
            keyword_prev.clear()
            continue
        m = _KEYWORD_RE.match(s)
        if m:
            kw, num_s, rest = m.group(1), m.group(2), m.group(3).strip()
            number = _parse_number(num_s)
            ok_rest = (not rest or rest[0].isupper() or rest[0] in "\"”“'«") and not (
                line.inline and _is_reference(rest))
            key = kw.lower()
            if (
                number is not None
                and ok_rest
                # inside a line, only a clause word with a title or text opens a clause
                and (rest or not line.inline)
                and _first_word(rest) not in _BLOCKED_FIRST_WORDS
                and not _TOC_RE.search(rest)
                and (
                    key not in keyword_prev
                    or _plausible_next(keyword_prev[key], number)
                    or kw == "§"
                    # an excerpt of articles ("Article 28", "Article 32", "Article 33")
                    or len(number) == 1 == len(keyword_prev[key]) and number > keyword_prev[key]
                )
            ):
                label = f"§ {num_s}" if kw == "§" else f"{kw.capitalize()} {num_s}"
                if annex:
                    label = f"{annex}, {label}"
                start = _Start(i, "keyword", number, label)
                if rest:
                    _own_title(start, rest, _next_text(lines, i))
                elif _title_line(lines, i + 1, text):
                    # "Clause 8" alone on its line, its title on the next: "Data protection
                    # safeguards"
                    start.heading = _clean_heading(lines[i + 1].text)
                    start.heading_lines, start.own_heading = 1, True
                # "Clause 8" then "8.1 ...": the numbers after a keyword clause are read
                # as its sub-clauses (the numbering before it is settled)
                close_block()
                block_prev = number
                under_keyword = number if keyword_lines.get(key, 0) >= 2 else None
                starts.append(start)
                keyword_prev[key] = number
                continue
        cand = _number_candidate(text, lines, i, annex)
        if cand is not None:
            block.append(cand)
            continue
        if (_is_caps_heading(s) and not _NUMBER_RE.match(s) and not _is_table_row(s)
                and not is_page_mark(s)):
            starts.append(_Start(i, "caps", None, None, _clean_heading(_title_case(s))))
    close_block()
    starts.sort(key=lambda st: st.line)
    return starts


def _title_line(lines: list[_Line], i: int, text: str) -> bool:
    """Whether line ``i`` is a short title (of the keyword line before it): not a number,
    list item, keyword or annex line, and followed by text or the end."""
    if i >= len(lines):
        return False
    s = lines[i].text
    if (
        len(s) > 100
        or _NUMBER_RE.match(s)
        or _LIST_MARKER_RE.match(s)
        or s[:1] in "•-–*("
        or _KEYWORD_RE.match(s)
        or _ANNEX_RE.match(s)
        or "\f" in text[lines[i - 1].end : lines[i].start]
    ):
        return False
    return _looks_like_heading(s, _next_text(lines, i))


def _next_text(lines: list[_Line], i: int) -> str | None:
    return lines[i + 1].text if i + 1 < len(lines) else None


def _soft_headings(text: str, lines: list[_Line]) -> list[_Start]:
    """Short stand-alone title lines in a document without numbering or headings."""
    starts = []
    for i, line in enumerate(lines):
        s = line.text
        if not (3 <= len(s) <= 60) or not s[:1].isupper() or s.endswith((".", ",", ";", ":", "?")):
            continue
        if len(s.split()) > 8 or _TOC_RE.search(s) or _is_table_row(s):
            continue
        before = text[lines[i - 1].end : line.start] if i else "\n\n"
        nxt = lines[i + 1].text if i + 1 < len(lines) else ""
        if i + 3 < len(lines) and all(_is_cell(lines[k].text) for k in range(i + 1, i + 4)) and (
            "\n\n" not in text[line.end : lines[i + 1].start]
        ):
            continue  # a table's header cell, its other cells on the lines right after it
        blank_before = before.count("\n") >= 2 or "\f" in before
        prev_open = i > 0 and lines[i - 1].text.endswith(",")
        if blank_before and not prev_open and nxt[:1].isupper():
            starts.append(_Start(i, "soft", None, None, _clean_heading(s)))
    return starts


def _is_table_row(s: str) -> bool:
    """A row of a table as extracted text: cells apart by tabs or bars."""
    return "\t" in s or s.count("|") >= 2


def _is_cell(s: str) -> bool:
    """A line that may be one table cell: a few words, no sentence."""
    return 0 < len(s) <= 40 and len(s.split()) <= 5 and not s.endswith((".", ":", ";", "!", "?", ","))


def _attach_lead_labels(lines: list[_Line], starts: list[_Start]) -> None:
    """A label line right before a numbered clause ("MODULE TWO: Transfer controller to
    processor" before "8.1 Instructions") belongs to that clause, not to the end of the one
    before: the clause starts at the label, whose words join its heading."""
    taken = {st.line for st in starts}
    for st in starts:
        k = st.line - 1
        if st.kind not in ("number", "keyword") or k < 0 or k in taken:
            continue
        lead = lines[k].text
        if len(lead) > 120 or lead.endswith((".", ";", ",")) or not _LEAD_LABEL_RE.match(lead):
            continue
        label = _clean_heading(lead.capitalize() if lead.isupper() else lead)
        st.line, st.heading_lines = k, st.heading_lines + 1
        st.heading = f"{label} – {st.heading}" if st.heading else label
        st.own_heading = True


def _page_of(offsets: list[int], pos: int) -> int:
    lo, hi = 0, len(offsets)
    while lo < hi:
        mid = (lo + hi) // 2
        if offsets[mid] <= pos:
            lo = mid + 1
        else:
            hi = mid
    return lo  # 1-based: offsets[0] == 0 is page 1


def _passages(
    text: str, lines: list[_Line], lo: int, hi: int, limit: int = MAX_PASSAGE
) -> list[tuple[int, int]]:
    """Character ranges of passages covering lines[lo:hi], split at paragraph breaks."""
    if lo >= hi:
        return []
    # paragraphs: runs of lines without a blank line or page break between them
    paragraphs: list[tuple[int, int]] = []
    p_start = lines[lo].start
    for k in range(lo + 1, hi):
        gap = text[lines[k - 1].end : lines[k].start]
        if gap.count("\n") >= 2 or "\f" in gap:
            paragraphs.append((p_start, lines[k - 1].end))
            p_start = lines[k].start
    paragraphs.append((p_start, lines[hi - 1].end))
    # split over-long paragraphs at sentence ends
    pieces: list[tuple[int, int]] = []
    for a, b in paragraphs:
        while b - a > limit:
            cut = None
            for m in _SENTENCE_END_RE.finditer(text, a + limit // 2, a + limit):
                cut = m.start()
            if cut is None:
                cut = text.rfind(" ", a + limit // 2, a + limit)
            if cut is None or cut <= a:
                cut = a + limit
            pieces.append((a, cut))
            a = cut
            while a < b and text[a].isspace():
                a += 1
        pieces.append((a, b))
    # merge small pieces into passages
    out: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for a, b in pieces:
        if cur is None:
            cur = (a, b)
        elif cur[1] - cur[0] < MIN_PASSAGE and b - cur[0] <= limit:
            cur = (cur[0], b)
        else:
            out.append(cur)
            cur = (a, b)
    if cur is not None:
        if out and cur[1] - cur[0] < MIN_PASSAGE // 2 and cur[1] - out[-1][0] <= limit:
            out[-1] = (out[-1][0], cur[1])
        else:
            out.append(cur)
    return out


def segment(pages: list[str]) -> list[Clause]:
    """Split a document's pages into clauses (see the module docstring for the rules)."""
    text = join_pages(pages)
    page_offsets = [0]
    for p in pages[:-1]:
        page_offsets.append(page_offsets[-1] + len(p) + len(PAGE_SEPARATOR))
    lines = _lines(text)
    if not lines:
        return []
    starts = _find_starts(text, lines)
    structured = sum(1 for s in starts if s.kind in ("number", "keyword")) >= 2 or any(
        s.kind in ("markdown", "annex") for s in starts
    )
    if not structured:
        starts = _soft_headings(text, lines)
    else:
        _attach_lead_labels(lines, starts)

    clauses: list[Clause] = []

    def emit(a: int, b: int, number: str | None, heading: str | None) -> None:
        clauses.append(
            Clause(number, heading, _page_of(page_offsets, a), a, b, text[a:b])
        )

    # No text is dropped. A heading without text of its own ("SECTION II – …", "Bilaga 3"
    # right before "1. …", a title line right before its clause) is kept with what follows
    # it: the next passage starts at the first of them.
    pending: int | None = None
    start_lines = {st.line for st in starts}
    lead = {st.line: st.line - 1 for st in starts
            if _lead_heading(text, lines, st, start_lines)}
    first_line = starts[0].line if starts else len(lines)
    for a, b in _passages(text, lines, 0, lead.get(first_line, first_line)):
        emit(a, b, None, None)

    # headings of the enclosing numbered sections, by number, within the current annex:
    # only the ancestors of the clause being read (a sibling's heading is no parent)
    inherited: dict[tuple[int, ...], str] = {}
    annex_heading: str | None = None
    for idx, st in enumerate(starts):
        end_line = starts[idx + 1].line if idx + 1 < len(starts) else len(lines)
        nxt = starts[idx + 1] if idx + 1 < len(starts) else None
        if nxt is not None and nxt.line in lead:
            end_line = lead[nxt.line]
        first = lead.get(st.line, st.line) if pending is None else pending
        body_first = st.line + 1 + st.heading_lines
        if st.kind in ("annex", "markdown", "caps", "soft") and st.number is None:
            if st.kind == "annex":
                annex_heading = st.heading or st.label
                inherited = {}
            elif st.kind == "markdown":
                inherited = {}
            heading = st.heading
            if st.kind == "annex":
                heading = f"{st.label} – {st.heading}" if st.heading else st.label
            if body_first >= end_line:
                if st.kind == "annex":
                    # an annex's title alone ("Bilaga 1 – Utdrag ur avtalet" then "1. …"):
                    # a heading passage of its own, so a clause repeated in the annex reads
                    # as the same text
                    emit(lines[first].start, lines[end_line - 1].end, st.label, heading)
                    pending = None
                else:
                    pending = first  # "SECTION II – …" alone: it goes with what follows
                continue
            for a, b in _passages(text, lines, first, end_line):
                emit(a, b, st.label if st.kind == "annex" else None, heading)
            pending = None
            continue

        number = st.number or ()
        inherited = {k: v for k, v in inherited.items() if number[: len(k)] == k}
        lead_title = None
        if st.line in lead:
            lead_title = _clean_heading(_NUMBER_RE.sub(r"\3", lines[st.line - 1].text))
            if _opens_section(st, inherited):
                # "3.0 Term and Termination" (or a bare title) then "3.1 Term": the title
                # is the heading of section 3, which has no line of its own
                inherited[number[:-1]], lead_title = lead_title, None
        is_parent_of_next = (
            nxt is not None
            and nxt.number is not None
            and nxt.kind in ("number", "keyword", "markdown")
            and len(nxt.number) > len(number)
            and nxt.number[: len(number)] == number
        )
        body = text[lines[body_first].start : lines[end_line - 1].end] if body_first < end_line else ""
        # (a keyword clause's stub stays: it carries the label "Clause 15" is found by)
        if st.own_heading and is_parent_of_next and len(body.split()) <= 3 and st.kind != "keyword":
            inherited[number] = st.heading or ""
            if nxt is not None and not nxt.own_heading:
                # "17. Frånträde" then "17.1 Uppgiftslämnare får …": 17.1 is headed
                # "Frånträde" and starts at that line
                pending = first
                continue
            # "13. Tvistelösning och tillämplig lag" then "13.1 Tillämplig lag": the
            # section's heading is a passage of its own (kind "heading", see index.priors),
            # which a search shows as the sub-clause after it (index.collapse)
            emit(lines[first].start, lines[end_line - 1].end, st.label, st.heading)
            pending = None
            continue
        heading = st.heading if st.own_heading else lead_title
        if heading is None:
            for k in range(len(number) - 1, 0, -1):
                if inherited.get(number[:k]):
                    heading = inherited[number[:k]]
                    break
            else:
                heading = annex_heading if st.kind in ("number", "keyword") and annex_heading else None
        if st.own_heading and st.heading:
            inherited[number] = st.heading
        a, b = lines[first].start, lines[end_line - 1].end
        if b - a > MAX_CLAUSE:
            for pa, pb in _passages(text, lines, first, end_line, limit=MAX_CLAUSE // 2):
                emit(pa, pb, st.label, heading)
        else:
            emit(a, b, st.label, heading)
        pending = None
    if pending is not None:  # headings at the very end, nothing after them
        for a, b in _passages(text, lines, pending, len(lines)):
            emit(a, b, None, None)
    return clauses


def _opens_section(st: _Start, inherited: dict[tuple[int, ...], str]) -> bool:
    """Whether ``st`` is the first sub-clause ("3.1") of a section whose heading has not
    been read."""
    number = st.number or ()
    return len(number) >= 2 and number[-1] == 1 and number[:-1] not in inherited


def _lead_heading(text: str, lines: list[_Line], st: _Start, start_lines: set[int]) -> bool:
    """Whether the line right before clause ``st`` is a title of its own that belongs to
    it: the heading of a clause that has none on its line ("Your Privacy" before
    "1. Your Privacy. …") or of the section a first sub-clause opens ("3.0 Term and
    Termination" before "3.1 Term"). A short heading-like line with a blank line (or page
    break) on both sides, not itself a start, not a list item."""
    k = st.line - 1
    if st.kind not in ("number", "keyword") or k < 1 or k in start_lines:
        return False
    number = st.number or ()
    s = lines[k].text
    run_in = st.heading is not None and st.heading.lower() == s.strip().lower()
    if st.own_heading and not (len(number) >= 2 and number[-1] == 1) and not run_in:
        # "1. Bakgrund" has its heading: a line before it is not its title (unless the
        # line repeats it: "Your Privacy" over "1. Your Privacy. …")
        return False
    if (
        len(s) > 70
        or any(q in s for q in "\"”“«»")
        or len(s.split()) > 8
        or ":" in s
        or s.endswith((".", ",", ";", "!", "?"))
        or not (s[:1].isupper() or s[:1].isdigit())
        or _LIST_MARKER_RE.match(s)
        or s[:1] in "•-–*("
        or _TOC_RE.search(s)
        or _is_table_row(s)
        or s.split()[-1].lower() in _FUNCTION_WORD_ENDINGS
    ):
        return False
    if s[:1].isdigit() and not re.match(r"^\d{1,3}\.0\s+\S", s):
        return False  # a number that did not start a clause is no title ("2024 ...")
    for gap in (text[lines[k - 1].end : lines[k].start], text[lines[k].end : lines[k + 1].start]):
        if gap.count("\n") < 2 and "\f" not in gap:
            return False
    return True
