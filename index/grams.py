"""Make the lists of common index terms (``common_sv.txt``, ``common_en.txt``).

Pairs of two common terms are indexed whole (see :mod:`index.schema`), so phrase searches
of common words need no position matching. The lists are corpus statistics of agreement
texts (how many passages contain each term), not of queries:

    python -m index.grams OUT_DIR TEXT_FILE...
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from index.analysis import detect_language, is_identifier
from index.fields import analyse
from index.segment import segment

TOP = 150  # terms per language (pairs of the commonest are what make phrases slow)


def common_terms(paths: list[Path], top: int = TOP) -> dict[str, list[str]]:
    """The ``top`` terms by passage frequency, per language, over some text files."""
    counts = {"sv": Counter(), "en": Counter()}
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        lang = detect_language(text[:20000])
        for clause in segment(text.split("\f")):
            terms = {t for t in analyse(clause.text, lang)[1] if not is_identifier(t) and len(t) > 1}
            counts[lang].update(terms)
    return {lang: [t for t, _ in c.most_common(top)] for lang, c in counts.items()}


def main(argv: list[str]) -> None:
    """Write the lists into OUT_DIR from the text files given."""
    out, files = Path(argv[0]), [Path(a) for a in argv[1:]]
    for lang, terms in common_terms(files).items():
        header = f"# {len(terms)} most common index terms ({lang}), from {len(files)} agreement texts\n"
        (out / f"common_{lang}.txt").write_text(header + "\n".join(terms) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
