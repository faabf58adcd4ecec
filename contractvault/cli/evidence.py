"""`verify`, `export evidence`, `key rotate|list|tsa`, `timestamp` and `supersede`.

Trusted time: every command that seals asks a TSA for an RFC 3161 token when one is
configured: `$CONTRACTVAULT_TSA_URL` for one run (with `$CONTRACTVAULT_TSA_CA`, a PEM
file, to trust its CA), or for the vault with `contractvault key tsa URL --ca FILE`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from contractvault.cli.app import (
    JsonFlag,
    app,
    console,
    err_console,
    export_app,
    key_app,
    open_vault,
    print_json,
    progress_bar,
)

Opt = typer.Option


@app.command("verify")
def verify_cmd(
    ctx: typer.Context,
    item_id: Annotated[str | None, typer.Argument(
        metavar="[ID]", help="A contract (C-…), document (D-…) or evidence (E-…) id; all when left out.")] = None,
    checkpoint: Annotated[Path | None, Opt(
        "--checkpoint", help="An older checkpoint you kept (a line of ledger/checkpoints.jsonl, "
        "or an export's checkpoint.json with checkpoint.sig beside it): check that today's "
        "ledger still contains it.")] = None,
    json_out: JsonFlag = False,
) -> None:
    """Re-hash every blob and check signatures, the chain, checkpoints and timestamps.

    Exit 0 when everything holds, 4 otherwise (each failure names its record).
    """
    from contractvault.verify import load_checkpoint, verify

    kept = load_checkpoint(checkpoint) if checkpoint is not None else None
    with open_vault(ctx) as vault:
        with progress_bar("Verifying") as update:
            report = verify(vault, item_id, progress=update, checkpoint=kept)
    if json_out:
        print_json(report.as_dict())
    else:
        _print_report(report)
    if not report.ok:
        raise typer.Exit(4)


def _print_report(report: object) -> None:
    from rich.markup import escape

    from contractvault.verify import VerifyReport

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


@export_app.command("evidence")
def export_evidence_cmd(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(metavar="ID", help="A document (D-…) or evidence (E-…) id.")],
    out: Annotated[Path, Opt("-o", "--out", help="The zip file to write.")],
    include_secret: Annotated[bool, Opt("--include-secret", help="Allow evidence of a contract "
                                        "marked secret.")] = False,
    json_out: JsonFlag = False,
) -> None:
    """Write a self-contained evidence bundle, checkable with openssl and sha256sum alone."""
    from contractvault.exports.evidence import export_evidence

    with open_vault(ctx) as vault:
        bundle = export_evidence(vault, item_id, out, include_secret=include_secret)
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
    console.print("Unzip it and run 'sh verify.sh' inside; VERIFY.md explains the checks.")


@key_app.command("rotate")
def key_rotate_cmd(ctx: typer.Context, json_out: JsonFlag = False) -> None:
    """Make a new signing key; a record signed by the old key names the new one."""
    from contractvault.ids import evidence_ref

    with open_vault(ctx) as vault:
        old = vault.keys.active_id
        sealed = vault.rotate_key()
        new = vault.keys.active_id
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


@key_app.command("list")
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


@key_app.command("tsa")
def key_tsa_cmd(
    ctx: typer.Context,
    url: Annotated[str | None, typer.Argument(help="The TSA's URL (RFC 3161 over HTTP).")] = None,
    ca: Annotated[Path | None, Opt("--ca", help="PEM file with the TSA's CA certificate (pinned).")] = None,
    off: Annotated[bool, Opt("--off", help="Stop asking a TSA (pinned CAs are kept).")] = False,
    json_out: JsonFlag = False,
) -> None:
    """Show or set the time-stamping authority that dates every newly sealed record."""
    from contractvault.errors import UsageError
    from contractvault.tsa import configure_tsa, tsa_config

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


@app.command("timestamp")
def timestamp_cmd(
    ctx: typer.Context,
    item_id: Annotated[str | None, typer.Argument(
        metavar="[ID]", help="A contract, document or evidence id; all records without a token when left out.")] = None,
    tsa: Annotated[str | None, Opt("--tsa", help="Ask this TSA (URL) instead of the configured one.")] = None,
    json_out: JsonFlag = False,
) -> None:
    """Ask the TSA again for tokens that are missing (e.g. it was unreachable when sealing)."""
    from contractvault.tsa import TsaConfig, timestamp_missing, tsa_config

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
            console.print(f"{item['id']} timestamped at {item['gen_time']}")
        if not result.stamped and not result.errors:
            console.print(f"Nothing to do: {result.already} record(s) already have a token.")
    for e in result.errors:
        err_console.print(f"contractvault: {e['id']}: {e['error']}", markup=False)
    if result.errors:
        raise typer.Exit(1)


@app.command("supersede")
def supersede_cmd(
    ctx: typer.Context,
    old_doc_id: Annotated[str, typer.Argument(metavar="OLD_DOC_ID", help="The document (D-…) replaced.")],
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The corrected or new version.")],
    reason: Annotated[str, Opt("--reason", help="Why the document is superseded.")],
    doc_type: Annotated[str | None, Opt("--doc-type", help="Document type of the new version "
                                        "(default: that of the old one).")] = None,
    json_out: JsonFlag = False,
) -> None:
    """Seal a new version that supersedes a document; the old one stays as it was."""
    from contractvault.corrections import supersede_document

    with open_vault(ctx) as vault:
        result = supersede_document(vault, old_doc_id, file, reason, doc_type=doc_type)
    if json_out:
        print_json(result.as_dict())
    else:
        console.print(f"{result.document_id} supersedes {result.supersedes}; sealed as "
                      f"{result.evidence_id} in {result.contract_id}")
    if result.timestamp_warning:
        err_console.print(f"warning: {result.timestamp_warning}", markup=False)
