"""`verify` and `timestamp`.

Trusted time: every command that seals asks a TSA for an RFC 3161 token when one is
configured: `--tsa URL` or `$CONTRACTVAULT_TSA_URL` for one run (with `$CONTRACTVAULT_TSA_CA`,
a PEM file, to trust its CA), or for the vault with `contractvault key tsa URL --ca FILE`."""

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


def _print_report(report: object) -> None:
    from rich.markup import escape

    from contractvault.evidence.verify import VerifyReport

    assert isinstance(report, VerifyReport)
    for f in report.failures:
        console.print(f"[bold red]FAIL[/] {escape(f.id)} {escape(f.what)}: {escape(f.detail)}")
    for w in report.warnings:
        err_console.print(f"[yellow]warning[/] {escape(w.id)} {escape(w.what)}: {escape(w.detail)}")
    head = report.head or {}
    mib = report.bytes_hashed / (1 << 20)
    if report.ok:
        console.print(f"[bold green]OK[/]: {report.checked} record(s) checked, {report.blobs} blob(s) "
                      f"({mib:.1f} MiB) re-hashed, ledger head E-{head.get('seq', 0)}.")
    else:
        console.print(f"[bold red]{len(report.failures)} failure(s)[/] in {report.checked} record(s).")
    time_text = {"tsa": "every record has a verified RFC 3161 timestamp",
                 "partly-tsa": "some records have a verified RFC 3161 timestamp, the others rest on "
                               "the local clock",
                 "local-clock": "sealing times rest on the local clock (no TSA timestamps)"}
    console.print(f"Time: {time_text.get(report.time_source, report.time_source)}.")
    for url, n in report.tsas.items():
        console.print(f"  {n} verified token(s) from the TSA at {escape(url)}")
    kept = report.kept_checkpoint or {}
    for c in kept.get("cosignatures", []):
        state = {True: "verified", False: "does NOT verify", None: "not checked (no --witness key)"}
        console.print(f"Cosignature by {escape(c['name'])}: {state[c['verified']]}.")


@app.command("verify")
def verify_cmd(
    ctx: typer.Context,
    item_id: Annotated[str | None, typer.Argument(
        metavar="[ID]", help="A contract (C-…), document (D-…) or evidence (E-…) id; all when left out.")] = None,
    checkpoint: Annotated[Path | None, Opt(
        "--checkpoint", help="An older checkpoint you kept (a line of ledger/checkpoints.jsonl, "
        "an export's checkpoint.json with checkpoint.sig beside it, or a C2SP checkpoint note "
        "ledger/checkpoint.note, cosigned or not): check that today's ledger still contains it.")] = None,
    witness: Annotated[list[str] | None, Opt(
        "--witness", metavar="VKEY", help="A witness's verifier key (name+id+key): its "
        "cosignature on the --checkpoint note must verify. Repeatable.")] = None,
    json_out: JsonFlag = False,
) -> None:
    """Re-hash every blob and check signatures, the chain, checkpoints and timestamps.

    Exit 0 when everything holds, 4 otherwise (each failure names its record).
    """
    from contractvault.errors import UsageError
    from contractvault.evidence.verify import load_checkpoint, verify
    from contractvault.storage.signednote import parse_vkey

    kept = load_checkpoint(checkpoint) if checkpoint is not None else None
    if witness:
        if kept is None or "note" not in kept:
            raise UsageError("--witness goes with --checkpoint NOTE", "cosignatures are on "
                             "checkpoint notes", "Give the cosigned ledger/checkpoint.note")
        kept["witnesses"] = [parse_vkey(w) for w in witness]
    with open_vault(ctx) as vault:
        with progress_bar("Verifying") as update:
            report = verify(vault, item_id, progress=update, checkpoint=kept)
    if json_out:
        print_json(report.as_dict())
    else:
        _print_report(report)
    if not report.ok:
        raise typer.Exit(ExitCode.VERIFICATION)


@app.command("timestamp")
def timestamp_cmd(
    ctx: typer.Context,
    item_id: Annotated[str | None, typer.Argument(
        metavar="[ID]", help="A contract, document or evidence id; all records without a token when left out.")] = None,
    tsa: Annotated[str | None, Opt("--tsa", help="Ask this TSA (URL) instead of the configured one.")] = None,
    json_out: JsonFlag = False,
) -> None:
    """Ask each TSA again for tokens that are missing (e.g. it was unreachable when sealing)."""
    from contractvault.evidence.timestamps import TsaConfig, timestamp_missing, tsa_config

    with open_vault(ctx) as vault:
        config = tsa_config(vault)
        if tsa:
            config = TsaConfig(url=tsa, ca_pems=config.ca_pems, source="option")
        with progress_bar("Timestamping") as update:
            result = timestamp_missing(vault, item_id, config=config, progress=update)
    if json_out:
        print_json(result.as_dict())
    else:
        for item in result.stamped:
            console.print(f"{item['id']} timestamped at {item['gen_time']} by {item['tsa']}")
        if not result.stamped and not result.errors:
            console.print(f"Nothing to do: {result.already} record(s) already have a token.")
    for e in result.errors:
        err_console.print(error_line(f"{e['id']} ({e['tsa']}): {e['error']}"), markup=False)
    if result.errors:
        raise typer.Exit(ExitCode.UNEXPECTED)
