"""`list`, `show` and `register` (diarienummer, Ciceron reference)."""

from __future__ import annotations

from typing import Annotated

import typer

from contractvault.cli.common import JsonFlag, console, open_vault, print_json

app = typer.Typer()
Opt = typer.Option
Supplier = Annotated[str | None, Opt("--supplier", help="Supplier (leverantör).")]
Board = Annotated[str | None, Opt("--board", help="Board (nämnd) id, e.g. KS.")]
System = Annotated[str | None, Opt("--system", help="The system or service.")]
Category = Annotated[str | None, Opt("--category", help="publik-tjanst, myndighetstjanst, kommersiell-tjanst, digitalt-verktyg, verksamhetssystem, plattform, it-infrastruktur.")]
Scope = Annotated[str | None, Opt("--scope", help="kommungemensam or forvaltningsspecifik.")]
PersonalData = Annotated[bool | None, Opt("--personal-data/--no-personal-data", help="Personal data is processed.")]
ThirdCountry = Annotated[bool | None, Opt("--third-country/--no-third-country", help="Data goes to a third country.")]
Mechanism = Annotated[str | None, Opt("--transfer-mechanism", help="scc, dpf, bcr, adequacy or none.")]
Start = Annotated[str | None, Opt("--start", help="Start date YYYY-MM-DD.")]
End = Annotated[str | None, Opt("--end", help="End date YYYY-MM-DD.")]
NoticeMonths = Annotated[int | None, Opt("--notice-months", help="Months of notice.")]
NoticeBasis = Annotated[str | None, Opt("--notice-basis", help="end (of the term) or year-end.")]
RenewalMonths = Annotated[int | None, Opt("--renewal-months", help="Automatic renewal by N months.")]
DeletionDays = Annotated[int | None, Opt("--deletion-days", help="Supplier deletes data at the latest N days after the end.")]
Owner = Annotated[str | None, Opt("--owner", help="System owner (systemägare).")]
Secret = Annotated[bool | None, Opt("--secret/--no-secret", help="Commercial secrecy: hidden from search and exports.")]
Opt = typer.Option
OnDate = Annotated[str | None, Opt("--on", help="Reference date YYYY-MM-DD (default today).")]
ContractArg = Annotated[str, typer.Argument(metavar="ID", help="Contract id, e.g. C-3.")]
DeficiencyArg = Annotated[str, typer.Argument(metavar="DEFICIENCY",
                                              help="Deficiency id, e.g. B-2.")]
_SEVERITY_STYLE = {"high": "red", "medium": "yellow", "low": "cyan"}


@app.command("list")
def list_cmd(ctx: typer.Context, supplier: Supplier = None, board: Board = None,
             doc_type: Annotated[str | None, Opt("--doc-type", help="Only contracts with a document of this type.")] = None,
             category: Category = None, json_out: JsonFlag = False) -> None:
    """List contracts and their documents."""
    # imported here: `contractvault --help` and `search` must not pay for the database layer
    from contractvault.records.contracts import ListFilter, list_contracts
    from contractvault.records.vocabularies import normalize_doc_type

    flt = ListFilter(supplier=supplier, board=board, category=category,
                     doc_type=normalize_doc_type(doc_type) if doc_type else None)
    with open_vault(ctx) as vault:
        items = list_contracts(vault, flt)
    if json_out:
        print_json({"contracts": items})
        return
    if not items:
        console.print("No contracts. Add one with 'contractvault add FILE --new TITLE --doc-type TYPE'.")
        return
    from rich.table import Table

    table = Table("id", "title", "supplier", "board", "category", "documents", "end")
    for c in items:
        docs = ", ".join(f"{d['document_id']} {d['doc_type']}" for d in c["documents"])
        title = c["title"] + (" [red](secret)[/]" if c["secret"] else "")
        table.add_row(c["contract_id"], title, c["supplier"] or "", c["board"] or "",
                      c["category"] or "", docs, c["end"] or "")
    console.print(table)


@app.command("show")
def show_cmd(ctx: typer.Context, item_id: Annotated[str, typer.Argument(metavar="ID")],
             json_out: JsonFlag = False) -> None:
    """Show a contract (C-…), document (D-…) or evidence record (E-…)."""
    with open_vault(ctx) as vault:
        from contractvault.records.contracts import show

        data = show(vault, item_id).as_dict()
    if json_out:
        print_json(data)
        return
    skip = {"documents", "changes", "record", "kind"}
    for key, value in data.items():
        if key not in skip and value is not None:
            console.print(f"[bold]{key}[/]: {value}")
    for d in data.get("documents", []):
        flag = "" if d["has_text"] else " [yellow](no text layer)[/]"
        console.print(f"  {d['document_id']}  {d['doc_type']:<10} {d['source_path']}  "
                      f"{d['pages']} p.  {d['evidence_id'] or ''}{flag}")
    if "record" in data:
        print_json(data["record"])


@app.command("register")
def register_cmd(ctx: typer.Context, contract_id: ContractArg,
                 diarienummer: Annotated[str | None, Opt("--diarienummer", help="The case number in the diarium, e.g. KS-2023-00815.")] = None,
                 ciceron: Annotated[str | None, Opt("--ciceron", help="The reference of the copy in Ciceron's avtalsdatabas.")] = None,
                 json_out: JsonFlag = False) -> None:
    """Record the diarium and/or Ciceron copy of a contract (logged as a change)."""
    from contractvault.records.filing import register

    with open_vault(ctx) as vault:
        c = register(vault, contract_id, diarienummer=diarienummer, ciceron=ciceron)
    if json_out:
        print_json({"contract_id": c["contract_id"], "diarienummer": c["diarienummer"],
                    "ciceron_ref": c["ciceron_ref"]})
    else:
        console.print(f"{c['contract_id']}: diarienummer {c['diarienummer'] or '—'}, "
                      f"Ciceron {c['ciceron_ref'] or '—'}")
