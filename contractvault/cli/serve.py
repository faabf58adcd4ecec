"""`serve`: the web interface (uvicorn), bound to 127.0.0.1 unless told otherwise."""

from __future__ import annotations

from typing import Annotated

import typer

from contractvault.cli.app import app, err_console, passphrase_provider, state

serve_app = typer.Typer(help="The web interface.")
app.add_typer(serve_app, name="serve")


@serve_app.callback(invoke_without_command=True)
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (behind the reverse proxy that does TLS).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    forwarded_allow_ips: Annotated[str, typer.Option("--forwarded-allow-ips", help="Proxies whose X-Forwarded-* headers are trusted (https, client address).")] = "127.0.0.1",
) -> None:
    """Serve the web interface. The signing key is unlocked once at start (views of
    secret contracts are sealed); OpenID Connect from $CONTRACTVAULT_OIDC_ISSUER etc."""
    import logging
    import os

    import uvicorn

    from contractvault.config import ENV_DB_URL
    from contractvault.web.app import OidcConfig, WebConfig, create_app

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
