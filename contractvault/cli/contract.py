"""`contract new|set`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from contractvault.cli.common import JsonFlag, console, open_vault, print_json

# The library is imported in each command, not here: `contractvault --help` and `search`
# must not pay for the database layer.
if TYPE_CHECKING:
    from contractvault.records.contracts import ContractFields

app = typer.Typer(name="contract", help="Create and change contracts.", no_args_is_help=True)
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
Value = Annotated[int | None, Opt("--value", help="Contract value (avtalsvärde) in SEK; authority checks use it.")]


def _fields(**kw: object) -> ContractFields:
    from contractvault.records.contracts import ContractFields

    return ContractFields(**kw)  # type: ignore[arg-type]


@app.command("new")
def contract_new(ctx: typer.Context, title: str, supplier: Supplier = None, board: Board = None,
                 system: System = None, category: Category = None, scope: Scope = None,
                 personal_data: PersonalData = None, third_country: ThirdCountry = None,
                 transfer_mechanism: Mechanism = None, start: Start = None, end: End = None,
                 notice_months: NoticeMonths = None, notice_basis: NoticeBasis = None,
                 renewal_months: RenewalMonths = None, deletion_days: DeletionDays = None,
                 owner: Owner = None, secret: Secret = None, value: Value = None,
                 json_out: JsonFlag = False) -> None:
    """Create a contract."""
    meta = _fields(supplier=supplier, board=board, system=system, category=category, scope=scope,
                   personal_data=personal_data, third_country=third_country,
                   transfer_mechanism=transfer_mechanism, start_date=start, end_date=end,
                   notice_months=notice_months, notice_basis=notice_basis,
                   renewal_months=renewal_months, deletion_days=deletion_days, owner=owner,
                   secret=secret, value_sek=value)
    with open_vault(ctx) as vault:
        from contractvault.records.contracts import create_contract

        cid = create_contract(vault, title, meta)
    if json_out:
        print_json({"contract_id": cid})
    else:
        console.print(f"Created contract [bold]{cid}[/]: {title}")


@app.command("set")
def contract_set(ctx: typer.Context, contract_id: str, title: Annotated[str | None, Opt("--title")] = None,
                 supplier: Supplier = None, board: Board = None,
                 system: System = None, category: Category = None, scope: Scope = None,
                 personal_data: PersonalData = None, third_country: ThirdCountry = None,
                 transfer_mechanism: Mechanism = None, start: Start = None, end: End = None,
                 notice_months: NoticeMonths = None, notice_basis: NoticeBasis = None,
                 renewal_months: RenewalMonths = None, deletion_days: DeletionDays = None,
                 owner: Owner = None, secret: Secret = None, value: Value = None,
                 json_out: JsonFlag = False) -> None:
    """Change a contract's metadata (every change is logged)."""
    meta = _fields(title=title, supplier=supplier, board=board, system=system, category=category,
                   scope=scope, personal_data=personal_data, third_country=third_country,
                   transfer_mechanism=transfer_mechanism, start_date=start, end_date=end,
                   notice_months=notice_months, notice_basis=notice_basis,
                   renewal_months=renewal_months, deletion_days=deletion_days, owner=owner,
                   secret=secret, value_sek=value)
    with open_vault(ctx) as vault:
        from contractvault.records.contracts import update_contract

        cid = update_contract(vault, contract_id, meta)
    if json_out:
        print_json({"contract_id": cid})
    else:
        console.print(f"Updated contract [bold]{cid}[/]")
