"""`capture` and `recheck`: web agreements as sealed evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from contractvault.cli.common import JsonFlag, console, err_console, open_vault, print_json

app = typer.Typer()
Opt = typer.Option


@app.command("capture")
def capture_cmd(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="http(s) address of the agreement.")],
    doc_type: Annotated[str, Opt("--doc-type", help="Document type of the agreement.")],
    contract: Annotated[str | None, Opt("--contract", help="Add to this contract (C-…).")] = None,
    new: Annotated[str | None, Opt("--new", help="Create a contract with this title.")] = None,
    supplier: Annotated[str | None, Opt("--supplier", help="Supplier of a new contract.")] = None,
    accept: Annotated[str | None, Opt("--accept", help="CSS selector of the accept box (else found by its label).")] = None,
    click: Annotated[bool, Opt("--click", help="Accept: click the accept box for real.")] = False,
    submit: Annotated[str | None, Opt("--submit", help="Button that completes the acceptance.")] = None,
    signer: Annotated[str | None, Opt("--signer", help="Person accepting (id in the register).")] = None,
    board: Annotated[str | None, Opt("--board", help="Board (nämnd) accepting.")] = None,
    scope: Annotated[str | None, Opt("--scope")] = None,
    category: Annotated[str | None, Opt("--category")] = None,
    system: Annotated[str | None, Opt("--system")] = None,
    value: Annotated[int | None, Opt("--value", help="Contract value in SEK.")] = None,
    decision: Annotated[str | None, Opt("--decision", help="Decision reference (under a fullmakt).")] = None,
    follow: Annotated[list[str] | None, Opt("--follow", help="Link text or selector of a linked document (repeatable).")] = None,
    interactive: Annotated[bool, Opt("--interactive", help="Visible browser: log in, then press Enter.")] = False,
    storage_state: Annotated[Path | None, Opt("--storage-state", help="Reuse a logged-in session (Playwright storage state JSON).")] = None,
    json_out: JsonFlag = False,
) -> None:
    """Capture a click-through agreement as sealed evidence (checks authority first)."""
    from contractvault.evidence.capture import CaptureOptions, capture_agreement

    opts = CaptureOptions(url=url, doc_type=doc_type, contract=contract, new_title=new,
                          supplier=supplier, accept_selector=accept, click=click,
                          submit_selector=submit, follow=list(follow or []), signer=signer,
                          board=board, scope=scope, category=category, system=system,
                          value_sek=value, decision_ref=decision, interactive=interactive,
                          storage_state=storage_state)

    def wait(instruction: str) -> None:
        err_console.input(f"[bold]{instruction}[/] ")

    def progress(step: str) -> None:
        if not json_out:
            err_console.print(f"[dim]{step}[/]")

    with open_vault(ctx) as vault:
        outcome = capture_agreement(vault, opts, wait=wait, progress=progress)
    if json_out:
        print_json(outcome.as_dict())
        return
    console.print(f"Captured {url} into {outcome.contract_id}")
    for doc, ev in zip(outcome.document_ids, outcome.evidence_ids, strict=True):
        console.print(f"  {doc} sealed as {ev}")
    if outcome.accept:
        a = outcome.accept
        state = "clicked" if a["clicked"] else "not clicked"
        console.print(f"  accept control {a['selector']} «{a['label']}»: {state}, "
                      f"checked {a['checked_before']} → {a['checked_after']}")
    if outcome.authority:
        console.print("  authority: allowed — " + "; ".join(outcome.authority["reasons"]))
    console.print(f"  {len(outcome.artifacts)} artifacts sealed")
    for w in outcome.warnings:
        err_console.print(f"[yellow]warning[/]: {w}")


@app.command("recheck")
def recheck_cmd(ctx: typer.Context, document_id: Annotated[str, typer.Argument(metavar="ID")],
                json_out: JsonFlag = False) -> None:
    """Capture a captured agreement again and report which clauses changed."""
    from contractvault.evidence.capture import recheck

    with open_vault(ctx) as vault:
        data = recheck(vault, document_id)
    if json_out:
        print_json(data)
        return
    if not data["text_changed"]:
        extra = " (formatting changed only)" if data["formatting_only"] else ""
        console.print(f"No change of text since {data['recheck_of']}{extra}; sealed as {data['evidence_id']}")
        return
    console.print(f"[yellow]The terms have changed[/] since {data['recheck_of']}; "
                  f"new version {data['document_id']} sealed as {data['evidence_id']}")
    for c in data["changes"]:
        console.print(f"  clause {c['clause']}: {c['change']}")
