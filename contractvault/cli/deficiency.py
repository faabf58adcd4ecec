"""`deficiency add|update|resolve|reopen|list`."""

from __future__ import annotations

from typing import Annotated

import typer

from contractvault.cli.common import JsonFlag, console, open_vault, print_json
from contractvault.records.vocabularies import parse_date

app = typer.Typer(name="deficiency", help="Deficiencies (brister) against the agreed terms.", no_args_is_help=True)
Opt = typer.Option
OnDate = Annotated[str | None, Opt("--on", help="Reference date YYYY-MM-DD (default today).")]
ContractArg = Annotated[str, typer.Argument(metavar="ID", help="Contract id, e.g. C-3.")]
DeficiencyArg = Annotated[str, typer.Argument(metavar="DEFICIENCY",
                                              help="Deficiency id, e.g. B-2.")]
_SEVERITY_STYLE = {"high": "red", "medium": "yellow", "low": "cyan"}
Clause = Annotated[str | None, Opt("--clause", help="Clause of the agreement, e.g. 12.5.")]
Noticed = Annotated[str | None, Opt("--noticed", help="When it was noticed (default today).")]
Notified = Annotated[str | None, Opt("--notified", help="When the supplier was notified.")]
RemedyBy = Annotated[str | None, Opt("--remedy-by", help="Deadline for the supplier to remedy it.")]
Sanction = Annotated[list[str] | None, Opt("--sanction", help="vite, skadestand, havning or prisavdrag (repeatable).")]
Note = Annotated[str | None, Opt("--note", help="A note.")]


def _secret(title: str, secret: bool) -> str:
    return title + (" [red](secret)[/]" if secret else "")


# --- followup ----------------------------------------------------------------------------


def _print_deficiency(d: dict, verbose: bool = True) -> None:
    state = {"open": "[red]open[/]", "notified": "[yellow]notified[/]",
             "resolved": "[green]resolved[/]"}[d["status"]]
    console.print(f"[bold]{d['deficiency_id']}[/] {state}  {d['contract_id']} "
                  f"{_secret(d['title'], d['secret'])}")
    console.print(f"  {d['description']}" + (f" (clause {d['clause']})" if d["clause"] else ""))
    facts = [f"noticed {d['noticed_on']}", f"notified {d['notified_on'] or '—'}",
             f"remedy by {d['remedy_by'] or '—'}"]
    if d["sanctions"]:
        facts.append("sanctions " + ", ".join(d["sanctions"]))
    if d["resolved_on"]:
        facts.append(f"resolved {d['resolved_on']}")
    console.print("  " + " · ".join(facts))
    for w in d["warnings"]:
        console.print(f"  [yellow]warning:[/] {w}")
    if verbose:
        for h in d["history"]:
            data = ", ".join(f"{k}={v}" for k, v in h["data"].items() if v not in (None, [], ""))
            console.print(f"    {h['at']} {h['by']}: {h['action']} {data}")


@app.command("add")
def deficiency_add(ctx: typer.Context, contract_id: ContractArg,
                   description: Annotated[str, Opt("--description", help="What is wrong.")],
                   clause: Clause = None, noticed: Noticed = None, notified: Notified = None,
                   remedy_by: RemedyBy = None, sanction: Sanction = None, note: Note = None,
                   json_out: JsonFlag = False) -> None:
    """Log a deficiency (brist) against the agreed terms."""
    from contractvault.followup.deficiencies import add_deficiency

    with open_vault(ctx) as vault:
        d = add_deficiency(vault, contract_id, description=description, clause=clause,
                           noticed_on=noticed, notified_on=notified, remedy_by=remedy_by,
                           sanctions=sanction, note=note).as_dict()
    if json_out:
        print_json(d)
        return
    _print_deficiency(d, verbose=False)


@app.command("update")
def deficiency_update(ctx: typer.Context, deficiency_id: DeficiencyArg,
                      clause: Clause = None,
                      description: Annotated[str | None, Opt("--description")] = None,
                      noticed: Noticed = None, notified: Notified = None,
                      remedy_by: RemedyBy = None, sanction: Sanction = None, note: Note = None,
                      json_out: JsonFlag = False) -> None:
    """Record a change, e.g. that the supplier was notified (the history is kept)."""
    from contractvault.followup.deficiencies import update_deficiency

    with open_vault(ctx) as vault:
        d = update_deficiency(vault, deficiency_id, clause=clause, description=description,
                              noticed_on=noticed, notified_on=notified, remedy_by=remedy_by,
                              sanctions=sanction, note=note).as_dict()
    if json_out:
        print_json(d)
    else:
        _print_deficiency(d)


@app.command("resolve")
def deficiency_resolve(ctx: typer.Context, deficiency_id: DeficiencyArg,
                       on: Annotated[str | None, Opt("--date", help="When it was remedied (default today).")] = None,
                       note: Note = None, json_out: JsonFlag = False) -> None:
    """Mark a deficiency as resolved (its history stays)."""
    from contractvault.followup.deficiencies import resolve_deficiency

    with open_vault(ctx) as vault:
        d = resolve_deficiency(vault, deficiency_id, resolved_on=on, note=note).as_dict()
    if json_out:
        print_json(d)
    else:
        _print_deficiency(d)


@app.command("reopen")
def deficiency_reopen(ctx: typer.Context, deficiency_id: DeficiencyArg, note: Note = None,
                      json_out: JsonFlag = False) -> None:
    """Reopen a resolved deficiency."""
    from contractvault.followup.deficiencies import reopen_deficiency

    with open_vault(ctx) as vault:
        d = reopen_deficiency(vault, deficiency_id, note=note).as_dict()
    if json_out:
        print_json(d)
    else:
        _print_deficiency(d)


@app.command("list")
def deficiency_list(ctx: typer.Context,
                    contract: Annotated[str | None, Opt("--contract", help="Only this contract.")] = None,
                    status: Annotated[str | None, Opt("--status", help="open, notified or resolved.")] = None,
                    on: OnDate = None, json_out: JsonFlag = False) -> None:
    """Deficiencies with their history and warnings."""
    from contractvault.followup.deficiencies import list_deficiencies

    day = parse_date(on, "--on")
    with open_vault(ctx) as vault:
        items = [d.as_dict(day) for d in list_deficiencies(vault, contract=contract,
                                                           status=status)]
    if json_out:
        print_json({"deficiencies": items})
        return
    if not items:
        console.print("No deficiencies logged.")
        return
    for d in items:
        _print_deficiency(d)


# --- report, register, exports -------------------------------------------------------------
