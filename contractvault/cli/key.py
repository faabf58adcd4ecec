"""`key rotate|list|tsa|import-seal|seal-ca`.

Sealed PDFs carry a PAdES seal made with the vault's seal certificate: the vault CA's
(made at `init`) or the organisation certificate imported with `key import-seal`.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer

from contractvault.cli.common import (
    JsonFlag,
    can_prompt,
    console,
    err_console,
    open_vault,
    print_json,
)

app = typer.Typer(name="key", help="The vault's signing keys and time-stamping authority.", no_args_is_help=True)
Opt = typer.Option
ENV_P12_PASSWORD = "CONTRACTVAULT_P12_PASSWORD"


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
    from contractvault.storage.signednote import vkey

    with open_vault(ctx) as vault:
        active = vault.keys.active_id
        keys = [{"key_id": k, "active": k == active, "first": k == vault.info.get("first_key_id")}
                for k in vault.keys.known_ids()]
        seal = vault.seal_store.info().as_dict() if vault.seal_store.exists() else None
        note_key = vkey(vault.checkpoint_origin, vault.keys.public_key(active))
    if json_out:
        print_json({"active": active, "keys": keys, "seal": seal, "checkpoint_vkey": note_key})
        return
    for k in keys:
        tags = ", ".join(t for t, on in (("active", k["active"]), ("first", k["first"])) if on)
        console.print(f"{k['key_id']}" + (f"  ({tags})" if tags else ""))
    console.print(f"Checkpoint notes (ledger/checkpoint.note) verify with: {note_key}")
    if seal:
        console.print(f"PDF seal: {seal['subject']} ({seal['kind']}), issued by {seal['issuer']}, "
                      f"SHA-256 {seal['sha256']}")


@app.command("tsa")
def key_tsa_cmd(
    ctx: typer.Context,
    urls: Annotated[list[str] | None, typer.Argument(
        metavar="[URL]...", help="The TSA URLs (RFC 3161 over HTTP), in order; every record "
        "gets a token from each.")] = None,
    ca: Annotated[list[Path] | None, Opt("--ca", help="PEM file with a TSA's CA certificate "
                                         "(pinned). Repeatable.")] = None,
    off: Annotated[bool, Opt("--off", help="Stop asking TSAs (pinned CAs are kept).")] = False,
    json_out: JsonFlag = False,
) -> None:
    """Show or set the time-stamping authorities that date every newly sealed record."""
    from contractvault.errors import UsageError
    from contractvault.evidence.timestamps import configure_tsa, tsa_config

    ca_pems = []
    for path in ca or []:
        try:
            ca_pems.append(path.read_bytes())
        except OSError as exc:
            raise UsageError(f"cannot read {path}", str(exc)) from exc
    with open_vault(ctx) as vault:
        if off:
            configure_tsa(vault, None, ca_pems)
        elif urls or ca_pems:
            configure_tsa(vault, list(urls) if urls else vault.timestamper.stored_config().urls,
                          ca_pems)
        data = tsa_config(vault).as_dict()
    if json_out:
        print_json(data)
        return
    where = "the environment" if data["source"] == "env" else "the vault"
    for n, url in enumerate(data["urls"], start=1):
        console.print(f"TSA {n}: {url} (from {where})")
    if not data["urls"]:
        console.print("No TSA: sealing times rest on the local clock.")
    for subject in data["ca_subjects"]:
        console.print(f"Trusted TSA CA: {subject}")
    if data["urls"] and not data["ca_subjects"]:
        err_console.print("warning: no TSA CA is pinned; tokens cannot be fully checked "
                          "(add --ca FILE)", markup=False)


def _p12_password() -> str | None:
    env = os.environ.get(ENV_P12_PASSWORD)
    if env is not None:
        return env
    if can_prompt():
        return getpass.getpass("Password of the PKCS#12 file: ") or None
    return None


@app.command("import-seal")
def key_import_seal_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE.p12", help="The organisation certificate "
                                         "with its private key (PKCS#12).")],
    json_out: JsonFlag = False,
) -> None:
    """Seal PDFs with the organisation's certificate from now on (password from
    $CONTRACTVAULT_P12_PASSWORD, else prompted)."""
    from contractvault.evidence.pades import import_seal

    with open_vault(ctx) as vault:
        change = import_seal(vault, file, _p12_password())
    _print_change(change, json_out)


@app.command("seal-ca")
def key_seal_ca_cmd(ctx: typer.Context, json_out: JsonFlag = False) -> None:
    """Make the vault CA and seal certificate (vaults made before sealed PDFs had none)."""
    from contractvault.evidence.pades import new_vault_seal

    with open_vault(ctx) as vault:
        change = new_vault_seal(vault)
    _print_change(change, json_out)


def _print_change(change: object, json_out: bool) -> None:
    from contractvault.evidence.pades import SealChange

    assert isinstance(change, SealChange)
    if json_out:
        print_json(change.as_dict())
        return
    seal = change.seal
    console.print(f"PDF seals are now made by {seal['subject']} (issued by {seal['issuer']}), "
                  f"certificate SHA-256 {seal['sha256']}; recorded as {change.evidence_id}.")
