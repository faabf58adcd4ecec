"""`report`: what is missing or at risk across the archive."""

from __future__ import annotations

from typing import Annotated

import typer

from contractvault.cli.common import JsonFlag, console, open_vault, print_json, progress_bar
from contractvault.records.vocabularies import parse_date

app = typer.Typer()
Opt = typer.Option
OnDate = Annotated[str | None, Opt("--on", help="Reference date YYYY-MM-DD (default today).")]
ContractArg = Annotated[str, typer.Argument(metavar="ID", help="Contract id, e.g. C-3.")]
DeficiencyArg = Annotated[str, typer.Argument(metavar="DEFICIENCY",
                                              help="Deficiency id, e.g. B-2.")]
_SEVERITY_STYLE = {"high": "red", "medium": "yellow", "low": "cyan"}


def _secret(title: str, secret: bool) -> str:
    return title + (" [red](secret)[/]" if secret else "")


# --- followup ----------------------------------------------------------------------------


@app.command("report")
def report_cmd(ctx: typer.Context, on: OnDate = None,
               verify_evidence: Annotated[bool, Opt("--verify/--no-verify", help="Re-check all evidence (slower).")] = True,
               json_out: JsonFlag = False) -> None:
    """What is missing or at risk across the archive. Exits 0 even with findings."""
    from contractvault.followup.report import build_report

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
    from rich.table import Table

    table = Table("severity", "contract", "title", "kind", "detail")
    for f in data["findings"]:
        style = _SEVERITY_STYLE[f["severity"]]
        table.add_row(f"[{style}]{f['severity']}[/]", f["contract_id"] or "—",
                      _secret(f["title"] or "", f["secret"]), f["kind"], f["detail"])
    console.print(table)
