"""Reading a register file: TOML syntax, and the line of every problem."""

from __future__ import annotations

import bisect
import functools
import re
import tomllib
from dataclasses import replace

from contractvault.authority.model import AuthorityRegister, RegisterInvalid, RegisterProblem
from contractvault.authority.validate import Validator
from contractvault.util import sha256_hex

# --------------------------------------------------------------------------- locating lines

_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([^\[\]#]+?)\s*\]\]\s*(?:#.*)?$")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\[\]#]+?)\s*\]\s*(?:#.*)?$")


def _header_name(raw: str) -> str:
    # `[ "board" ]` and `[board]` name the same table.
    return ".".join(part.strip().strip("\"'") for part in raw.split("."))


@functools.lru_cache(maxsize=256)
def _key_pattern(key: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=")


class Locator:
    """Finds lines in the source text; tomllib reports no positions for valid documents."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        # (line number, table name, is array-of-tables header)
        self.headers: list[tuple[int, str, bool]] = []
        for number, line in enumerate(self.lines, start=1):
            if "[" not in line:
                continue  # most lines are `key = value`: skip the two regexes
            match = _ARRAY_HEADER.match(line)
            if match:
                self.headers.append((number, _header_name(match.group(1)), True))
                continue
            match = _TABLE_HEADER.match(line)
            if match:
                self.headers.append((number, _header_name(match.group(1)), False))
        # Indexes, so that finding the n-th entry or an entry's sub-tables does not scan
        # every header (a register of 50 000 people took minutes: one scan per entry).
        self._numbers = [number for number, _, _ in self.headers]
        self._arrays: dict[str, list[int]] = {}
        for i, (_, name, is_array) in enumerate(self.headers):
            if is_array:
                self._arrays.setdefault(name, []).append(i)

    def _span_from(self, header_index: int) -> tuple[int, int]:
        start, name, _ = self.headers[header_index]
        root = name.split(".")[0]
        end = len(self.lines)
        # Walk on from the header (no slice: copying the rest of the list per entry made
        # locating every entry quadratic). Usually the very next header ends the entry.
        for j in range(header_index + 1, len(self.headers)):
            number, other, _ = self.headers[j]
            # Sub-tables such as [[person.holds]] belong to the entry above them.
            if other.split(".")[0] != root or other == name:
                end = number - 1
                break
        return start, end

    def entry_span(self, kind: str, index: int) -> tuple[int, int] | None:
        """Lines of the `index`-th (0-based) `[[kind]]` entry, or None when not found."""
        entries = self._arrays.get(kind, [])
        return self._span_from(entries[index]) if 0 <= index < len(entries) else None

    def table_span(self, name: str) -> tuple[int, int] | None:
        """Lines of the first header (table or array) named `name`."""
        for i, (_, header, _) in enumerate(self.headers):
            if header == name:
                return self._span_from(i)
        return None

    def top_key_line(self, key: str) -> int | None:
        """Line of `key = ...` before the first header (a top-level key)."""
        end = self.headers[0][0] - 1 if self.headers else len(self.lines)
        return self.key_line((1, end), key)

    def key_line(self, span: tuple[int, int] | None, key: str) -> int | None:
        """Line of `key = ...` inside `span`."""
        if span is None:
            return None
        pattern = _key_pattern(key)
        for number in range(span[0], span[1] + 1):
            if pattern.match(self.lines[number - 1]):
                return number
        return None

    def item_line(self, span: tuple[int, int] | None, key: str, index: int) -> int | None:
        """Line of the `index`-th inline table in the array `key` (or `[[root.key]]` entry)."""
        if span is None:
            return None
        # Only the headers inside the span: found by bisection on their line numbers.
        first = bisect.bisect_right(self._numbers, span[0])
        last = bisect.bisect_right(self._numbers, span[1])
        sub_headers = [
            number
            for number, name, is_array in self.headers[first:last]
            if is_array and name.endswith("." + key)
        ]
        if sub_headers:
            return sub_headers[index] if index < len(sub_headers) else sub_headers[0]
        start = self.key_line(span, key)
        if start is None:
            return None
        seen = 0
        for number in range(start, span[1] + 1):
            text = self.lines[number - 1].split("#", 1)[0]
            for _ in range(text.count("{")):
                if seen == index:
                    return number
                seen += 1
        return start


def _syntax_problem(error: tomllib.TOMLDecodeError, text: str, source: str) -> RegisterProblem:
    message = str(error)
    match = re.search(r"\(at line (\d+), column \d+\)", message)
    if match:
        line: int | None = int(match.group(1))
    elif "end of document" in message:
        line = max(1, len(text.splitlines()))
    else:
        line = None
    plain = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
    return RegisterProblem(line, "TOML", f"syntax error: {plain}", source)


def parse_register(data: bytes, source: str = "register.toml") -> AuthorityRegister:
    """Parse and validate a register file (authority-format.md).

    The whole file is checked before anything is returned: RegisterInvalid carries every
    problem (syntax, missing or mistyped keys, bad dates, unknown or duplicate ids, inverted
    periods, overlapping holdings, unknown vocabulary, fullmakter granted without the right),
    each with its line in the file. `sha256` is the hash of exactly `data`.
    """
    digest = sha256_hex(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RegisterInvalid(
            source, [RegisterProblem(line, "file", "not valid UTF-8 text", source)]
        ) from None
    # Editors on Windows may prepend a byte order mark; the hash still covers it.
    body = text.removeprefix("\ufeff")
    try:
        document = tomllib.loads(body)
    except tomllib.TOMLDecodeError as error:
        raise RegisterInvalid(source, [_syntax_problem(error, body, source)]) from None

    register = Validator(document, Locator(body), source).build()
    return replace(register, sha256=digest, source_text=text)
