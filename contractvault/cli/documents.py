"""`add` (ingest files) and `capture` (a web agreement at signing)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from contractvault.cli.app import (
    JsonFlag,
    app,
    console,
    err_console,
    open_vault,
    print_json,
    progress_bar,
)

Opt = typer.Option


@app.command("add")
def add_cmd(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="PDF, HTML, TXT or MD files.")],
    doc_type: Annotated[str, Opt("--doc-type", help="huvudavtal, pub-avtal, scc, tillagg, sla, bilaga, fullmakt, villkor, ovrigt (or an English alias).")],
    contract: Annotated[str | None, Opt("--contract", help="Add to this contract (C-…).")] = None,
    new: Annotated[str | None, Opt("--new", help="Create a contract with this title.")] = None,
    supplier: Annotated[str | None, Opt("--supplier", help="Supplier of a new contract.")] = None,
    json_out: JsonFlag = False,
) -> None:
    """Ingest existing documents; each is stored and sealed as evidence."""
    from contractvault.ingest import add_files

    with open_vault(ctx) as vault:
        with progress_bar("Adding") as update:
            result = add_files(vault, files, doc_type=doc_type, contract=contract, new_title=new,
                               supplier=supplier, progress=update)
    if json_out:
        print_json(result.as_dict())
    else:
        for doc_id, ev in zip(result.document_ids, result.evidence_ids, strict=True):
            console.print(f"{doc_id}  sealed as {ev}  in {result.contract_id}")
        for w in result.warnings:
            err_console.print(f"[yellow]warning[/]: {w['file']}: {w['warning']}")
    for e in result.errors:
        err_console.print(f"contractvault: cannot add {e['file']}: {e['error']}", markup=False)
    if result.errors:
        raise typer.Exit(2)
