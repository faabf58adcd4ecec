"""`export evidence|diarium|ciceron|report|wacz`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from contractvault.cli.common import (
    ForceFlag,
    JsonFlag,
    console,
    err_console,
    open_vault,
    print_json,
    progress_bar,
)

app = typer.Typer(name="export", help="Evidence bundles, diarium and Ciceron copies.", no_args_is_help=True)
Opt = typer.Option
OnDate = Annotated[str | None, Opt("--on", help="Reference date YYYY-MM-DD (default today).")]
ContractArg = Annotated[str, typer.Argument(metavar="ID", help="Contract id, e.g. C-3.")]
DeficiencyArg = Annotated[str, typer.Argument(metavar="DEFICIENCY",
                                              help="Deficiency id, e.g. B-2.")]
_SEVERITY_STYLE = {"high": "red", "medium": "yellow", "low": "cyan"}


@app.command("evidence")
def export_evidence_cmd(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(metavar="ID", help="A document (D-…) or evidence (E-…) id.")],
    out: Annotated[str, Opt("-o", "--out", metavar="FILE", help="The zip file to write.")],
    include_secret: Annotated[bool, Opt("--include-secret", help="Allow evidence of a contract "
                                        "marked secret.")] = False,
    force: ForceFlag = False,
    json_out: JsonFlag = False,
) -> None:
    """Write a self-contained evidence bundle, checkable with openssl and sha256sum alone."""
    from contractvault.exports.bundle import export_evidence

    with open_vault(ctx) as vault:
        bundle = export_evidence(vault, item_id, out, include_secret=include_secret, force=force)
    if json_out:
        print_json(bundle.as_dict())
        return
    console.print(f"Wrote [bold]{bundle.path}[/]: {bundle.evidence_id}"
                  + (f" ({bundle.document_id})" if bundle.document_id else "")
                  + f", ledger excerpt {bundle.excerpt[0]}..{bundle.excerpt[1]}, "
                  + ("with an RFC 3161 timestamp." if bundle.timestamp
                     else "no timestamp (time rests on the local clock)."))
    for note in bundle.notes:
        err_console.print(f"note: {note}", markup=False)
    console.print(f"Check it: unzip {bundle.path.name} && cd evidence-{bundle.evidence_id} && "
                  "sh verify.sh   (VERIFY.md there explains the checks)", markup=False)


@app.command("diarium")
def export_diarium_cmd(ctx: typer.Context, contract_id: ContractArg,
                       output: Annotated[str, Opt("-o", "--output", metavar="DIR", help="The package folder to create (must not exist).")],
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


@app.command("ciceron")
def export_ciceron_cmd(ctx: typer.Context,
                       output: Annotated[str, Opt("-o", "--output", metavar="DIR", help="The folder to create (must not exist).")],
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


@app.command("report")
def export_report_cmd(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(metavar="ID", help="A document (D-…) or evidence (E-…) id.")],
    out: Annotated[str, Opt("-o", "--out", metavar="FILE", help="The PDF file to write.")],
    lang: Annotated[str, Opt("--lang", help="sv (default) or en.")] = "sv",
    include_secret: Annotated[bool, Opt("--include-secret", help="Allow a contract marked secret.")] = False,
    force: ForceFlag = False,
    json_out: JsonFlag = False,
) -> None:
    """Write the evidence report: one sealed PDF an auditor reads and any PDF reader checks."""
    from contractvault.exports.report import export_report

    with open_vault(ctx) as vault:
        report = export_report(vault, item_id, out, lang=lang, force=force,
                               include_secret=include_secret)
    if json_out:
        print_json(report.as_dict())
    else:
        console.print(f"Wrote [bold]{report.path}[/]: evidence report of {report.evidence_id}, "
                      f"PAdES {report.seal_level}.")
    for w in report.warnings:
        err_console.print(f"warning: {w}", markup=False)


@app.command("wacz")
def export_wacz_cmd(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(metavar="ID", help="A captured document (D-…) or its evidence (E-…).")],
    out: Annotated[str, Opt("-o", "--out", metavar="FILE", help="The .wacz file to write.")],
    include_secret: Annotated[bool, Opt("--include-secret", help="Allow a contract marked secret.")] = False,
    force: ForceFlag = False,
    json_out: JsonFlag = False,
) -> None:
    """Write the capture as a signed WACZ web archive (replays in ReplayWeb.page)."""
    from contractvault.exports.wacz import export_wacz

    with open_vault(ctx) as vault:
        result = export_wacz(vault, item_id, out, force=force, include_secret=include_secret)
    if json_out:
        print_json(result.as_dict())
    else:
        console.print(f"Wrote [bold]{result.path}[/]: {result.records} WARC record(s) of "
                      f"{result.evidence_id}, signed ({result.signature}).")
    for w in result.warnings:
        err_console.print(f"warning: {w}", markup=False)
