"""Text extraction per page: PDF (pypdf), HTML (visible text), plain text and Markdown.

Runs in worker processes for bulk adds, so everything here is a pure function of a path.
Files given by a user are copied into the vault first and read from that copy
(`extract_copy`): what is hashed, sealed and searched is the same bytes, even when the
original changes while it is added.
"""

from __future__ import annotations

import codecs
import errno
import logging
import os
import re
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from contractvault.storage.blobs import stage_copy
from contractvault.util import sha256_file, sha256_hex

MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".mhtml": "multipart/related",
}
# A page with fewer characters than this is treated as having no text layer.
MIN_TEXT_CHARS = 20


class ExtractionError(Exception):
    """A file that cannot be read as a document: says why and what to do."""

    def __init__(self, why: str, hint: str = "") -> None:
        self.why = why
        self.hint = hint
        super().__init__(why)


@dataclass
class ExtractedDocument:
    """What extraction found in one file."""

    path: Path
    sha256: str
    size: int
    media_type: str
    pages: list[str]
    has_text: bool
    text_sha256: str
    warnings: list[str] = field(default_factory=list)
    # The copy that was hashed and read (`extract_copy`): it becomes the blob.
    stored: Path | None = None
    # The file's own page count when `pages` is not one entry per page (a captured page's
    # main content is one passage; its PDF has as many pages as it printed to).
    page_count: int | None = None

    @property
    def file_pages(self) -> int:
        """How many pages the file has (what `show` reports)."""
        return self.page_count if self.page_count is not None else len(self.pages)


def normalise_text(text: str) -> str:
    """NFC, unified whitespace, no soft hyphens: formatting-only changes hash the same."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    return re.sub(r"\s+", " ", text).strip()


def text_hash(pages: list[str]) -> str:
    """Hash of the normalised text of all pages (for change detection, not for evidence)."""
    return sha256_hex(normalise_text("\n".join(pages)).encode("utf-8"))


def media_type_for(path: Path) -> str:
    """The media type by file ending; raises for unsupported kinds."""
    mt = MEDIA_TYPES.get(path.suffix.lower())
    if mt is None:
        raise ExtractionError(
            f"unsupported file type '{path.suffix or '(none)'}'",
            "Add PDF, HTML, TXT or Markdown files",
        )
    return mt


class _VisibleText(HTMLParser):
    _SKIP = {"script", "style", "noscript", "template", "head", "svg"}
    _BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
              "article", "header", "footer", "table", "ul", "ol", "dt", "dd", "label", "form"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_visible_text(html: str) -> str:
    """The text a reader sees in an HTML page, one block per line."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r"[ \t\r\f\v]+", " ", ln).strip() for ln in "".join(parser.parts).split("\n"))
    return "\n".join(ln for ln in lines if ln)


# PDF text layers often carry typographic ligatures; as text they hide words ("ﬁnns").
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                            "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when text looks like UTF-16 without a BOM: mostly Latin
    text has a zero in nearly every other byte, on one side only."""
    sample = data[:4096]
    if len(sample) < 8 or len(sample) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd >= 0.6 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.6 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def _decode(data: bytes) -> str:
    """Text of a file: by its BOM (UTF-8/16/32), as UTF-16 when it plainly is one, else
    UTF-8, Windows-1252, Latin-1. NUL characters are dropped (see `_clean`)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _clean(data.decode(enc))
            except UnicodeDecodeError:
                break
    guess = _utf16_without_bom(data)
    if guess:
        try:
            return _clean(data.decode(guess))
        except UnicodeDecodeError:
            pass
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return _clean(data.decode(enc))
        except UnicodeDecodeError:
            continue
    return _clean(data.decode("latin-1"))


def _clean(text: str) -> str:
    """Extracted text without NUL characters: PostgreSQL text cannot hold one, and the
    index and both databases must hold the same text (the sealed blob keeps its bytes)."""
    return text.replace("\x00", "")


def pdf_page_count(path: Path) -> int | None:
    """The number of pages of a PDF (its page tree; no text is extracted), None when the
    file does not parse as one."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        return len(PdfReader(path, strict=False).pages)
    except Exception:  # noqa: BLE001 - pypdf raises many kinds for a damaged file
        return None


def _pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    # pypdf logs recoverable oddities as warnings; they are not the user's business.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds here
                raise ExtractionError("the PDF is encrypted", "Remove the password and add it again") from exc
            if not ok:
                raise ExtractionError("the PDF is encrypted", "Remove the password and add it again")
        return [_clean((page.extract_text() or "").translate(_LIGATURES)) for page in reader.pages]
    except ExtractionError:
        raise
    except FileNotDecryptedError as exc:
        raise ExtractionError("the PDF is encrypted", "Remove the password and add it again") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, AssertionError, OSError) as exc:
        raise ExtractionError(f"the PDF is damaged ({type(exc).__name__}: {exc})",
                              "Check that the file opens in a PDF reader") from exc


def _check_source(path: Path) -> str:
    """The media type of a file that can be added; ExtractionError otherwise."""
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ExtractionError("a symlink loop (the link leads back to itself)",
                                  "Name the file itself, not the looping link") from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise ExtractionError("no such file", "Check the path") from None
        if exc.errno == errno.EACCES:
            raise ExtractionError("the file cannot be read (permission denied)",
                                  "Check the file's permissions") from None
        raise ExtractionError(f"cannot read it ({exc.strerror})", "Check the path") from None
    if not path.is_file():
        raise ExtractionError("not a regular file", "Name files, not folders")
    return media_type_for(path)


def _extract_pages(path: Path, media_type: str) -> tuple[list[str], bool, list[str]]:
    """(pages, has_text, warnings) of the file at `path`, read as `media_type`."""
    warnings: list[str] = []
    if media_type == "application/pdf":
        pages = _pdf_pages(path)
    else:
        raw = path.read_bytes()
        text = _decode(raw)
        if media_type == "text/html":
            pages = [html_visible_text(text)]
        elif media_type == "multipart/related":
            raise ExtractionError("MHTML files are kept as capture artifacts, not added",
                                  "Add the HTML or PDF instead")
        else:
            # Form feeds mark page breaks in text exported from PDFs.
            pages = text.split("\f") if "\f" in text else [text]
    has_text = sum(len(p.strip()) for p in pages) >= MIN_TEXT_CHARS
    if not has_text:
        warnings.append(
            "no text layer: stored, but it cannot be searched (scan it with OCR first)"
            if media_type == "application/pdf" else
            f"almost no readable text (under {MIN_TEXT_CHARS} characters): stored, but it "
            "cannot be searched (check that it is the right file and its encoding)")
    return pages, has_text, warnings


def extract_file(path: Path) -> ExtractedDocument:
    """Hash and extract one file the vault itself wrote (a capture's PDF). Raises
    ExtractionError with a reason a user understands. A user's file goes through
    `extract_copy`, which cannot be fooled by a file that changes meanwhile."""
    path = Path(path)
    media_type = _check_source(path)
    size = path.stat().st_size
    if size == 0:
        raise ExtractionError("the file is empty (0 bytes)", "Add the complete file")
    pages, has_text, warnings = _extract_pages(path, media_type)
    return ExtractedDocument(
        path=path, sha256=sha256_file(path), size=size, media_type=media_type, pages=pages,
        has_text=has_text, text_sha256=text_hash(pages), warnings=warnings,
    )


def extract_copy(path: Path, stage_dir: Path) -> ExtractedDocument:
    """Copy `path` into `stage_dir` (hashing the bytes as they are copied), then extract
    the text from that copy. The result's `stored` is the copy, to be moved into the blob
    store: the sealed hash, the stored bytes and the searchable text all come from it."""
    path = Path(path)
    media_type = _check_source(path)
    try:
        copy, digest, size = stage_copy(path, Path(stage_dir))
    except PermissionError as exc:
        raise ExtractionError("the file cannot be read (permission denied)",
                              "Check the file's permissions") from exc
    try:
        if size == 0:
            raise ExtractionError("the file is empty (0 bytes)", "Add the complete file")
        pages, has_text, warnings = _extract_pages(copy, media_type)
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    return ExtractedDocument(
        path=path, sha256=digest, size=size, media_type=media_type, pages=pages,
        has_text=has_text, text_sha256=text_hash(pages), warnings=warnings, stored=copy,
    )


def extract_safely(path: Path, stage_dir: Path | None = None) -> ExtractedDocument | ExtractionError:
    """`extract_copy` (or `extract_file` without a stage folder) for worker pools: returns
    the error instead of raising it."""
    try:
        return extract_file(path) if stage_dir is None else extract_copy(path, stage_dir)
    except ExtractionError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop a bulk add
        return ExtractionError(f"cannot be read ({type(exc).__name__}: {exc})")


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Worker-pool initializer: the worker dies with the process that started it.

    A SIGKILLed `add` cannot stop its pool, and its workers would otherwise live on
    (extracting files nobody will seal). On Linux the kernel kills the worker when its
    parent dies (prctl PR_SET_PDEATHSIG); elsewhere a thread watches the parent's pid.
    """
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    else:  # pragma: no cover - Linux is where ContractVault runs its tests
        def watch() -> None:
            while os.getppid() == parent_pid:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=watch, name="cv-parent-watch", daemon=True).start()
    if os.getppid() != parent_pid:
        os._exit(1)  # the parent died before the death signal was set up
