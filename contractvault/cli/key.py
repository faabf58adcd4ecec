"""`key rotate|list|tsa`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from contractvault.cli.common import JsonFlag, console, err_console, open_vault, print_json

app = typer.Typer(name="key", help="The vault's signing keys and time-stamping authority.", no_args_is_help=True)
Opt = typer.Option


@app.command("rotate")
def key_rotate_cmd(ctx: typer.Context, json_out: JsonFlag = False) -> None:
    """Make a new signing key; a record signed by the old key names the new one."""
    from contractvault.ids import evidence_ref

    with open_vault(ctx) as vault:
        sealed = vault.rotate_key()
    # As sealed (another rotation may have run at the same time).
    old, new = sealed.record["context"]["old_key_id"], sealed.record["context"]["new_key_id"]
    data = {"old_key_id": old, "new_key_id": new, "evidence_id": evidence_ref(sealed.seq)}
    if sealed.timestamp_warning:
        data["warnings"] = [sealed.timestamp_warning]
    if json_out:
        print_json(data)
        return
    console.print(f"New signing key {new}; {old} is kept for checking older evidence. "
                  f"Rotation sealed as {data['evidence_id']}.")
    if sealed.timestamp_warning:
        err_console.print(f"warning: {sealed.timestamp_warning}", markup=False)


@app.command("list")
def key_list_cmd(ctx: typer.Context, json_out: JsonFlag = False) -> None:
    """The vault's signing keys: the active one and those kept for older evidence."""
    with open_vault(ctx) as vault:
        active = vault.keys.active_id
        keys = [{"key_id": k, "active": k == active, "first": k == vault.info.get("first_key_id")}
                for k in vault.keys.known_ids()]
    if json_out:
        print_json({"active": active, "keys": keys})
        return
    for k in keys:
        tags = ", ".join(t for t, on in (("active", k["active"]), ("first", k["first"])) if on)
        console.print(f"{k['key_id']}" + (f"  ({tags})" if tags else ""))


@app.command("tsa")
def key_tsa_cmd(
    ctx: typer.Context,
    url: Annotated[str | None, typer.Argument(help="The TSA's URL (RFC 3161 over HTTP).")] = None,
    ca: Annotated[Path | None, Opt("--ca", help="PEM file with the TSA's CA certificate (pinned).")] = None,
    off: Annotated[bool, Opt("--off", help="Stop asking a TSA (pinned CAs are kept).")] = False,
    json_out: JsonFlag = False,
) -> None:
    """Show or set the time-stamping authority that dates every newly sealed record."""
    from contractvault.errors import UsageError
    from contractvault.evidence.timestamps import configure_tsa, tsa_config

    ca_pem = None
    if ca is not None:
        try:
            ca_pem = ca.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {ca}", str(exc)) from exc
    with open_vault(ctx) as vault:
        if off:
            configure_tsa(vault, None, ca_pem)
        elif url is not None or ca_pem is not None:
            configure_tsa(vault, url if url is not None else tsa_config(vault).url, ca_pem)
        data = tsa_config(vault).as_dict()
    if json_out:
        print_json(data)
        return
    if data["url"]:
        console.print(f"TSA: {data['url']} (from {'the environment' if data['source'] == 'env' else 'the vault'})")
    else:
        console.print("No TSA: sealing times rest on the local clock.")
    for subject in data["ca_subjects"]:
        console.print(f"Trusted TSA CA: {subject}")
    if data["url"] and not data["ca_subjects"]:
        err_console.print("warning: no TSA CA is pinned; tokens cannot be fully checked "
                          "(add --ca FILE)", markup=False)
