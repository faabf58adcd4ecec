"""The application: configuration, the pool of open vaults, sessions and CSRF, security
headers, the access log, and the one place where exceptions become HTTP answers.

Every route is a plain function `handler(ctx) -> Response` registered with
`framework.route`; it runs in a worker thread with a vault of its own from the pool (a Vault and its clause
index are not shared between threads) and with the signed-in user as the one acting.
"""

from __future__ import annotations

import hmac
import json
import logging
import queue
import re
import time
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from contractvault.access.sessions import SessionState, load_session, start_session
from contractvault.access.users import ThrottledError, UserInfo
from contractvault.errors import (
    ContractVaultError,
    RefusedError,
)
from contractvault.vault import Vault
from contractvault.web import api, routes  # noqa: F401 - importing them registers the routes
from contractvault.web.config import WebConfig
from contractvault.web.framework import (
    LANG_COOKIE,
    ROUTES,
    SESSION_COOKIE,
    Ctx,
    RouteSpec,
    status_of,
)
from contractvault.web.i18n import negotiate, translations
from contractvault.web.jobs import JobRunner
from contractvault.web.oidc import OidcClient
from contractvault.web.templating import Templates

log = logging.getLogger("contractvault.web")
HERE = Path(__file__).resolve().parent
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
# Feed tokens are secrets in the URL: the access log shows them redacted.
_FEED_PATH = re.compile(r"^/feed/[^/]+")

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "frame-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "object-src 'none'; frame-ancestors 'none'")


class VaultPool:
    """A few open vaults, one per request at a time (a Vault is not shared by threads)."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self._free: queue.LifoQueue[Vault] = queue.LifoQueue()
        self._all: list[Vault] = []
        first = self.open()
        first.keys.signer()  # the key must unlock: views of secret contracts are sealed
        self._free.put(first)
        self._all.append(first)
        for _ in range(max(0, config.pool_size - 1)):
            v = self.open()
            self._all.append(v)
            self._free.put(v)

    def open(self) -> Vault:
        """A new open vault (the pool's, or one for a background job)."""
        passphrase = self.config.passphrase
        return Vault.open(self.config.vault_path, passphrase=lambda: passphrase,
                          db_url=self.config.db_url)

    @contextmanager
    def acquire(self, user: UserInfo | None) -> Iterator[Vault]:
        """A vault with `user` as the one acting, returned to the pool afterwards."""
        vault = self._free.get()
        vault.user = user.name if user is not None else "web"
        try:
            yield vault
        finally:
            vault.user = "web"
            self._free.put(vault)

    def close(self) -> None:
        for v in self._all:
            v.close()


class WebApp:
    """The ContractVault web application (build with `create_app`)."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.pool = VaultPool(config)
        self.templates = Templates()
        self.jobs = JobRunner(self.pool, config.job_dir)
        self.oidc = OidcClient(config.oidc) if config.oidc is not None else None

    # --- plumbing -------------------------------------------------------------------------

    def render(self, ctx: Ctx, template: str, status: int = 200, **data: Any) -> Response:
        session = ctx.session
        body = self.templates.render(
            ctx.lang, template, user=session.user if session else None,
            csrf_token=session.csrf_token if session else "", path=ctx.request.url.path,
            request=ctx.request, oidc=self.oidc, **data)
        return Response(body, status_code=status, media_type="text/html; charset=utf-8")

    def error_page(self, ctx: Ctx | None, request: Request, lang: str, status: int,
                   message: str, details: list[str] | None = None) -> Response:
        user = ctx.session.user if ctx and ctx.session else None
        body = self.templates.render(lang, "error.html", user=user, status=status,
                                     message=message, details=details or [],
                                     csrf_token=ctx.session.csrf_token if ctx and ctx.session else "",
                                     path=request.url.path, request=request, oidc=self.oidc)
        return Response(body, status_code=status, media_type="text/html; charset=utf-8")

    def endpoint(self, spec: RouteSpec) -> Callable[[Request], Any]:
        async def run(request: Request) -> Response:
            form = None
            body = None
            if request.method == "POST":
                length = int(request.headers.get("content-length") or 0)
                if length > MAX_UPLOAD_BYTES:
                    return Response("too large", status_code=413,
                                    media_type="text/plain; charset=utf-8")
                ctype = request.headers.get("content-type", "")
                if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
                    form = await request.form(max_files=20, max_fields=200)
                elif ctype.startswith("application/json"):
                    try:
                        body = json.loads(await request.body() or b"null")
                    except ValueError:
                        return JSONResponse({"error": {"message": "the body is not JSON",
                                                       "exit_code": 2}}, status_code=400)
            try:
                return await run_in_threadpool(self.handle, spec, request, form, body)
            finally:
                if form is not None:
                    await form.close()

        return run

    def handle(self, spec: RouteSpec, request: Request, form: FormData | None,
               body: Any = None) -> Response:
        lang = negotiate(request.headers.get("accept-language"), request.cookies.get(LANG_COOKIE))
        with self.pool.acquire(None) as vault:
            session = load_session(vault, request.cookies.get(SESSION_COOKIE))
        user = session.user if session else None
        if spec.role is not None and user is None:
            if spec.api:
                return JSONResponse({"error": {"message": "sign in first", "exit_code": 2}},
                                    status_code=401)
            nxt = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(nxt, safe='')}", status_code=303)
        with self.pool.acquire(user) as vault:
            ctx = Ctx(request=request, form=form, vault=vault, session=session, lang=lang, web=self,
                      body=body)
            try:
                if request.method == "POST" and spec.csrf and not self._csrf_ok(ctx):
                    raise RefusedError("the form is out of date or came from another site",
                                       "its security token (CSRF) is missing or wrong",
                                       "Go back, reload the page and send it again")
                if spec.role is not None and user is not None and not user.at_least(spec.role):
                    raise RefusedError(f"{user.name} may not do this",
                                       f"it needs the role {spec.role}")
                response = spec.handler(ctx)
            except ContractVaultError as exc:
                response = self._domain_error(ctx, spec, exc)
            except HTTPException:
                raise
            except Exception:  # noqa: BLE001 - the one place unexpected failures are mapped
                log.exception("unexpected failure in %s %s", request.method, request.url.path)
                message = "unexpected failure; it is logged on the server"
                if spec.api:
                    response = JSONResponse({"error": {"message": message, "exit_code": 1}},
                                            status_code=500)
                else:
                    response = self.error_page(ctx, request, lang, 500, ctx.gettext(
                        "Unexpected failure; it is logged on the server."))
        for name, value, opts in ctx.set_cookies:
            self.set_cookie(request, response, name, value, **opts)
        if user is not None or spec.role is not None:
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def _domain_error(self, ctx: Ctx, spec: RouteSpec, exc: ContractVaultError) -> Response:
        status = status_of(exc)
        if spec.api:
            response: Response = JSONResponse(
                {"error": {"message": exc.message, "exit_code": exc.exit_code,
                           "details": exc.details}}, status_code=status)
        else:
            response = self.error_page(ctx, ctx.request, ctx.lang, status, exc.message, exc.details)
        if isinstance(exc, ThrottledError):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    def _csrf_ok(self, ctx: Ctx) -> bool:
        if ctx.session is None:
            return False
        sent = ctx.request.headers.get("x-csrf-token")
        if sent is None and ctx.form is not None:
            value = ctx.form.get("csrf_token")
            sent = value if isinstance(value, str) else None
        if not sent:
            return False
        origin = ctx.request.headers.get("origin")
        if origin and origin != "null":
            here = f"{ctx.request.url.scheme}://{ctx.request.url.netloc}"
            if origin.rstrip("/") != here:
                return False
        return hmac.compare_digest(sent.encode(), ctx.session.csrf_token.encode())

    def set_cookie(self, request: Request, response: Response, name: str, value: str,
                   max_age: int | None = None, delete: bool = False) -> None:
        """HttpOnly, SameSite=Lax (the identity provider's redirect back must carry it),
        Secure when the request came over https (the reverse proxy says so)."""
        secure = request.url.scheme == "https"
        if delete:
            response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="lax")
        else:
            response.set_cookie(name, value, max_age=max_age, path="/", secure=secure,
                                httponly=True, samesite="lax")

    def new_anonymous(self, ctx: Ctx) -> SessionState:
        """Start an anonymous session (sign-in page) and set its cookie."""
        state = start_session(ctx.vault)
        ctx.session = state
        ctx.set_cookies.append((SESSION_COOKIE, state.token, {}))
        return state


class SecurityHeaders:
    """Security headers on every answer, and the access log (feed tokens redacted,
    never a query string: it may hold search words; never a body)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_box = {"status": 0}
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status_box["status"] = message["status"]
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}

                def add(name: bytes, value: str) -> None:
                    if name not in present:
                        headers.append((name, value.encode("latin-1")))

                add(b"content-security-policy", CSP)
                add(b"x-frame-options", "DENY")
                add(b"x-content-type-options", "nosniff")
                add(b"referrer-policy", "same-origin")
                add(b"cross-origin-opener-policy", "same-origin")
                add(b"permissions-policy", "camera=(), microphone=(), geolocation=()")
                if https:
                    add(b"strict-transport-security", "max-age=31536000")
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            path = _FEED_PATH.sub("/feed/[token]", scope.get("path", ""))
            log.info("%s %s %s %.0f ms", scope.get("method"), path, status_box["status"],
                     (time.perf_counter() - started) * 1000)


def create_app(config: WebConfig) -> Starlette:
    """The ASGI application for `config` (opens the vault pool now)."""
    web = WebApp(config)
    starlette_routes: list[Any] = [
        Route(spec.path, web.endpoint(spec), methods=list(spec.methods)) for spec in ROUTES
    ]
    starlette_routes.append(Mount("/static", StaticFiles(directory=str(HERE / "static")),
                                  name="static"))

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        lang = negotiate(request.headers.get("accept-language"), request.cookies.get(LANG_COOKIE))
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": {"message": "not found", "exit_code": 5}},
                                status_code=status)
        message = translations(lang).gettext("There is nothing here.") if status == 404 else \
            translations(lang).gettext("That cannot be done here.")
        return web.error_page(None, request, lang, status, message)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> Any:
        yield
        web.jobs.shutdown()
        web.pool.close()

    app = Starlette(routes=starlette_routes, exception_handlers={404: not_found, 405: not_found},
                    lifespan=lifespan)
    app.state.web = web
    return SecurityHeaders(app)  # type: ignore[return-value]


__all__ = ["VaultPool", "WebApp", "create_app"]
