"""`authority import|show|export|check|decisions`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from contractvault.cli.common import ForceFlag, JsonFlag, console, open_vault, print_json
from contractvault.errors import ExitCode
from contractvault.ids import MAX_ID
from contractvault.records.vocabularies import MAX_SEK

app = typer.Typer(name="authority", help="The delegation register and signer-authority checks.", no_args_is_help=True)
Opt = typer.Option


@app.command("import")
def import_cmd(ctx: typer.Context, file: Path, json_out: JsonFlag = False) -> None:
    """Import the delegation register (TOML) as a new dated version (a file identical to
    the current version changes nothing)."""
    from contractvault.authority.store import import_register

    with open_vault(ctx) as vault:
        version = import_register(vault, file)
    if json_out:
        print_json(version.as_dict())
    elif version.unchanged:
        console.print(f"Register unchanged: identical to version {version.version} "
                      f"(sha256 {version.sha256}), imported {version.imported_at}; nothing sealed.")
    else:
        console.print(f"Imported register version {version.version} (sha256 {version.sha256})")


@app.command("show")
def show_cmd(ctx: typer.Context,
             version: Annotated[int | None, Opt("--version", help="An older version.", min=1, max=MAX_ID)] = None,
             versions: Annotated[bool, Opt("--versions", help="List the imported versions.")] = False,
             json_out: JsonFlag = False) -> None:
    """Show the register: boards, positions, people, delegations, fullmakter."""
    from contractvault.authority import describe_register
    from contractvault.authority.store import load_register, register_versions

    with open_vault(ctx) as vault:
        if versions:
            data = {"versions": [v.as_dict() for v in register_versions(vault)]}
        else:
            data = describe_register(load_register(vault, version))
    if json_out:
        print_json(data)
    else:
        from rich.pretty import Pretty

        console.print(Pretty(data))


@app.command("export")
def export_cmd(ctx: typer.Context,
               output: Annotated[str | None, Opt("-o", "--output", metavar="FILE", help="Write to FILE (else stdout).")] = None,
               version: Annotated[int | None, Opt("--version", min=1, max=MAX_ID)] = None,
               force: ForceFlag = False) -> None:
    """Write the register back as TOML."""
    from contractvault.authority import register_to_toml
    from contractvault.authority.store import load_register
    from contractvault.util import new_output_file, write_output

    if output is not None:
        new_output_file(output, force)  # refused before the vault is opened
    with open_vault(ctx) as vault:
        text = register_to_toml(load_register(vault, version))
    if output is not None:
        write_output(output, text, force)
    else:
        typer.echo(text, nl=False)


@app.command("check")
def check_cmd(
    ctx: typer.Context,
    signer: Annotated[str, Opt("--signer", help="Person id in the register.")],
    board: Annotated[str, Opt("--board", help="Board (nämnd) id.")],
    doc_type: Annotated[str, Opt("--doc-type", help="Document type.")],
    scope: Annotated[str | None, Opt("--scope", help="kommungemensam or forvaltningsspecifik.")] = None,
    category: Annotated[str | None, Opt("--category")] = None,
    value: Annotated[int | None, Opt("--value", help="Contract value in SEK.", min=0, max=MAX_SEK)] = None,
    system: Annotated[str | None, Opt("--system")] = None,
    on: Annotated[str | None, Opt("--date", help="Date of acceptance (default today).")] = None,
    decision: Annotated[str | None, Opt("--decision", help="Decision reference (needed under a fullmakt).")] = None,
    json_out: JsonFlag = False,
) -> None:
    """May SIGNER accept DOC_TYPE for BOARD? Exit 0 allowed, 3 refused."""
    from contractvault.authority import AuthorityRequest
    from contractvault.authority.store import check
    from contractvault.records.vocabularies import (
        CATEGORIES,
        SCOPES,
        choose,
        normalize_doc_type,
        parse_date,
    )

    request = AuthorityRequest(
        signer=signer, board=board, doc_type=normalize_doc_type(doc_type),
        on=parse_date(on, "--date") or date.today(), scope=choose(scope, SCOPES, "scope"),
        category=choose(category, CATEGORIES, "category"), value_sek=value, system=system,
        decision_ref=decision)
    with open_vault(ctx) as vault:
        result, _ = check(vault, request)
    data = result.to_dict()
    if json_out:
        print_json(data)
    else:
        verdict = "[green]ALLOWED[/]" if result.allowed else "[red]REFUSED[/]"
        console.print(f"{verdict}: {signer} for {board}, {request.doc_type}, on {request.on}")
        for link in result.chain:
            console.print("  → " + ", ".join(f"{k}={v}" for k, v in link.items()))
        for reason in result.reasons:
            console.print(f"  - {reason}")
        console.print(f"  register sha256 {result.register_sha256}")
    if not result.allowed:
        raise typer.Exit(ExitCode.REFUSED)


@app.command("decisions")
def decisions_cmd(
    ctx: typer.Context,
    board: Annotated[str, Opt("--board")],
    start: Annotated[str, Opt("--from", help="YYYY-MM-DD")],
    end: Annotated[str, Opt("--to", help="YYYY-MM-DD")],
    json_out: JsonFlag = False,
) -> None:
    """Agreements accepted under delegation or fullmakt in a period (anmälan av delegationsbeslut)."""
    from contractvault.authority.store import delegation_decisions
    from contractvault.records.vocabularies import parse_date

    d0, d1 = parse_date(start, "--from"), parse_date(end, "--to")
    assert d0 is not None and d1 is not None
    with open_vault(ctx) as vault:
        data = delegation_decisions(vault, board, d0, d1)
    if json_out:
        print_json(data)
        return
    console.print(f"Delegationsbeslut for {board}, {d0} – {d1}: {len(data['decisions'])}")
    for item in data["decisions"]:
        console.print(f"  {item['date']}  {item['signer']}  {item['doc_type']}  "
                      f"{item['contract_id']} {item['title'] or ''}  ({item['basis']}; "
                      f"{item['delegation_decision_ref'] or ''})  {item['evidence_id']}")
