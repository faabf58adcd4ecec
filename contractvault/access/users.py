"""Users, roles, passwords (argon2id), sign-in throttling and calendar feed tokens.

A password never leaves this module except as an argon2id hash, and is never logged or
stored in a sign-in attempt. Unknown user names cost as much time as wrong passwords,
so a sign-in answer does not tell whether a name exists.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlmodel import Session, col, func, select

from contractvault.errors import NotFoundError, RefusedError, UsageError
from contractvault.models import LoginAttempt, User, WebSession
from contractvault.util import iso_utc, sha256_hex, utc_now
from contractvault.vault import Vault

ROLES = ("reader", "officer", "admin")
MIN_PASSWORD_LENGTH = 10
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,199}$")

# Throttling: after this many failed sign-ins for one name (or from one address) within
# the window, further attempts are refused, even with the right password, until the
# oldest of those failures leaves the window.
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_REMOTE = 20
THROTTLE_WINDOW = timedelta(minutes=15)


def db_now() -> datetime:
    """Now, timezone-aware UTC (the database columns store and return aware UTC times)."""
    return utc_now()


@cache
def _hasher() -> Any:
    # Lazy: argon2 is only needed where passwords are checked.
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id, RFC 9106 low-memory profile (t=3, m=64 MiB, p=4)


@cache
def _dummy_hash() -> str:
    return str(_hasher().hash(secrets.token_urlsafe(16)))


def hash_password(password: str) -> str:
    """An argon2id hash (PHC string) of `password`; refuses passwords that are too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsageError("the password is too short",
                         f"a password needs at least {MIN_PASSWORD_LENGTH} characters",
                         "Choose a longer one, e.g. a few random words")
    return str(_hasher().hash(password))


def _verify(stored: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(stored or _dummy_hash(), password)) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def role_rank(role: str) -> int:
    """0 reader, 1 officer, 2 admin."""
    return ROLES.index(role)


@dataclass(frozen=True)
class UserInfo:
    """A user as the rest of ContractVault sees it (never the password hash)."""

    id: int
    name: str
    role: str
    secret_access: bool
    disabled: bool
    local: bool
    oidc: bool
    created_at: datetime
    created_by: str
    last_login_at: datetime | None = None

    def at_least(self, role: str) -> bool:
        """Whether this user's role is `role` or a higher one."""
        return role_rank(self.role) >= role_rank(role)

    @property
    def is_officer(self) -> bool:
        return self.at_least("officer")

    @property
    def is_admin(self) -> bool:
        return self.at_least("admin")

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "secret_access": self.secret_access,
                "disabled": self.disabled, "local": self.local, "oidc": self.oidc,
                "created_at": iso_utc(self.created_at), "created_by": self.created_by,
                "last_login_at": iso_utc(self.last_login_at) if self.last_login_at else None}


def user_info(row: User) -> UserInfo:
    """The public view of a user row."""
    assert row.id is not None
    return UserInfo(id=row.id, name=row.name, role=row.role, secret_access=row.secret_access,
                    disabled=row.disabled, local=row.password_hash is not None,
                    oidc=row.oidc_subject is not None, created_at=row.created_at,
                    created_by=row.created_by, last_login_at=row.last_login_at)


def check_role(role: str) -> str:
    """`role` lower-cased if it is a role; UsageError otherwise."""
    r = (role or "").strip().lower()
    if r not in ROLES:
        raise UsageError(f"unknown role '{role}'", f"use one of {', '.join(ROLES)}")
    return r


def _check_name(name: str) -> str:
    n = (name or "").strip()
    if not _NAME.match(n):
        raise UsageError(f"'{name}' is not a user name",
                         "use letters, digits and . _ @ + - (at most 200 characters)",
                         "e.g. anna.larsson")
    return n


def _by_name(s: Session, name: str) -> User | None:
    return s.exec(select(User).where(func.lower(User.name) == name.strip().lower())).first()


def add_user(vault: Vault, name: str, role: str, *, password: str | None = None,
             secret_access: bool = False, oidc_subject: str | None = None) -> UserInfo:
    """Create a user. A local user needs a password; an OpenID Connect user has none."""
    n = _check_name(name)
    r = check_role(role)
    if password is None and oidc_subject is None:
        raise UsageError(f"{n} needs a password", "a local account signs in with one",
                         "Set $CONTRACTVAULT_USER_PASSWORD or type it when asked")
    hashed = hash_password(password) if password is not None else None
    with vault.session() as s:
        if _by_name(s, n) is not None:
            raise UsageError(f"the user {n} already exists", "user names are unique",
                             "Choose another name, or 'contractvault user list'")
        row = User(name=n, role=r, secret_access=secret_access, password_hash=hashed,
                   oidc_subject=oidc_subject, created_at=utc_now(), created_by=vault.user)
        s.add(row)
        s.commit()
        return user_info(row)


def list_users(vault: Vault) -> list[UserInfo]:
    """Every user, in the order they were created."""
    with vault.session() as s:
        return [user_info(u) for u in s.exec(select(User).order_by(col(User.id))).all()]


def get_user(vault: Vault, name: str) -> UserInfo:
    """A user by name; NotFoundError otherwise."""
    with vault.session() as s:
        row = _by_name(s, name)
        if row is None:
            raise NotFoundError(f"no user {name}", "", "Run 'contractvault user list'")
        return user_info(row)


def user_by_id(vault: Vault, user_id: int) -> UserInfo | None:
    """A user by row id (for sessions), or None."""
    with vault.session() as s:
        row = s.get(User, user_id)
        return user_info(row) if row is not None else None


def disable_user(vault: Vault, name: str) -> UserInfo:
    """Disable a user: no more sign-ins, every open session and the calendar feed end."""
    with vault.session() as s:
        row = _by_name(s, name)
        if row is None:
            raise NotFoundError(f"no user {name}", "", "Run 'contractvault user list'")
        row.disabled = True
        row.feed_token_sha256 = None
        s.add(row)
        for sess in s.exec(select(WebSession).where(WebSession.user_id == row.id)).all():
            s.delete(sess)
        s.commit()
        return user_info(row)


# --- sign-in -----------------------------------------------------------------------------


class ThrottledError(RefusedError):
    """Too many failed sign-ins: refused until `retry_after` seconds have passed."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__("too many failed sign-ins", "sign-in is paused for this account",
                         f"Try again in {minutes} minute(s)")
        self.retry_after = retry_after


class SignInFailedError(RefusedError):
    """Wrong name or password (deliberately not saying which), or a disabled account."""

    def __init__(self) -> None:
        super().__init__("sign-in failed", "unknown user name or wrong password",
                         "Check both and try again")


def _retry_after(s: Session, column: Any, value: str, limit: int, now: datetime, *,
                 reset_on_success: bool) -> int:
    """Seconds until sign-in is allowed again for `value`, 0 when it is allowed now."""
    since = now - THROTTLE_WINDOW
    if reset_on_success:
        # The account's own successful sign-in clears its failures (not an address's: one
        # good account must not reset the count of guesses at others).
        last_ok = s.exec(select(func.max(LoginAttempt.at)).where(
            column == value, LoginAttempt.ok == True)).one()  # noqa: E712 - SQL expression
        if last_ok is not None and last_ok > since:
            since = last_ok
    failures = list(s.exec(select(LoginAttempt.at).where(
        column == value, LoginAttempt.ok == False,  # noqa: E712 - SQL expression
        col(LoginAttempt.at) > since).order_by(col(LoginAttempt.at).desc()).limit(limit)).all())
    if len(failures) < limit:
        return 0
    free_at = failures[-1] + THROTTLE_WINDOW
    return max(1, int((free_at - now).total_seconds()) + 1)


def throttle_wait(vault: Vault, name: str, remote: str) -> int:
    """Seconds before `name` (or anyone from `remote`) may try to sign in again; 0 = now."""
    now = db_now()
    with vault.session() as s:
        return max(_retry_after(s, LoginAttempt.name, name.strip().lower(),
                                MAX_FAILURES_PER_NAME, now, reset_on_success=True),
                   _retry_after(s, LoginAttempt.remote, remote, MAX_FAILURES_PER_REMOTE, now,
                                reset_on_success=False))


def _record_attempt(vault: Vault, name: str, remote: str, ok: bool) -> None:
    with vault.session() as s:
        s.add(LoginAttempt(name=name.strip().lower()[:200], remote=remote[:100], at=db_now(),
                           ok=ok))
        # Attempts older than the window serve nothing: keep the table small.
        old = s.exec(select(LoginAttempt).where(
            col(LoginAttempt.at) < db_now() - 2 * THROTTLE_WINDOW).limit(200)).all()
        for row in old:
            s.delete(row)
        s.commit()


def authenticate(vault: Vault, name: str, password: str, *, remote: str = "local") -> UserInfo:
    """Check a local user's password. Raises ThrottledError while sign-in is paused
    (checked before the password, so a right guess then gains nothing) and SignInFailedError
    for a wrong name, a wrong password, a disabled or a password-less account."""
    wait = throttle_wait(vault, name, remote)
    if wait:
        raise ThrottledError(wait)
    with vault.session() as s:
        row = _by_name(s, name) if _NAME.match(name.strip() or "-") else None
        stored = row.password_hash if row is not None else None
    ok = _verify(stored, password) and row is not None and not row.disabled
    _record_attempt(vault, name, remote, ok)
    if not ok or row is None:
        raise SignInFailedError
    with vault.session() as s:
        fresh = s.get(User, row.id)
        assert fresh is not None
        if fresh.password_hash and _hasher().check_needs_rehash(fresh.password_hash):
            fresh.password_hash = str(_hasher().hash(password))
        fresh.last_login_at = utc_now()
        s.add(fresh)
        s.commit()
        return user_info(fresh)


def oidc_sign_in(vault: Vault, *, issuer: str, subject: str, name: str, role: str,
                 secret_access: bool = False) -> UserInfo:
    """The user an OpenID Connect sign-in stands for: found by (issuer, sub), created at
    the first sign-in, role and secret access taken from the identity provider each time.

    A local account of the same name is not taken over (refused): the two are different
    people until an admin says otherwise.
    """
    key = f"{issuer} {subject}"
    r = check_role(role)
    with vault.session() as s:
        row = s.exec(select(User).where(User.oidc_subject == key)).first()
        if row is None:
            n = _check_name(name)
            if _by_name(s, n) is not None:
                raise RefusedError(f"a user named {n} already exists here",
                                   "it is not linked to this identity provider account",
                                   "Ask an administrator to link or rename the account")
            row = User(name=n, role=r, secret_access=secret_access, oidc_subject=key,
                       created_at=utc_now(), created_by=f"oidc:{issuer}")
        if row.disabled:
            raise SignInFailedError
        row.role = r
        row.secret_access = secret_access
        row.last_login_at = utc_now()
        s.add(row)
        s.commit()
        return user_info(row)


# --- calendar feed tokens ----------------------------------------------------------------


def new_feed_token(vault: Vault, name: str) -> str:
    """A new personal calendar feed token for `name` (any earlier one stops working).

    Only its SHA-256 is stored, so the token is shown to the user once.
    """
    token = secrets.token_urlsafe(32)
    with vault.session() as s:
        row = _by_name(s, name)
        if row is None or row.disabled:
            raise NotFoundError(f"no user {name}")
        row.feed_token_sha256 = sha256_hex(token.encode("ascii"))
        s.add(row)
        s.commit()
    return token


def feed_user(vault: Vault, token: str) -> UserInfo | None:
    """The (enabled) user a calendar feed token belongs to, or None."""
    if not token or len(token) > 100:
        return None
    digest = sha256_hex(token.encode("utf-8"))
    with vault.session() as s:
        row = s.exec(select(User).where(User.feed_token_sha256 == digest)).first()
        if row is None or row.disabled:
            return None
        return user_info(row)
