"""The Whoosh schema of the clause index and the records (field dicts) of one document.

One Whoosh document per clause. Clause text and headings go into a field of their
language (``body_sv``/``body_en``, ``heading_sv``/``heading_en``) so each language is
stemmed and weighted on its own; clause numbers go into ``number``. Body fields keep
positions for phrase searches; pairs of adjacent *common* words are also indexed as single
terms (``grams_sv``/``grams_en``, Lucene's "common grams"), because a phrase of two common
words is what makes position matching slow on a large archive, and pairs of rare words are
cheap to match by position.

A document's metadata is indexed once, on its first clause: the words it is known by
(title, supplier, words for its type: ``meta``) and what filters select it (``d_contract``,
``d_type``, ``d_secret``, ``d_supplier``, ``d_board``). Filters and secrecy are resolved
per document and then to its clauses (:mod:`index.store`), and a query word found in a
title lifts that document's clauses (:mod:`index.ranking`); repeating the metadata on every
clause would cost about a third of the postings of a short clause. Every clause stores the
metadata it shows in a hit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from whoosh.fields import ID, STORED, TEXT, Schema

from index.analysis import contract_analyzer, detect_language, keyword_analyzer, number_analyzer
from index.fields import ClauseText, CommonGrams
from index.model import IndexDocument
from index.priors import passage_kind
from index.segment import boilerplate_lines, join_pages, segment, tidy_text, without_boilerplate

SCHEMA_VERSION = 7  # 7: contracts as filed (long lines cut at clause numbers, contents and exhibit lists, run-in titles, "A.9", "2.01"), page furniture not searched ("indexed"); 6: segmentation keeps section headings (no text dropped); 5: keyword clauses
LANGUAGES = ("sv", "en")
FIELD_LANGUAGES = {
    "body_sv": "sv",
    "heading_sv": "sv",
    "body_en": "en",
    "heading_en": "en",
}


def build_schema() -> Schema:
    """The Whoosh schema of clause documents (one Whoosh document per clause)."""
    return Schema(
        document_id=ID(stored=True),
        lang=ID(stored=True),
        number=TEXT(analyzer=number_analyzer(), phrase=False, stored=True),
        body_sv=ClauseText("sv"),
        body_en=ClauseText("en"),
        heading_sv=ClauseText("sv", phrase=False),
        heading_en=ClauseText("en", phrase=False),
        grams_sv=CommonGrams("sv"),
        grams_en=CommonGrams("en"),
        # on each document's first clause only (see the module docstring)
        first=ID(),
        meta=TEXT(analyzer=contract_analyzer("mixed"), phrase=False),
        d_contract=ID(),
        d_type=ID(),
        d_secret=ID(),
        d_supplier=TEXT(analyzer=keyword_analyzer(), phrase=False),
        d_board=TEXT(analyzer=keyword_analyzer(), phrase=False),
        # stored on every clause
        contract_id=STORED,
        family=STORED,  # the first version of the document (versions collapse)
        doc_type=STORED,
        secret=STORED,
        supplier=STORED,
        board=STORED,
        title=STORED,
        source_path=STORED,
        heading=STORED,
        text=STORED,
        indexed=STORED,  # the text searched, where it differs (page furniture left out)
        page=STORED,
        start=STORED,
        end=STORED,
        n=STORED,  # position of the clause in its document
        kind=STORED,  # see index.priors
        chars=STORED,
        supersedes=STORED,
    )


def meta_text(
    title: str, supplier: str | None, doc_type: str, doc_type_words: Mapping[str, str]
) -> str:
    """The words a document is known by: its title, supplier and document type."""
    words = doc_type_words.get(doc_type, doc_type)
    return " ".join(part for part in (title, supplier or "", words) if part)


def clause_records(
    doc: IndexDocument, doc_type_words: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The Whoosh documents (field dicts) for every clause of ``doc``."""
    clauses = segment(doc.pages)
    boilerplate = boilerplate_lines(join_pages(doc.pages)) if clauses else frozenset()
    if doc.language in LANGUAGES:
        lang = str(doc.language)
    else:
        lang = detect_language("\n".join(doc.pages)[:20000])
    doc_type = (doc.doc_type or "").strip().lower()
    records: list[dict[str, Any]] = []
    for clause in clauses:
        text = tidy_text(clause.text)
        if not text:
            continue
        # what is searched: the clause without the page furniture its text runs over
        indexed = tidy_text(without_boilerplate(clause.text, boilerplate)) if boilerplate else text
        records.append(
            {
                "document_id": doc.document_id,
                "contract_id": doc.contract_id,
                "family": doc.family or doc.document_id,
                "doc_type": doc_type,
                "secret": "1" if doc.secret else "0",
                "lang": lang,
                "supplier": doc.supplier or "",
                "board": doc.board or "",
                "title": doc.title,
                "source_path": doc.source_path,
                "number": clause.number or "",
                "heading": clause.heading or "",
                "text": text,
                "page": clause.page if doc.paged else None,
                "start": clause.start,
                "end": clause.end,
                "n": len(records),
                "kind": passage_kind(indexed, clause.heading, clause.number),
                "chars": len(text),
                "supersedes": doc.supersedes,
            }
        )
        if indexed != text:  # stored only where furniture was left out
            records[-1]["indexed"] = indexed
    for rec in records:
        analysed_fields(rec)
    if records:
        document_fields(records[0], doc_type_words or {})
    return records


def document_fields(rec: dict[str, Any], doc_type_words: Mapping[str, str]) -> dict[str, Any]:
    """Add the document-level indexed fields to a document's first clause."""
    rec["first"] = "1"
    rec["meta"] = meta_text(rec.get("title") or "", rec.get("supplier"), rec.get("doc_type") or "",
                            doc_type_words)
    rec["d_contract"] = rec.get("contract_id") or ""
    rec["d_type"] = rec.get("doc_type") or ""
    rec["d_secret"] = rec.get("secret") or "0"
    rec["d_supplier"] = rec.get("supplier") or ""
    rec["d_board"] = rec.get("board") or ""
    return rec


def analysed_fields(rec: dict[str, Any]) -> dict[str, Any]:
    """Add the language-specific indexed fields of a record from its stored text."""
    lang = rec.get("lang") or "sv"
    indexed = rec.get("indexed")
    text = rec.get("text", "") if indexed is None else indexed
    # the same string object for both: the pair field reuses the text field's analysis
    rec[f"body_{lang}"] = text
    rec[f"grams_{lang}"] = text
    if rec.get("heading"):
        rec[f"heading_{lang}"] = rec["heading"]
    return rec


STORED_FIELDS = (
    "document_id",
    "contract_id",
    "family",
    "doc_type",
    "secret",
    "lang",
    "supplier",
    "board",
    "title",
    "source_path",
    "number",
    "heading",
    "text",
    "indexed",
    "page",
    "start",
    "end",
    "n",
    "kind",
    "chars",
    "supersedes",
)


def rekeyed(
    stored: Mapping[str, Any],
    *,
    supplier: str | None,
    board: str | None,
    secret: bool,
    title: str | None,
    doc_type_words: Mapping[str, str],
) -> dict[str, Any]:
    """A record rebuilt from a clause's stored fields with new contract metadata."""
    rec = {name: stored.get(name) for name in STORED_FIELDS}
    new_title = title if title is not None else (rec.get("title") or "")
    rec.update(
        supplier=supplier or "",
        board=board or "",
        title=new_title,
        secret="1" if secret else "0",
    )
    analysed_fields(rec)
    if rec.get("n") == 0:
        document_fields(rec, doc_type_words)
    return {k: v for k, v in rec.items() if v is not None}
