"""`contract new|set`, `list`, `show`, `register`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from contractvault.cli.app import JsonFlag, app, console, contract_app, open_vault, print_json
from contractvault.register import (
    ContractFields,
    ListFilter,
    create_contract,
    list_contracts,
    show,
    update_contract,
)

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


def _fields(**kw: object) -> ContractFields:
    return ContractFields(**kw)  # type: ignore[arg-type]


@contract_app.command("new")
def contract_new(ctx: typer.Context, title: str, supplier: Supplier = None, board: Board = None,
                 system: System = None, category: Category = None, scope: Scope = None,
                 personal_data: PersonalData = None, third_country: ThirdCountry = None,
                 transfer_mechanism: Mechanism = None, start: Start = None, end: End = None,
                 notice_months: NoticeMonths = None, notice_basis: NoticeBasis = None,
                 renewal_months: RenewalMonths = None, deletion_days: DeletionDays = None,
                 owner: Owner = None, secret: Secret = None, json_out: JsonFlag = False) -> None:
    """Create a contract."""
    meta = _fields(supplier=supplier, board=board, system=system, category=category, scope=scope,
                   personal_data=personal_data, third_country=third_country,
                   transfer_mechanism=transfer_mechanism, start_date=start, end_date=end,
                   notice_months=notice_months, notice_basis=notice_basis,
                   renewal_months=renewal_months, deletion_days=deletion_days, owner=owner,
                   secret=secret)
    with open_vault(ctx) as vault:
        cid = create_contract(vault, title, meta)
    if json_out:
        print_json({"contract_id": cid})
    else:
        console.print(f"Created contract [bold]{cid}[/]: {title}")


@contract_app.command("set")
def contract_set(ctx: typer.Context, contract_id: str, title: Annotated[str | None, Opt("--title")] = None,
                 supplier: Supplier = None, board: Board = None,
                 system: System = None, category: Category = None, scope: Scope = None,
                 personal_data: PersonalData = None, third_country: ThirdCountry = None,
                 transfer_mechanism: Mechanism = None, start: Start = None, end: End = None,
                 notice_months: NoticeMonths = None, notice_basis: NoticeBasis = None,
                 renewal_months: RenewalMonths = None, deletion_days: DeletionDays = None,
                 owner: Owner = None, secret: Secret = None, json_out: JsonFlag = False) -> None:
    """Change a contract's metadata (every change is logged)."""
    meta = _fields(title=title, supplier=supplier, board=board, system=system, category=category,
                   scope=scope, personal_data=personal_data, third_country=third_country,
                   transfer_mechanism=transfer_mechanism, start_date=start, end_date=end,
                   notice_months=notice_months, notice_basis=notice_basis,
                   renewal_months=renewal_months, deletion_days=deletion_days, owner=owner,
                   secret=secret)
    with open_vault(ctx) as vault:
        cid = update_contract(vault, contract_id, meta)
    if json_out:
        print_json({"contract_id": cid})
    else:
        console.print(f"Updated contract [bold]{cid}[/]")


@app.command("list")
def list_cmd(ctx: typer.Context, supplier: Supplier = None, board: Board = None,
             doc_type: Annotated[str | None, Opt("--doc-type", help="Only contracts with a document of this type.")] = None,
             category: Category = None, json_out: JsonFlag = False) -> None:
    """List contracts and their documents."""
    from contractvault.doctypes import normalize_doc_type

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
        data = show(vault, item_id)
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
