"""Hits as users see them: metadata, the clause label, and a snippet «marking» matches."""

from __future__ import annotations

from typing import Any

from whoosh import query as wq
from whoosh.highlight import ContextFragmenter, Formatter, get_text, highlight

from index.collapse import Group, later_versions
from index.model import Hit

SNIPPET_CHARS = 240


class _GuillemetFormatter(Formatter):
    """Marks matched words «like this» (plain text, safe in terminals and JSON)."""

    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return "«" + get_text(text, token, replace) + "»"


def highlight_terms(queries: list[wq.Query]) -> dict[str, set[str]]:
    """The terms to mark in snippets, by clause-text field ("body_sv", "body_en")."""
    terms: dict[str, set[str]] = {}
    for q in queries:
        for fieldname, text in q.iter_all_terms():
            value = text.decode("utf-8") if isinstance(text, bytes) else text
            if fieldname.startswith("grams_"):
                terms.setdefault("body_" + fieldname[6:], set()).update(value.split(" "))
            elif fieldname.startswith(("body_", "heading_")):
                terms.setdefault("body_" + fieldname.split("_", 1)[1], set()).add(value)
            elif fieldname == "number":
                for lang in ("sv", "en"):
                    terms.setdefault(f"body_{lang}", set()).add(value)
    return terms


def snippet(schema: Any, fields: dict[str, Any], terms: dict[str, set[str]]) -> str:
    """A fragment of the clause text around its matches, or its start."""
    text = fields.get("text", "")
    lang = fields.get("lang") or "sv"
    fieldname = f"body_{lang}"
    out = ""
    if text and terms.get(fieldname):
        out = highlight(
            text,
            terms[fieldname],
            schema[fieldname].analyzer,
            ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70),
            _GuillemetFormatter(),
            top=2,
        )
    if not out:
        out = text[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS else "")
    return " ".join(out.split())


def make_hit(
    schema: Any, group: Group, terms: dict[str, set[str]], successors: dict[str, str] | None = None
) -> Hit:
    """The hit for a folded group of passages; ``successors`` (old document id -> the id
    superseding it) marks a hit from a superseded document with its direct successor and
    the newest version of the chain."""
    f = group.best.fields
    later = later_versions(f.get("document_id", ""), successors or {})
    superseded_by, current = (later[0], later[-1]) if later else (None, None)
    number = f.get("number") or None
    heading = f.get("heading") or None
    return Hit(
        contract_id=f.get("contract_id", ""),
        document_id=f.get("document_id", ""),
        title=f.get("title", ""),
        doc_type=f.get("doc_type", ""),
        supplier=f.get("supplier") or None,
        clause=number or heading,
        page=f.get("page"),
        score=float(group.best.score),
        snippet=snippet(schema, f, terms),
        text=f.get("text", ""),
        source_path=f.get("source_path", ""),
        also_in=list(group.also_in),
        start=f.get("start"),
        end=f.get("end"),
        superseded_by=superseded_by,
        current_version=current,
    )
