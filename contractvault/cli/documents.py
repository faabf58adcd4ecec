"""`add` and `supersede`: documents into the vault, corrections as new records."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from contractvault.cli.common import (
    JsonFlag,
    console,
    err_console,
    open_vault,
    print_json,
    progress_bar,
)
from contractvault.errors import ExitCode, error_line

app = typer.Typer()
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
    from contractvault.evidence.ingest import add_files

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
        err_console.print(error_line(f"cannot add {e['file']}: {e['error']}"), markup=False)
    if result.errors:
        raise typer.Exit(ExitCode.USAGE)


@app.command("supersede")
def supersede_cmd(
    ctx: typer.Context,
    old_doc_id: Annotated[str, typer.Argument(metavar="OLD_DOC_ID", help="The document (D-…) replaced.")],
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The corrected or new version.")],
    reason: Annotated[str, Opt("--reason", help="Why the document is superseded.")],
    doc_type: Annotated[str | None, Opt("--doc-type", help="Document type of the new version "
                                        "(default: that of the old one).")] = None,
    json_out: JsonFlag = False,
) -> None:
    """Seal a new version that supersedes a document; the old one stays as it was."""
    from contractvault.evidence.corrections import supersede_document

    with open_vault(ctx) as vault:
        result = supersede_document(vault, old_doc_id, file, reason, doc_type=doc_type)
    if json_out:
        print_json(result.as_dict())
    else:
        console.print(f"{result.document_id} supersedes {result.supersedes}; sealed as "
                      f"{result.evidence_id} in {result.contract_id}")
    if result.timestamp_warning:
        err_console.print(f"warning: {result.timestamp_warning}", markup=False)
