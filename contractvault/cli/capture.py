"""`capture` and `recheck`: web agreements as sealed evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from contractvault.cli.common import JsonFlag, console, err_console, open_vault, print_json
from contractvault.errors import one_line
from contractvault.records.vocabularies import MAX_SEK

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
    accept: Annotated[list[str] | None, Opt("--accept", help="Selector of the accept control (else detected); repeat it to tick two agreements' boxes.")] = None,
    click: Annotated[bool, Opt("--click", help="Accept: click the accept box for real.")] = False,
    submit: Annotated[str | None, Opt("--submit", help="Button that completes the acceptance.")] = None,
    signer: Annotated[str | None, Opt("--signer", help="Person accepting (id in the register).")] = None,
    board: Annotated[str | None, Opt("--board", help="Board (nämnd) accepting.")] = None,
    scope: Annotated[str | None, Opt("--scope")] = None,
    category: Annotated[str | None, Opt("--category")] = None,
    system: Annotated[str | None, Opt("--system")] = None,
    value: Annotated[int | None, Opt("--value", help="Contract value in SEK.", min=0, max=MAX_SEK)] = None,
    decision: Annotated[str | None, Opt("--decision", help="Decision reference (under a fullmakt).")] = None,
    follow: Annotated[list[str] | None, Opt("--follow", help="Link text or selector of a linked document (repeatable).")] = None,
    interactive: Annotated[bool, Opt("--interactive", help="Visible browser: log in, then press Enter.")] = False,
    storage_state: Annotated[Path | None, Opt("--storage-state", help="Reuse a logged-in session (Playwright storage state JSON).")] = None,
    page_only: Annotated[bool, Opt("--page-only", help="A published page (DPA, sub-processor list, online terms) with nothing to click.")] = False,
    consent: Annotated[str, Opt("--consent", help="Cookie/consent dialogs: reject (only necessary), accept (all) or leave.")] = "reject",
    timeout: Annotated[float | None, Opt("--timeout", metavar="SECONDS", help="Limit for loading the page and each click (default 30).")] = None,
    report: Annotated[str | None, Opt("--report", metavar="FILE.pdf", help="Also write the sealed evidence report "
                                       "(PDF) of the agreement page here.")] = None,
    lang: Annotated[str, Opt("--lang", help="Language of --report: sv (default) or en.")] = "sv",
    wacz: Annotated[str | None, Opt("--wacz", metavar="FILE.wacz", help="Also write the capture as a signed WACZ here.")] = None,
    force: Annotated[bool, Opt("--force", help="--report/--wacz may replace a regular file (never a link, folder or device).")] = False,
    json_out: JsonFlag = False,
) -> None:
    """Capture a click-through agreement (or with --page-only a published page) as sealed
    evidence; checks the signer's authority first. --report and --wacz write the auditor's
    files right after."""
    from rich.markup import escape

    from contractvault.evidence.capture import CaptureOptions
    from contractvault.exports.auditor import capture_with_exports

    opts = CaptureOptions(url=url, doc_type=doc_type, contract=contract, new_title=new,
                          supplier=supplier, accept_selector=(accept or [None])[0],
                          extra_accept=list(accept or [])[1:], click=click,
                          submit_selector=submit, follow=list(follow or []), signer=signer,
                          board=board, scope=scope, category=category, system=system,
                          value_sek=value, decision_ref=decision, interactive=interactive,
                          storage_state=storage_state, page_only=page_only, consent=consent,
                          timeout_s=timeout)

    def wait(instruction: str) -> None:
        err_console.input(f"[bold]{instruction}[/] ")

    def progress(step: str) -> None:
        if not json_out:
            # Bounded like errors: "Opening URL" must not print a 100 KB URL.
            err_console.print(f"[dim]{escape(one_line(step))}[/]")

    with open_vault(ctx) as vault:
        made = capture_with_exports(vault, opts, report=report, lang=lang, wacz=wacz, force=force,
                                    wait=wait, progress=progress)
    outcome = made.outcome

    def warn() -> None:
        for w in [*outcome.warnings, *(made.report.warnings if made.report else []),
                  *(made.wacz.warnings if made.wacz else [])]:
            err_console.print(f"[yellow]warning[/]: {escape(w)}", markup=True)

    if json_out:
        # Warnings go to stderr with --json too (stdout stays one JSON document): a capture
        # that did not accept must not pass unnoticed in a script.
        warn()
        print_json(made.as_dict() if (report is not None or wacz is not None) else outcome.as_dict())
        return
    console.print(f"Captured {url} into {outcome.contract_id}")
    for doc, ev in zip(outcome.document_ids, outcome.evidence_ids, strict=True):
        console.print(f"  {doc} sealed as {ev}")
    if outcome.accept:
        a = outcome.accept
        state = "clicked" if a["clicked"] else "not clicked"
        console.print(f"  accept control {a['selector']} «{a['label']}»: {state}, "
                      f"checked {a['checked_before']} → {a['checked_after']}", markup=False)
    done = outcome.acceptance
    if done and done["submitted"]:
        req = done["request"]
        console.print(f"  acceptance: submitted ({req['method']} {req['url']}, "
                      f"answer {req['status'] or 'none'})")
    elif done and (done["clicked"] or opts.click):
        console.print(f"  [bold red]acceptance: NOT submitted[/] — {escape(done['reason'])}",
                      markup=True)
    elif done:
        console.print(f"  acceptance: none — {done['reason']}", markup=False)
    if outcome.authority:
        console.print("  authority: allowed — " + "; ".join(outcome.authority["reasons"]))
    for step in outcome.consent:
        if step.get("left_open"):
            chose = "could not be answered, left open (it shows in the PDF)"
        else:
            chose = f"chose «{step['clicked']}»" if step["clicked"] else "left as it was"
        console.print(f"  consent dialog ({step['platform'] or 'cookies'}): {chose}")
    console.print(f"  {len(outcome.artifacts)} artifacts sealed")
    if made.report:
        console.print(f"  evidence report {made.report.path} (PAdES {made.report.seal_level})")
    if made.wacz:
        console.print(f"  web archive {made.wacz.path} ({made.wacz.signature} signature)")
    warn()


@app.command("recheck")
def recheck_cmd(
    ctx: typer.Context,
    document_id: Annotated[str, typer.Argument(metavar="ID")],
    consent: Annotated[str | None, Opt("--consent", help="reject, accept or leave (default: as the original capture).")] = None,
    timeout: Annotated[float | None, Opt("--timeout", metavar="SECONDS", help="Page load limit (default: as the original capture).")] = None,
    interactive: Annotated[bool | None, Opt("--interactive/--no-interactive", help="Visible browser (default: as the original capture).")] = None,
    storage_state: Annotated[Path | None, Opt("--storage-state", help="Reuse a logged-in session.")] = None,
    json_out: JsonFlag = False,
) -> None:
    """Capture a captured agreement again and report what changed since it was accepted."""
    from contractvault.evidence.recheck import RecheckOptions, recheck

    options = RecheckOptions(consent=consent, timeout_s=timeout, interactive=interactive,
                             storage_state=storage_state)

    def wait(instruction: str) -> None:
        err_console.input(f"[bold]{instruction}[/] ")

    with open_vault(ctx) as vault:
        result = recheck(vault, document_id, options, wait=wait)
    if json_out:
        print_json(result.as_dict())
        return
    if not result.text_changed:
        extra = " (formatting changed only)" if result.formatting_only else ""
        console.print(f"No change of text since {result.compared_with}{extra}; "
                      f"check sealed as {result.evidence_id}")
        return
    where = (f"new version {result.document_id} sealed as {result.evidence_id}"
             if result.new_document else
             f"same as {result.document_id} on file; check sealed as {result.evidence_id}")
    console.print(f"[yellow]The terms have changed[/] since {result.compared_with}; {where}")
    for c in result.changes:
        name = f"clause {c.clause}" if c.clause else "text"
        if c.change == "changed":
            minor = " (minor)" if c.minor else ""
            console.print(f"  {name} changed{minor}: "
                          f"[red]− {' '.join(c.words_removed) or '∅'}[/]  "
                          f"[green]+ {' '.join(c.words_added) or '∅'}[/]",
                          markup=True, highlight=False)
        elif c.change == "added":
            console.print(f"  {name}: [green]added[/] «{c.after}»", highlight=False)
        else:
            console.print(f"  {name}: [red]removed[/] «{c.before}»", highlight=False)
    for w in result.warnings:
        err_console.print(f"[yellow]warning[/]: {w}")
