"""Sign-in through the municipality's identity provider: OpenID Connect, authorization
code flow with PKCE (authlib), the ID token's signature, issuer, audience, expiry and
nonce checked (joserfc, authlib's JOSE library), and a claim mapped to the role."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from contractvault.access.users import ROLES
from contractvault.errors import ContractVaultError, RefusedError
from contractvault.web.config import OidcConfig

SECRET_ACCESS_VALUE = "secret-access"


@dataclass(frozen=True)
class Identity:
    """Who the identity provider says signed in, and the role its claim maps to."""

    issuer: str
    subject: str
    name: str
    role: str
    secret_access: bool


def map_role(config: OidcConfig, claims: dict[str, Any]) -> tuple[str, bool]:
    """(role, secret access) from the role claim (a string or a list of values); the
    highest role named wins. RefusedError when the claim names no role."""
    raw = claims.get(config.role_claim)
    values = [raw] if isinstance(raw, str) else [v for v in raw or [] if isinstance(v, str)]
    mapped = [config.role_map.get(v) if config.role_map else v for v in values]
    roles = [m for m in mapped if m in ROLES]
    if not roles:
        raise RefusedError("your account has no ContractVault role",
                           f"the identity provider's claim '{config.role_claim}' names none",
                           "Ask the administrator of the identity provider for a role")
    role = max(roles, key=ROLES.index)
    return role, SECRET_ACCESS_VALUE in mapped


class OidcClient:
    """The relying party. Discovery and keys are fetched once and cached."""

    def __init__(self, config: OidcConfig) -> None:
        self.config = config
        self._meta: dict[str, Any] | None = None
        self._jwks: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def _get(self, url: str) -> dict[str, Any]:
        try:
            resp = httpx.get(url, timeout=10)
            resp.raise_for_status()
            data = resp.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ContractVaultError("the identity provider does not answer",
                                     f"{url}: {type(exc).__name__}",
                                     "Try again later, or sign in with a local account") from exc
        if not isinstance(data, dict):
            raise ContractVaultError("the identity provider answered something else", url)
        return data

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (its issuer must be the configured one)."""
        with self._lock:
            if self._meta is None:
                meta = self._get(f"{self.config.issuer}/.well-known/openid-configuration")
                if str(meta.get("issuer", "")).rstrip("/") != self.config.issuer:
                    raise ContractVaultError("the identity provider names another issuer",
                                             f"{meta.get('issuer')} is not {self.config.issuer}")
                self._meta = meta
            return self._meta

    def _keys(self, force: bool = False) -> dict[str, Any]:
        with self._lock:
            if self._jwks is None or force:
                self._jwks = None
        if self._jwks is None:
            jwks = self._get(str(self.metadata()["jwks_uri"]))
            with self._lock:
                self._jwks = jwks
        return self._jwks

    def _client(self, redirect_uri: str) -> Any:
        return OAuth2Client(client_id=self.config.client_id,
                            client_secret=self.config.client_secret,
                            scope=self.config.scopes, redirect_uri=redirect_uri,
                            code_challenge_method="S256",
                            token_endpoint_auth_method="client_secret_basic"
                            if self.config.client_secret else "none", timeout=10)

    def start(self, redirect_uri: str) -> tuple[str, dict[str, str]]:
        """The provider's authorization URL, and what the callback must find in the session."""

        nonce = secrets.token_urlsafe(24)
        verifier = generate_token(64)
        with self._client(redirect_uri) as client:
            url, state = client.create_authorization_url(
                self.metadata()["authorization_endpoint"], nonce=nonce, code_verifier=verifier)
        return url, {"state": state, "nonce": nonce, "verifier": verifier}

    def finish(self, params: dict[str, str], pending: dict[str, str] | None,
               redirect_uri: str) -> Identity:
        """Check the callback, redeem the code, validate the ID token, map the role."""
        if not pending or not params.get("state") or \
                not secrets.compare_digest(params["state"], pending.get("state", "")):
            raise RefusedError("the sign-in could not be completed",
                               "it was not started in this browser, or it is too old",
                               "Start the sign-in again")
        if params.get("iss") and params["iss"].rstrip("/") != self.config.issuer:
            # RFC 9207: the answer names its issuer; another one means a mix-up attack.
            raise RefusedError("the sign-in answer came from another identity provider",
                               f"{params['iss']} is not {self.config.issuer}")
        if params.get("error"):
            raise RefusedError("the identity provider refused the sign-in",
                               params.get("error_description") or params["error"])
        if not params.get("code"):
            raise RefusedError("the identity provider sent no code", "", "Start the sign-in again")
        meta = self.metadata()

        try:
            with self._client(redirect_uri) as client:
                token = client.fetch_token(meta["token_endpoint"], code=params["code"],
                                           code_verifier=pending["verifier"],
                                           grant_type="authorization_code")
                claims = self._id_claims(token, pending["nonce"])
                if meta.get("userinfo_endpoint") and token.get("access_token"):
                    resp = client.get(meta["userinfo_endpoint"])
                    if resp.status_code == 200:
                        info = resp.json()
                        if isinstance(info, dict) and info.get("sub") == claims.get("sub"):
                            claims = {**info, **claims}
        except OAuthError as exc:
            raise RefusedError("the identity provider refused the sign-in",
                               exc.description or exc.error) from exc
        except Exception as exc:  # noqa: BLE001 - network and protocol errors of several kinds
            if isinstance(exc, ContractVaultError):
                raise
            raise ContractVaultError("the sign-in with the identity provider failed",
                                     type(exc).__name__, "Try again") from exc
        role, secret = map_role(self.config, claims)
        name = str(claims.get(self.config.name_claim) or claims.get("email") or claims["sub"])
        return Identity(issuer=self.config.issuer, subject=str(claims["sub"]), name=name,
                        role=role, secret_access=secret)

    def _id_claims(self, token: dict[str, Any], nonce: str) -> dict[str, Any]:
        if "id_token" not in token:
            raise RefusedError("the identity provider sent no ID token",
                               "is the scope 'openid' requested?")
        algs = self.metadata().get("id_token_signing_alg_values_supported")
        registry = JWSRegistry(algorithms=algs, strict_check_header=False)
        try:
            try:
                decoded = jwt.decode(token["id_token"], KeySet.import_key_set(self._keys()),
                                     registry=registry)
            except InvalidKeyIdError:  # the provider rotated its keys
                decoded = jwt.decode(token["id_token"],
                                     KeySet.import_key_set(self._keys(force=True)),
                                     registry=registry)
            claims = CodeIDToken(decoded.claims, decoded.header,
                                 {"iss": {"values": [self.metadata()["issuer"]]}},
                                 {"nonce": nonce, "client_id": self.config.client_id,
                                  "access_token": token.get("access_token")})
            claims.validate(leeway=60)
        except JoseError as exc:
            raise RefusedError("the identity provider's ID token does not hold",
                               f"{type(exc).__name__}: {exc}") from exc
        except Exception as exc:  # noqa: BLE001 - authlib's claim errors
            if isinstance(exc, ContractVaultError):
                raise
            raise RefusedError("the identity provider's ID token does not hold",
                               f"{type(exc).__name__}: {exc}") from exc
        return dict(claims)
