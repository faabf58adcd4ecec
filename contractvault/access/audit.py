"""The sealed log of views and downloads of secret contracts: who, what, when.

Each view is one sealed ledger record of kind `secret-access` (the ledger's own
`sealed_at` is the when), so the log is as tamper-evident as the evidence itself.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, select

from contractvault.access.users import UserInfo
from contractvault.ids import contract_ref, evidence_ref
from contractvault.models import Evidence
from contractvault.util import iso_utc
from contractvault.vault import Sealed, Subject, Vault

SECRET_ACCESS_KIND = "secret-access"
ACTIONS = ("view", "download", "search", "export")


def log_secret_access(vault: Vault, user: UserInfo, contract_pk: int, *, action: str,
                      what: str, via: str = "web") -> Sealed:
    """Seal that `user` viewed or downloaded `what` (an id or a file) of a secret contract."""
    assert action in ACTIONS, action
    return vault.seal(
        kind=SECRET_ACCESS_KIND, artifacts=[],
        context={"who": user.name, "role": user.role, "action": action, "what": what,
                 "via": via},
        build_rows=lambda _s: Subject(contract_id=contract_pk))


def secret_access_log(vault: Vault, contract: str | None = None) -> list[dict[str, Any]]:
    """The sealed access records (oldest first), of one contract or all."""
    with vault.session() as s:
        q = select(Evidence).where(Evidence.kind == SECRET_ACCESS_KIND).order_by(col(Evidence.seq))
        if contract:
            from contractvault.ids import parse_ref

            q = q.where(Evidence.contract_id == parse_ref(contract, "contract")[1])
        out = []
        for ev in s.exec(q).all():
            ctx = json.loads(ev.record_json).get("context", {})
            out.append({"evidence_id": evidence_ref(ev.seq),
                        "contract_id": contract_ref(ev.contract_id) if ev.contract_id else None,
                        "who": ctx.get("who"), "action": ctx.get("action"),
                        "what": ctx.get("what"), "at": iso_utc(ev.sealed_at)})
        return out
