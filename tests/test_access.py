"""Access: users and roles through the `user` commands, argon2id passwords, sign-in
throttling, sessions rotated at sign-in, calendar feed tokens, OpenID Connect accounts,
the sealed log of secret-contract views, and the migration that adds the tables."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import select

from contractvault.access.audit import log_secret_access, secret_access_log
from contractvault.access.sessions import load_session, sign_in, start_session
from contractvault.access.users import (
    MAX_FAILURES_PER_NAME,
    SignInFailedError,
    ThrottledError,
    add_user,
    authenticate,
    disable_user,
    feed_user,
    get_user,
    new_feed_token,
    oidc_sign_in,
)
from contractvault.errors import RefusedError, UsageError
from contractvault.evidence.verify import verify
from contractvault.models import LoginAttempt, User, WebSession
from contractvault.records.contracts import ContractFields, create_contract
from contractvault.vault import Vault

pytestmark = pytest.mark.db
PW = "ett-långt-lösenord-42"


def test_user_commands_add_list_disable(cli, initialised: Path, monkeypatch) -> None:
    monkeypatch.setenv("CONTRACTVAULT_USER_PASSWORD", PW)
    out = cli.json("user", "add", "anna.larsson", "--role", "officer", "--secret-access")
    assert out["name"] == "anna.larsson" and out["role"] == "officer" and out["secret_access"]
    assert cli("user", "add", "rut", "--role", "reader").exit_code == 0
    users = cli.json("user", "list")["users"]
    assert [u["name"] for u in users] == ["anna.larsson", "rut"]
    assert all("password" not in str(u) and "argon2" not in str(u) for u in users)
    again = cli("user", "add", "Anna.Larsson", "--role", "reader")
    assert again.exit_code == 2 and "already exists" in again.stderr
    bad = cli("user", "add", "olle", "--role", "chef")
    assert bad.exit_code == 2 and "unknown role" in bad.stderr
    assert cli.json("user", "disable", "rut")["disabled"] is True
    assert cli("user", "disable", "nobody").exit_code == 5
    monkeypatch.setenv("CONTRACTVAULT_USER_PASSWORD", "kort")
    short = cli("user", "add", "kort", "--role", "reader")
    assert short.exit_code == 2 and "too short" in short.stderr
    monkeypatch.delenv("CONTRACTVAULT_USER_PASSWORD")
    none = cli("user", "add", "ingen", "--role", "reader")  # no terminal to ask on
    assert none.exit_code == 2 and "CONTRACTVAULT_USER_PASSWORD" in none.stderr


def test_passwords_are_argon2id_and_checked(vault: Vault) -> None:
    add_user(vault, "anna", "officer", password=PW)
    with vault.session() as s:
        row = s.exec(select(User).where(User.name == "anna")).one()
    assert row.password_hash.startswith("$argon2id$") and PW not in row.password_hash
    assert authenticate(vault, "anna", PW).role == "officer"
    assert authenticate(vault, "ANNA", PW).name == "anna"  # names are case-insensitive
    for name, password in (("anna", PW + "x"), ("okänd", PW), ("anna", "")):
        with pytest.raises(SignInFailedError):
            authenticate(vault, name, password)
    disable_user(vault, "anna")
    with pytest.raises(SignInFailedError):
        authenticate(vault, "anna", PW)
    with vault.session() as s:
        attempts = s.exec(select(LoginAttempt)).all()
    assert attempts and all(PW not in (a.name + a.remote) for a in attempts)


def test_throttling_pauses_the_account_even_for_the_right_password(vault: Vault) -> None:
    add_user(vault, "tina", "reader", password=PW)
    add_user(vault, "other", "reader", password=PW)
    for _ in range(MAX_FAILURES_PER_NAME):
        with pytest.raises(SignInFailedError):
            authenticate(vault, "tina", "fel", remote="10.0.0.7")
    with pytest.raises(ThrottledError) as info:
        authenticate(vault, "tina", PW, remote="10.0.0.8")
    assert 0 < info.value.retry_after <= 15 * 60
    assert authenticate(vault, "other", PW, remote="10.0.0.7").name == "other"
    # When the failures are older than the window, the account may try again.
    with vault.session() as s:
        for a in s.exec(select(LoginAttempt).where(LoginAttempt.name == "tina")).all():
            a.at = a.at - timedelta(minutes=16)
            s.add(a)
        s.commit()
    assert authenticate(vault, "tina", PW).name == "tina"


def test_sign_in_rotates_the_session_and_disabling_ends_it(vault: Vault) -> None:
    user = add_user(vault, "anna", "admin", password=PW)
    anonymous = start_session(vault, data={"next": "/x"})
    assert load_session(vault, anonymous.token).user is None
    signed = sign_in(vault, anonymous, user)
    assert signed.token != anonymous.token and signed.csrf_token != anonymous.csrf_token
    assert load_session(vault, anonymous.token) is None
    assert load_session(vault, signed.token).user.name == "anna"
    with vault.session() as s:
        tokens = [w.token_sha256 for w in s.exec(select(WebSession)).all()]
    assert signed.token not in tokens  # only hashes are stored
    disable_user(vault, "anna")
    assert load_session(vault, signed.token) is None


def test_expired_sessions_are_gone(vault: Vault) -> None:
    user = add_user(vault, "anna", "reader", password=PW)
    state = start_session(vault, user)
    with vault.session() as s:
        for w in s.exec(select(WebSession)).all():
            w.expires_at = w.expires_at - timedelta(hours=11)
            s.add(w)
        s.commit()
    assert load_session(vault, state.token) is None


def test_feed_tokens_are_personal_and_replaceable(vault: Vault) -> None:
    add_user(vault, "anna", "reader", password=PW)
    first = new_feed_token(vault, "anna")
    assert feed_user(vault, first).name == "anna"
    second = new_feed_token(vault, "anna")
    assert feed_user(vault, first) is None and feed_user(vault, second).name == "anna"
    assert feed_user(vault, "guess") is None
    disable_user(vault, "anna")
    assert feed_user(vault, second) is None


def test_oidc_accounts_follow_the_identity_provider(vault: Vault) -> None:
    iss = "https://idp.example.se"
    first = oidc_sign_in(vault, issuer=iss, subject="123", name="kalle", role="reader")
    assert first.oidc and not first.local and first.role == "reader"
    again = oidc_sign_in(vault, issuer=iss, subject="123", name="kalle", role="officer",
                         secret_access=True)
    assert again.id == first.id and again.role == "officer" and again.secret_access
    with pytest.raises(SignInFailedError):  # no password to sign in with locally
        authenticate(vault, "kalle", "")
    add_user(vault, "lokal", "admin", password=PW)
    with pytest.raises(RefusedError, match="already exists"):
        oidc_sign_in(vault, issuer=iss, subject="999", name="lokal", role="admin")
    with pytest.raises(UsageError):
        oidc_sign_in(vault, issuer=iss, subject="5", name="x", role="superuser")
    disable_user(vault, "kalle")
    with pytest.raises(SignInFailedError):
        oidc_sign_in(vault, issuer=iss, subject="123", name="kalle", role="officer")


def test_secret_views_are_sealed_records_and_the_vault_verifies(vault: Vault) -> None:
    user = add_user(vault, "sara", "officer", password=PW, secret_access=True)
    cid = create_contract(vault, "Hemligt", ContractFields(secret=True))
    sealed = log_secret_access(vault, user, int(cid.split("-")[1]), action="view", what=cid)
    log = secret_access_log(vault, cid)
    assert log == [{"evidence_id": f"E-{sealed.seq}", "contract_id": cid, "who": "sara",
                    "action": "view", "what": cid, "at": log[0]["at"]}]
    assert sealed.record["kind"] == "secret-access"
    assert sealed.record["context"]["who"] == "sara"
    assert verify(vault).ok


def test_migration_adds_the_access_tables_to_an_older_vault(vault: Vault, vault_path: Path,
                                                            db_url: str | None) -> None:
    # Make the vault look like one made before the access tables existed.
    with vault.engine.begin() as conn:
        for table in ("cv_web_session", "cv_login_attempt", "cv_user"):
            conn.execute(text(f"DROP TABLE {table}"))
        conn.execute(text("DELETE FROM cv_migration WHERE name = '0003_access'"))
        conn.execute(text("UPDATE cv_meta SET value = '2' WHERE key = 'schema_version'"))
    vault.close()
    with Vault.open(vault_path, lambda: "x", db_url=db_url) as again:
        names = set(inspect(again.engine).get_table_names())
        assert {"cv_user", "cv_web_session", "cv_login_attempt"} <= names
        assert add_user(again, "anna", "reader", password=PW).name == "anna"
        assert get_user(again, "anna").role == "reader"
