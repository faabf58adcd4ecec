"""`init`, `doctor` and `demo`."""

from __future__ import annotations

from typing import Annotated

import typer

from contractvault.cli.common import JsonFlag, console, passphrase_provider, print_json, state
from contractvault.errors import ExitCode

app = typer.Typer()
Opt = typer.Option


@app.command("init")
def init_cmd(ctx: typer.Context,
             json_out: JsonFlag = False) -> None:
    """Create the vault: database, blob store, index, signing key (Ed25519)."""
    from contractvault.vault import Vault

    path = state(ctx).vault_path
    with Vault.create(path, passphrase_provider(confirm=True)) as vault:
        info = {"vault": str(vault.root), "vault_id": vault.vault_id, "key_id": vault.keys.active_id,
                "database": vault.engine.url.render_as_string(hide_password=True)}
    if json_out:
        print_json(info)
        return
    console.print(f"Created a vault at [bold]{info['vault']}[/]")
    console.print(f"Signing key {info['key_id']} (Ed25519, encrypted with your passphrase)")
    console.print("Next: contractvault add FILE --new TITLE --doc-type huvudavtal")


@app.command("doctor")
def doctor_cmd(ctx: typer.Context,
               fix: Annotated[bool, Opt("--fix", help="Remove blobs no record refers to and leftover "
                                        "temp files and work folders, seal interrupted acceptances "
                                        "as incomplete evidence, index sealed documents search "
                                        "lacks. Never removes anything the ledger names.")] = False,
               json_out: JsonFlag = False) -> None:
    """Check the vault's housekeeping: leftovers of killed writers, interrupted acceptances,
    documents missing from search, and whether the database agrees with the ledger.

    Exit 4 when something needs attention (with --fix: when something could not be fixed).
    """
    from contractvault.cli.common import open_vault
    from contractvault.evidence.doctor import doctor

    with open_vault(ctx) as vault:
        report = doctor(vault, fix=fix)
    data = report.as_dict()
    if json_out:
        print_json(data)
    else:
        from rich.markup import escape

        for key, value in data.items():
            if value or key in ("ok", "fixed", "blobs"):
                console.print(f"[bold]{key}[/]: {escape(str(value))}")
    if not report.ok:
        raise typer.Exit(ExitCode.VERIFICATION)


@app.command("demo")
def demo_cmd(
    into: Annotated[str | None, Opt("--into", help="Build the demo vault here (a new folder).")] = None,
    json_out: JsonFlag = False,
) -> None:
    """Build a sample vault, capture a sample click-through agreement, search and verify it."""
    import os
    from pathlib import Path

    from contractvault.config import ENV_PASSPHRASE
    from contractvault.demo import DEMO_PASSPHRASE, DemoStep, run_demo

    def say(step: DemoStep) -> None:
        if json_out:
            return
        mark = "[bold green]✓[/]" if step.ok else "[bold red]✗[/]"
        console.print(f"{mark} [bold]{step.title}[/]")
        for line in step.lines:
            console.print(f"    {line}", markup=False)

    passphrase = os.environ.get(ENV_PASSPHRASE)
    summary = run_demo(Path(into) if into else None, passphrase, say)
    if json_out:
        print_json(summary)
    if not summary["verify"]["ok"]:
        raise typer.Exit(ExitCode.VERIFICATION)
    if json_out:
        return
    if not passphrase:
        console.print(f"\nThe demo vault's passphrase is [bold]{DEMO_PASSPHRASE}[/] "
                      f"(export CONTRACTVAULT_PASSPHRASE={DEMO_PASSPHRASE} for commands that seal).")
    console.print("\n[bold]Try next[/] (after '. .venv/bin/activate' in a checkout):")
    for line in summary["next"]:
        console.print(f"  {line}", markup=False, soft_wrap=True)
