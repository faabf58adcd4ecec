"""`followup due|ics|record|list`."""

from __future__ import annotations

from typing import Annotated

import typer

from contractvault.cli.common import (
    ForceFlag,
    JsonFlag,
    console,
    err_console,
    open_vault,
    print_json,
)
from contractvault.records.vocabularies import parse_date

app = typer.Typer(name="followup", help="Avtalsuppföljning: deadlines, follow-ups, calendar.", no_args_is_help=True)
Opt = typer.Option
OnDate = Annotated[str | None, Opt("--on", help="Reference date YYYY-MM-DD (default today).")]
ContractArg = Annotated[str, typer.Argument(metavar="ID", help="Contract id, e.g. C-3.")]
DeficiencyArg = Annotated[str, typer.Argument(metavar="DEFICIENCY",
                                              help="Deficiency id, e.g. B-2.")]
_SEVERITY_STYLE = {"high": "red", "medium": "yellow", "low": "cyan"}


def _warn(line: str) -> None:
    from rich.markup import escape

    err_console.print(f"[yellow]warning[/]: {escape(line)}")


def _secret(title: str, secret: bool) -> str:
    return title + (" [red](secret)[/]" if secret else "")


# --- followup ----------------------------------------------------------------------------


@app.command("due")
def followup_due(ctx: typer.Context,
                 within: Annotated[int, Opt("--within", help="Days ahead to look.")] = 90,
                 on: OnDate = None,
                 contract: Annotated[str | None, Opt("--contract", help="Only this contract.")] = None,
                 json_out: JsonFlag = False) -> None:
    """Deadlines: notice, expiry, renewal, follow-up, deletion, deficiencies, changed terms."""
    from contractvault.followup import deadlines

    with open_vault(ctx) as vault:
        listing = deadlines(vault, on=parse_date(on, "--on"), within=within, contract=contract)
    for line in listing.warnings:
        _warn(line)
    if json_out:
        print_json(listing.as_dict())
        return
    if not listing.items:
        console.print(f"Nothing due from {listing.on} to {listing.until}.")
        return
    from rich.table import Table

    table = Table("date", "kind", "contract", "title", "detail")
    for i in listing.items:
        date_txt = f"[red]{i.date}[/]" if i.overdue else str(i.date)
        table.add_row(date_txt, i.kind, i.contract_id, _secret(i.title, i.secret), i.detail)
    console.print(table)


@app.command("ics")
def followup_ics(ctx: typer.Context,
                 output: Annotated[str, Opt("-o", "--output", metavar="FILE", help="The .ics file to write.")],
                 within: Annotated[int, Opt("--within", help="Days ahead to include.")] = 365,
                 on: OnDate = None,
                 show_secret: Annotated[bool, Opt("--show-secret", help="Put titles of secret contracts in the calendar too.")] = False,
                 force: ForceFlag = False,
                 json_out: JsonFlag = False) -> None:
    """Write the deadlines as an iCalendar file (all-day events with reminders)."""
    from contractvault.followup import write_ics

    with open_vault(ctx) as vault:
        path, n = write_ics(vault, output, on=parse_date(on, "--on"), within=within,
                            show_secret=show_secret, force=force, warn=_warn)
    if json_out:
        print_json({"path": str(path), "events": n})
    else:
        console.print(f"Wrote {n} deadline(s) to {path}")


@app.command("record")
def followup_record(ctx: typer.Context, contract_id: ContractArg,
                    kind: Annotated[str, Opt("--kind", help="meeting (with the supplier) or internal-review.")] = "meeting",
                    held_on: Annotated[str | None, Opt("--date", help="When it was held (default today).")] = None,
                    participant: Annotated[list[str] | None, Opt("--participant", help="A participant (repeatable).")] = None,
                    notes: Annotated[str, Opt("--notes", help="What was found and agreed.")] = "",
                    json_out: JsonFlag = False) -> None:
    """Document a follow-up meeting or an internal review."""
    from contractvault.followup import record_followup

    with open_vault(ctx) as vault:
        rec = record_followup(vault, contract_id, held_on=held_on, kind=kind,
                              participants=participant or [], notes=notes)
    if json_out:
        print_json(rec)
    else:
        console.print(f"Recorded {rec['kind']} on {rec['held_on']} for {rec['contract_id']}")


@app.command("list")
def followup_list(ctx: typer.Context,
                  contract_id: Annotated[str | None, typer.Argument(metavar="[ID]")] = None,
                  json_out: JsonFlag = False) -> None:
    """Documented follow-ups (meetings and internal reviews)."""
    from contractvault.followup import list_followups

    with open_vault(ctx) as vault:
        items = list_followups(vault, contract_id)
    if json_out:
        print_json({"followups": items})
        return
    if not items:
        console.print("No follow-ups documented. Add one with 'contractvault followup record ID'.")
        return
    from rich.table import Table

    table = Table("held on", "contract", "kind", "participants", "notes")
    for r in items:
        table.add_row(r["held_on"], r["contract_id"], r["kind"], ", ".join(r["participants"]),
                      r["notes"])
    console.print(table)


# --- deficiency --------------------------------------------------------------------------
