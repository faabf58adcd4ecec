"""Browser sessions, kept in the database (only a hash of the cookie's token is stored).

A visitor gets an anonymous session on the sign-in page (it carries the CSRF token of
the form and the OpenID Connect state). Signing in ends that session and starts a new
one with a new token and a new CSRF token, so a token known before sign-in (session
fixation) is worthless after it.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from contractvault.access.users import UserInfo, db_now, user_by_id
from contractvault.models import WebSession
from contractvault.util import sha256_hex
from contractvault.vault import Vault

SIGNED_IN_TTL = timedelta(hours=10)  # a working day; then sign in again
ANONYMOUS_TTL = timedelta(hours=1)


@dataclass
class SessionState:
    """A loaded session. `token` is the cookie value (never stored)."""

    token: str
    csrf_token: str
    user: UserInfo | None = None
    data: dict[str, Any] = field(default_factory=dict)


def _digest(token: str) -> str:
    return sha256_hex(token.encode("utf-8"))


def start_session(vault: Vault, user: UserInfo | None = None,
                  data: dict[str, Any] | None = None) -> SessionState:
    """A new session (anonymous when `user` is None) with fresh random tokens."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = db_now()
    ttl = SIGNED_IN_TTL if user is not None else ANONYMOUS_TTL
    with vault.session() as s:
        s.add(WebSession(token_sha256=_digest(token), user_id=user.id if user else None,
                         csrf_token=csrf, data_json=json.dumps(data or {}),
                         created_at=now, expires_at=now + ttl))
        # Expired sessions are swept on the way (a few at a time).
        for old in s.exec(select(WebSession).where(col(WebSession.expires_at) < now)
                          .limit(100)).all():
            s.delete(old)
        s.commit()
    return SessionState(token=token, csrf_token=csrf, user=user, data=dict(data or {}))


def load_session(vault: Vault, token: str | None) -> SessionState | None:
    """The live session of a cookie token, or None (unknown, expired, or its user disabled)."""
    if not token or len(token) > 100:
        return None
    with vault.session() as s:
        row = s.get(WebSession, _digest(token))
        if row is None:
            return None
        if row.expires_at < db_now():
            s.delete(row)
            s.commit()
            return None
        user_id, csrf, data = row.user_id, row.csrf_token, row.data_json
    user = None
    if user_id is not None:
        user = user_by_id(vault, user_id)
        if user is None or user.disabled:
            end_session(vault, token)
            return None
    return SessionState(token=token, csrf_token=csrf, user=user, data=json.loads(data or "{}"))


def save_data(vault: Vault, state: SessionState) -> None:
    """Store the session's data (e.g. the OpenID Connect state) again."""
    with vault.session() as s:
        row = s.get(WebSession, _digest(state.token))
        if row is not None:
            row.data_json = json.dumps(state.data)
            s.add(row)
            s.commit()


def sign_in(vault: Vault, old: SessionState | None, user: UserInfo,
            keep: dict[str, Any] | None = None) -> SessionState:
    """End the session used before sign-in and start a signed-in one with new tokens."""
    if old is not None:
        end_session(vault, old.token)
    return start_session(vault, user, data=keep)


def end_session(vault: Vault, token: str) -> None:
    """Forget a session (sign-out)."""
    with vault.session() as s:
        row = s.get(WebSession, _digest(token))
        if row is not None:
            s.delete(row)
            s.commit()
