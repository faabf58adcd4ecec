"""`serve`: the web interface (uvicorn), bound to 127.0.0.1 unless told otherwise."""

from __future__ import annotations

from typing import Annotated

import typer

from contractvault.cli.common import err_console, passphrase_provider, state

app = typer.Typer()


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (behind the reverse proxy that does TLS).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8000,
    forwarded_allow_ips: Annotated[str, typer.Option("--forwarded-allow-ips", help="Proxies whose X-Forwarded-* headers are trusted (https, client address).")] = "127.0.0.1",
) -> None:
    """Serve the web interface (the signing key is unlocked once, at start).

    Views of secret contracts are sealed in the ledger, so the key must unlock. Sign-in
    through an identity provider: $CONTRACTVAULT_OIDC_ISSUER and _CLIENT_ID (README).
    """
    import logging
    import os

    import uvicorn

    from contractvault.config import ENV_DB_URL
    from contractvault.web.app import create_app
    from contractvault.web.config import OidcConfig, WebConfig

    passphrase = passphrase_provider()()
    config = WebConfig(vault_path=state(ctx).vault_path, passphrase=passphrase,
                       db_url=os.environ.get(ENV_DB_URL) or None, oidc=OidcConfig.from_env())
    application = create_app(config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    err_console.print(f"ContractVault at http://{host}:{port}/ (Ctrl-C stops it)", markup=False)
    # uvicorn's own access log is off: ours (contractvault.web) redacts feed tokens and
    # leaves out query strings.
    uvicorn.run(application, host=host, port=port, access_log=False, log_level="info",
                proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips,
                server_header=False)
