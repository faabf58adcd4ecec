"""What a user may see: secret contracts only with secret access, and nothing else says
they exist (a hidden contract answers exactly like a missing one)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from contractvault.access.users import UserInfo
from contractvault.errors import NotFoundError, RefusedError
from contractvault.ids import parse_ref
from contractvault.models import Contract, Document
from contractvault.vault import Vault


def can_see(user: UserInfo, contract: Contract) -> bool:
    """Whether `user` may see anything of `contract`."""
    return user.secret_access or not contract.secret


def visible_contract(s: Session, user: UserInfo, ref: str) -> Contract:
    """The contract `ref` if `user` may see it; NotFoundError (as for a missing id) otherwise."""
    _, pk = parse_ref(ref, "contract")
    row = s.get(Contract, pk)
    if row is None or not can_see(user, row):
        raise NotFoundError(f"no contract {ref}", "", "Run 'contractvault list' to see ids")
    return row


def visible_document(s: Session, user: UserInfo, ref: str) -> tuple[Document, Contract]:
    """The document `ref` and its contract if `user` may see them; NotFoundError otherwise."""
    _, pk = parse_ref(ref, "document")
    doc = s.get(Document, pk)
    contract = s.get(Contract, doc.contract_id) if doc is not None else None
    if doc is None or contract is None or not can_see(user, contract):
        raise NotFoundError(f"no document {ref}", "", "Run 'contractvault list' to see ids")
    return doc, contract


def require_role(user: UserInfo, role: str, what: str) -> None:
    """RefusedError unless `user` has `role` or a higher one."""
    if not user.at_least(role):
        raise RefusedError(f"{user.name} may not {what}", f"that needs the role {role}",
                           "Ask an administrator for the role if you need it")


@contextmanager
def acting_as(vault: Vault, user: UserInfo) -> Iterator[Vault]:
    """The vault with `user` as the one acting (recorded as `by` in changes and events)."""
    before = vault.user
    vault.user = user.name
    try:
        yield vault
    finally:
        vault.user = before
