"""The pieces a route needs: the request context `Ctx`, the `route` decorator, the
status of each domain exception, and where to go after sign-in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from contractvault.access.sessions import SessionState
from contractvault.access.users import ThrottledError, UserInfo
from contractvault.errors import (
    ContractVaultError,
    NotFoundError,
    RefusedError,
    UsageError,
    VaultLockedError,
    VerificationError,
)
from contractvault.vault import Vault
from contractvault.web.i18n import translations

if TYPE_CHECKING:
    from contractvault.web.app import WebApp

SESSION_COOKIE = "cv_session"
LANG_COOKIE = "cv_lang"


@dataclass
class Ctx:
    """One request as a handler sees it."""

    request: Request
    form: FormData | None
    vault: Vault
    session: SessionState | None
    lang: str
    web: WebApp
    body: Any = None  # a JSON request body (API)
    set_cookies: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    @property
    def user(self) -> UserInfo:
        assert self.session is not None and self.session.user is not None
        return self.session.user

    def param(self, name: str, default: str | None = None) -> str | None:
        """A query parameter, stripped; None (or `default`) when absent or empty."""
        value = self.request.query_params.get(name)
        value = value.strip() if value is not None else None
        return value or default

    def field(self, name: str) -> str | None:
        """A form field, stripped; None when absent or empty."""
        if self.form is None:
            return None
        value = self.form.get(name)
        if value is None or not isinstance(value, str):
            return None
        return value.strip() or None

    def gettext(self, message: str) -> str:
        return translations(self.lang).gettext(message)

    def render(self, template: str, status: int = 200, **data: Any) -> Response:
        """A page from a template, with what every page needs."""
        return self.web.render(self, template, status=status, **data)

    def redirect(self, url: str) -> Response:
        return RedirectResponse(url, status_code=303)

    def json(self, data: Any, status: int = 200) -> Response:
        return JSONResponse(data, status_code=status)


Handler = Callable[[Ctx], Response]


@dataclass
class RouteSpec:
    path: str
    handler: Handler
    methods: tuple[str, ...]
    role: str | None  # None: no sign-in needed
    api: bool
    csrf: bool


ROUTES: list[RouteSpec] = []


def route(path: str, *, methods: tuple[str, ...] = ("GET",), role: str | None = "reader",
          api: bool = False, csrf: bool = True) -> Callable[[Handler], Handler]:
    """Register `handler` for `path`. `role` is the least role needed (None: public);
    every POST needs the session's CSRF token (form field or X-CSRF-Token header)."""

    def deco(fn: Handler) -> Handler:
        ROUTES.append(RouteSpec(path, fn, methods, role, api, csrf))
        return fn

    return deco


_STATUS: list[tuple[type[ContractVaultError], int]] = [
    (ThrottledError, 429), (NotFoundError, 404), (UsageError, 400), (RefusedError, 403),
    (VerificationError, 409), (VaultLockedError, 503),
]


def status_of(exc: ContractVaultError) -> int:
    """The HTTP status of a domain exception (the exit code's web counterpart)."""
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def safe_next(value: str | None) -> str:
    """A local path to go to after sign-in (never another site)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value
