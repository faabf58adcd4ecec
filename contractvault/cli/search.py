"""`search` and `reindex`."""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer

from contractvault.cli.common import JsonFlag, console, open_vault, print_json, progress_bar, state

app = typer.Typer()
Opt = typer.Option


def _rich_snippet(snippet: str) -> str:
    from rich.markup import escape

    # The index marks matched words «like this».
    return re.sub(r"«([^«»]*)»", r"[bold yellow]\1[/]", escape(snippet))


def _headline(data: dict[str, Any], query: str, limit: int, all_versions: bool) -> str:
    """The first line of a search: how many clauses match, how many are shown, and where
    each of the others went (folded in as versions or copies, merged headings, below
    --limit, or not ranked at all). Advises a higher --limit only when one lists more."""
    from contractvault.records.search import MAX_LIMIT

    total, shown = data["total"], len(data["hits"])
    folded, merged = data.get("folded") or 0, data.get("merged") or 0
    below, unranked = data.get("below_limit") or 0, data.get("unranked") or 0
    noun = "clause matches" if total == 1 else "clauses match"
    line = f"{total} {noun} «{query}»"
    if not (folded or merged or below or unranked):
        return line + ":"
    parts = [f"the best {shown} shown" if below else f"{shown} shown"]
    if folded:
        parts.append(f"{folded} folded into them as other versions or copies"
                     + ("" if all_versions else " (--all-versions shows each)"))
    if merged:
        parts.append(f"{merged} {'heading' if merged == 1 else 'headings'} shown with "
                     "the clause")
    if below:
        more = min(MAX_LIMIT, limit + below)
        parts.append(f"{below} more rank below them" + (
            f" (--limit {more} shows them)" if more > limit else ""))
    if unranked and data.get("compared_all", True):
        parts.append(f"{unranked} hold a word of the query but match none of its terms as "
                     "ranked (no --limit lists them)")
    elif unranked:
        parts.append(f"{unranked} not ranked (only the best-matching candidates are "
                     "compared; some may match none of the query's terms as ranked)")
    return line + "; " + ", ".join(parts) + ":"


def _version_note(hit: dict[str, Any]) -> str:
    """"(superseded by D-12)" for a hit from a document a later version replaces."""
    if not hit.get("superseded_by"):
        return ""
    note = f"superseded by {hit['superseded_by']}"
    if hit.get("current_version") and hit["current_version"] != hit["superseded_by"]:
        note += f"; current version {hit['current_version']}"
    return f" ({note})"


@app.command("search")
def search_cmd(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help=(
        'Words or a question, in Swedish or English; "phrases", AND/OR/NOT, -word, +word and '
        "fields use Whoosh syntax: text:, heading:/rubrik:, number:/klausul:, title:, "
        "supplier:/leverantör:, type:/typ:, board:/nämnd:, contract:/avtal:, document:. "
        "A query starting with - goes after --."))],
    doc_type: Annotated[str | None, Opt("--doc-type", help=(
        "Only documents of this type (huvudavtal, pub-avtal/dpa, scc, tillagg, sla, bilaga, "
        "fullmakt, villkor, ovrigt)."))] = None,
    supplier: Annotated[str | None, Opt("--supplier", help="Only contracts with this supplier.")] = None,
    board: Annotated[str | None, Opt("--board", help="Only contracts of this nämnd.")] = None,
    limit: Annotated[int, Opt("--limit", help="At most N hits.")] = 10,
    include_secret: Annotated[bool, Opt("--include-secret", help="Include contracts marked secret.")] = False,
    all_versions: Annotated[bool, Opt("--all-versions", help="Show each version and near-duplicate as a hit of its own.")] = False,
    json_out: JsonFlag = False,
) -> None:
    """Search clauses across all contracts (Swedish and English)."""
    from contractvault.records.search import search_archive

    data = search_archive(state(ctx).vault_path, query, lambda: open_vault(ctx),
                          doc_type=doc_type, supplier=supplier, board=board,
                          include_secret=include_secret, limit=limit,
                          all_versions=all_versions).as_dict()
    if json_out:
        print_json(data)
        return
    from rich.markup import escape  # not before: a --json answer is written without rich

    if not data["hits"]:
        console.print(f"No clause matches «{query}».")
        return
    console.print(_headline(data, query, limit, all_versions), markup=False, soft_wrap=True)
    for h in data["hits"]:
        where = ", ".join(x for x in (
            f"clause {h['clause']}" if h["clause"] else "", f"p. {h['page']}" if h["page"] else "") if x)
        console.print(f"[bold]{h['document_id']}[/] {h['title']} ({h['doc_type']}, "
                      f"{h['supplier'] or '–'}) {where}"
                      + (f"[bold red]{escape(_version_note(h))}[/]" if h.get("superseded_by") else ""))
        console.print("   " + _rich_snippet(h["snippet"]))
        if h.get("also_in_detail"):
            also = ", ".join(f"{a['document_id']} ({a['relation']})" for a in h["also_in_detail"])
            console.print(f"   [dim]also in {also}[/]")


@app.command("reindex")
def reindex_cmd(ctx: typer.Context,
                json_out: JsonFlag = False) -> None:
    """Rebuild the search index from the database and blob store."""
    from contractvault.records.search import reindex

    with open_vault(ctx) as vault:
        with progress_bar("Indexing") as update:
            data = reindex(vault, progress=update)
    if json_out:
        print_json(data)
    else:
        console.print(f"Indexed {data['clauses']} clauses.")
