"""What `contractvault serve` is started with: the vault, the key's passphrase, the
database, and (optionally) the identity provider."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class OidcConfig:
    """Sign-in through the municipality's identity provider (OpenID Connect)."""

    issuer: str
    client_id: str
    client_secret: str | None = None
    role_claim: str = "contractvault_role"
    # Claim value -> role (reader/officer/admin) or "secret-access"; empty: the values
    # themselves ("officer", "secret-access", ...).
    role_map: dict[str, str] = field(default_factory=dict)
    name_claim: str = "preferred_username"
    label: str = "Municipality sign-in"
    scopes: str = "openid profile"

    @classmethod
    def from_env(cls) -> OidcConfig | None:
        """$CONTRACTVAULT_OIDC_ISSUER and _CLIENT_ID (with _CLIENT_SECRET, _ROLE_CLAIM,
        _ROLE_MAP "value=role,...", _NAME_CLAIM, _LABEL, _SCOPES), or None when not set."""
        env = os.environ
        issuer, client = env.get("CONTRACTVAULT_OIDC_ISSUER"), env.get("CONTRACTVAULT_OIDC_CLIENT_ID")
        if not issuer or not client:
            return None
        mapping: dict[str, str] = {}
        for part in env.get("CONTRACTVAULT_OIDC_ROLE_MAP", "").split(","):
            key, sep, value = part.partition("=")
            if sep and key.strip():
                mapping[key.strip()] = value.strip()
        return cls(issuer=issuer.rstrip("/"), client_id=client,
                   client_secret=env.get("CONTRACTVAULT_OIDC_CLIENT_SECRET") or None,
                   role_claim=env.get("CONTRACTVAULT_OIDC_ROLE_CLAIM", "contractvault_role"),
                   role_map=mapping,
                   name_claim=env.get("CONTRACTVAULT_OIDC_NAME_CLAIM", "preferred_username"),
                   label=env.get("CONTRACTVAULT_OIDC_LABEL", "Municipality sign-in"),
                   scopes=env.get("CONTRACTVAULT_OIDC_SCOPES", "openid profile"))


@dataclass
class WebConfig:
    """What `contractvault serve` was started with."""

    vault_path: Path
    passphrase: str | None = None
    db_url: str | None = None
    oidc: OidcConfig | None = None
    pool_size: int = 4
    job_dir: Path | None = None  # where export files wait for download (default: vault tmp)
