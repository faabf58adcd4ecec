"""Avtalsuppföljning and the records copies: `followup due|ics|record|list`,
`deficiency add|list|update|resolve|reopen`, `report`, `register`,
`export diarium`, `export ciceron`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from contractvault.cli.app import (
    JsonFlag,
    app,
    console,
    deficiency_app,
    err_console,
    export_app,
    followup_app,
    open_vault,
    print_json,
    progress_bar,
)
from contractvault.vocab import parse_date

Opt = typer.Option
OnDate = Annotated[str | None, Opt("--on", help="Reference date YYYY-MM-DD (default today).")]
ContractArg = Annotated[str, typer.Argument(metavar="ID", help="Contract id, e.g. C-3.")]
DeficiencyArg = Annotated[str, typer.Argument(metavar="DEFICIENCY",
                                              help="Deficiency id, e.g. B-2.")]
_SEVERITY_STYLE = {"high": "red", "medium": "yellow", "low": "cyan"}


def _secret(title: str, secret: bool) -> str:
    return title + (" [red](secret)[/]" if secret else "")


# --- followup ----------------------------------------------------------------------------


@followup_app.command("due")
def followup_due(ctx: typer.Context,
                 within: Annotated[int, Opt("--within", help="Days ahead to look.")] = 90,
                 on: OnDate = None,
                 contract: Annotated[str | None, Opt("--contract", help="Only this contract.")] = None,
                 json_out: JsonFlag = False) -> None:
    """Deadlines: notice, expiry, renewal, follow-up, deletion, deficiencies, changed terms."""
    from contractvault.followup import deadlines

    with open_vault(ctx) as vault:
        listing = deadlines(vault, on=parse_date(on, "--on"), within=within, contract=contract)
    if json_out:
        print_json(listing.as_dict())
        return
    if not listing.items:
        console.print(f"Nothing due from {listing.on} to {listing.until}.")
        return
    table = Table("date", "kind", "contract", "title", "detail")
    for i in listing.items:
        date_txt = f"[red]{i.date}[/]" if i.overdue else str(i.date)
        table.add_row(date_txt, i.kind, i.contract_id, _secret(i.title, i.secret), i.detail)
    console.print(table)


@followup_app.command("ics")
def followup_ics(ctx: typer.Context,
                 output: Annotated[Path, Opt("-o", "--output", help="The .ics file to write.")],
                 within: Annotated[int, Opt("--within", help="Days ahead to include.")] = 365,
                 on: OnDate = None,
                 show_secret: Annotated[bool, Opt("--show-secret", help="Put titles of secret contracts in the calendar too.")] = False,
                 json_out: JsonFlag = False) -> None:
    """Write the deadlines as an iCalendar file (all-day events with reminders)."""
    from contractvault.followup import write_ics

    with open_vault(ctx) as vault:
        n = write_ics(vault, output, on=parse_date(on, "--on"), within=within,
                      show_secret=show_secret)
    if json_out:
        print_json({"path": str(output), "events": n})
    else:
        console.print(f"Wrote {n} deadline(s) to {output}")


@followup_app.command("record")
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


@followup_app.command("list")
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
    table = Table("held on", "contract", "kind", "participants", "notes")
    for r in items:
        table.add_row(r["held_on"], r["contract_id"], r["kind"], ", ".join(r["participants"]),
                      r["notes"])
    console.print(table)


# --- deficiency --------------------------------------------------------------------------

Clause = Annotated[str | None, Opt("--clause", help="Clause of the agreement, e.g. 12.5.")]
Noticed = Annotated[str | None, Opt("--noticed", help="When it was noticed (default today).")]
Notified = Annotated[str | None, Opt("--notified", help="When the supplier was notified.")]
RemedyBy = Annotated[str | None, Opt("--remedy-by", help="Deadline for the supplier to remedy it.")]
Sanction = Annotated[list[str] | None, Opt("--sanction", help="vite, skadestand, havning or prisavdrag (repeatable).")]
Note = Annotated[str | None, Opt("--note", help="A note.")]


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


@deficiency_app.command("add")
def deficiency_add(ctx: typer.Context, contract_id: ContractArg,
                   description: Annotated[str, Opt("--description", help="What is wrong.")],
                   clause: Clause = None, noticed: Noticed = None, notified: Notified = None,
                   remedy_by: RemedyBy = None, sanction: Sanction = None, note: Note = None,
                   json_out: JsonFlag = False) -> None:
    """Log a deficiency (brist) against the agreed terms."""
    from contractvault.deficiency import add_deficiency

    with open_vault(ctx) as vault:
        d = add_deficiency(vault, contract_id, description=description, clause=clause,
                           noticed_on=noticed, notified_on=notified, remedy_by=remedy_by,
                           sanctions=sanction, note=note).as_dict()
    if json_out:
        print_json(d)
        return
    _print_deficiency(d, verbose=False)


@deficiency_app.command("update")
def deficiency_update(ctx: typer.Context, deficiency_id: DeficiencyArg,
                      clause: Clause = None,
                      description: Annotated[str | None, Opt("--description")] = None,
                      noticed: Noticed = None, notified: Notified = None,
                      remedy_by: RemedyBy = None, sanction: Sanction = None, note: Note = None,
                      json_out: JsonFlag = False) -> None:
    """Record a change, e.g. that the supplier was notified (the history is kept)."""
    from contractvault.deficiency import update_deficiency

    with open_vault(ctx) as vault:
        d = update_deficiency(vault, deficiency_id, clause=clause, description=description,
                              noticed_on=noticed, notified_on=notified, remedy_by=remedy_by,
                              sanctions=sanction, note=note).as_dict()
    if json_out:
        print_json(d)
    else:
        _print_deficiency(d)


@deficiency_app.command("resolve")
def deficiency_resolve(ctx: typer.Context, deficiency_id: DeficiencyArg,
                       on: Annotated[str | None, Opt("--date", help="When it was remedied (default today).")] = None,
                       note: Note = None, json_out: JsonFlag = False) -> None:
    """Mark a deficiency as resolved (its history stays)."""
    from contractvault.deficiency import resolve_deficiency

    with open_vault(ctx) as vault:
        d = resolve_deficiency(vault, deficiency_id, resolved_on=on, note=note).as_dict()
    if json_out:
        print_json(d)
    else:
        _print_deficiency(d)


@deficiency_app.command("reopen")
def deficiency_reopen(ctx: typer.Context, deficiency_id: DeficiencyArg, note: Note = None,
                      json_out: JsonFlag = False) -> None:
    """Reopen a resolved deficiency."""
    from contractvault.deficiency import reopen_deficiency

    with open_vault(ctx) as vault:
        d = reopen_deficiency(vault, deficiency_id, note=note).as_dict()
    if json_out:
        print_json(d)
    else:
        _print_deficiency(d)


@deficiency_app.command("list")
def deficiency_list(ctx: typer.Context,
                    contract: Annotated[str | None, Opt("--contract", help="Only this contract.")] = None,
                    status: Annotated[str | None, Opt("--status", help="open, notified or resolved.")] = None,
                    on: OnDate = None, json_out: JsonFlag = False) -> None:
    """Deficiencies with their history and warnings."""
    from contractvault.deficiency import list_deficiencies

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


@app.command("report")
def report_cmd(ctx: typer.Context, on: OnDate = None,
               verify_evidence: Annotated[bool, Opt("--verify/--no-verify", help="Re-check all evidence (slower).")] = True,
               json_out: JsonFlag = False) -> None:
    """What is missing or at risk across the archive. Exits 0 even with findings."""
    from contractvault.report import build_report

    with open_vault(ctx) as vault, progress_bar("Checking evidence") as update:
        data = build_report(vault, on=parse_date(on, "--on"), check_evidence=verify_evidence,
                            progress=update)
    if json_out:
        print_json(data)
        return
    ev = data["evidence"]
    console.print(f"{data['contracts']} contract(s), {len(data['findings'])} finding(s); "
                  f"evidence: {ev['detail']}")
    if not data["findings"]:
        return
    table = Table("severity", "contract", "title", "kind", "detail")
    for f in data["findings"]:
        style = _SEVERITY_STYLE[f["severity"]]
        table.add_row(f"[{style}]{f['severity']}[/]", f["contract_id"] or "—",
                      _secret(f["title"] or "", f["secret"]), f["kind"], f["detail"])
    console.print(table)


@app.command("register")
def register_cmd(ctx: typer.Context, contract_id: ContractArg,
                 diarienummer: Annotated[str | None, Opt("--diarienummer", help="The case number in the diarium, e.g. KS-2023-00815.")] = None,
                 ciceron: Annotated[str | None, Opt("--ciceron", help="The reference of the copy in Ciceron's avtalsdatabas.")] = None,
                 json_out: JsonFlag = False) -> None:
    """Record the diarium and/or Ciceron copy of a contract (logged as a change)."""
    from contractvault.registration import register

    with open_vault(ctx) as vault:
        c = register(vault, contract_id, diarienummer=diarienummer, ciceron=ciceron)
    if json_out:
        print_json({"contract_id": c["contract_id"], "diarienummer": c["diarienummer"],
                    "ciceron_ref": c["ciceron_ref"]})
    else:
        console.print(f"{c['contract_id']}: diarienummer {c['diarienummer'] or '—'}, "
                      f"Ciceron {c['ciceron_ref'] or '—'}")


@export_app.command("diarium")
def export_diarium_cmd(ctx: typer.Context, contract_id: ContractArg,
                       output: Annotated[Path, Opt("-o", "--output", help="The package folder to create (must not exist).")],
                       json_out: JsonFlag = False) -> None:
    """An E-ARK SIP (FGS Paketstruktur 2.0) of one contract for the diarium."""
    from contractvault.exports.diarium import export_diarium

    with open_vault(ctx) as vault, progress_bar("Writing package") as update:
        res = export_diarium(vault, contract_id, output, progress=update)
    if json_out:
        print_json(res.as_dict())
        return
    console.print(f"Wrote {res.files} files for {res.contract_id} to {res.path}")
    if res.secret:
        err_console.print("[yellow]note:[/] the contract is marked secret (kommersiell "
                          "sekretess); the package says so in its ERMS restriction")


@export_app.command("ciceron")
def export_ciceron_cmd(ctx: typer.Context,
                       output: Annotated[Path, Opt("-o", "--output", help="The folder to create (must not exist).")],
                       mapping: Annotated[Path | None, Opt("--mapping", help="TOML file choosing and naming the CSV columns.")] = None,
                       include_secret: Annotated[bool, Opt("--secret/--no-secret", help="Include secret contracts (marked in the Sekretess column).")] = True,
                       json_out: JsonFlag = False) -> None:
    """The register as CSV for Ciceron's avtalsdatabas, with the documents and SHA256SUMS."""
    from contractvault.exports.ciceron import export_ciceron

    with open_vault(ctx) as vault, progress_bar("Copying documents") as update:
        res = export_ciceron(vault, output, mapping_file=mapping, include_secret=include_secret,
                             progress=update)
    if json_out:
        print_json(res.as_dict())
        return
    console.print(f"Wrote {len(res.contracts)} contract(s) and {len(res.documents)} "
                  f"document(s) to {res.path}. After importing, record each copy with "
                  "'contractvault register ID --ciceron REF'.")
