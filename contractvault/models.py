"""The metadata database schema (SQLModel). Portable SQL only: SQLite and PostgreSQL.

Ids shown to users are prefixed strings (`C-3`, `D-17`, `E-42`); the tables keep integer keys.
Evidence rows mirror the ledger file; a sealed row is never updated or deleted.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Meta(SQLModel, table=True):
    """Key/value facts about the vault: schema version, vault id."""

    __tablename__ = "cv_meta"
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(sa_column=Column(Text, nullable=False))


class MigrationRecord(SQLModel, table=True):
    """A named migration that has been applied."""

    __tablename__ = "cv_migration"
    name: str = Field(primary_key=True, max_length=128)
    applied_at: datetime


class Contract(SQLModel, table=True):
    """An agreement with a supplier: the case that documents belong to."""

    __tablename__ = "cv_contract"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=500)
    supplier: str | None = Field(default=None, max_length=300, index=True)
    board: str | None = Field(default=None, max_length=100, index=True)
    system: str | None = Field(default=None, max_length=300)
    category: str | None = Field(default=None, max_length=40)
    scope: str | None = Field(default=None, max_length=40)
    personal_data: bool | None = None
    third_country: bool | None = None
    transfer_mechanism: str | None = Field(default=None, max_length=20)
    start_date: date | None = None
    end_date: date | None = None
    notice_months: int | None = None
    notice_basis: str | None = Field(default=None, max_length=20)
    renewal_months: int | None = None
    deletion_days: int | None = None
    owner: str | None = Field(default=None, max_length=300)
    secret: bool = False
    value_sek: int | None = Field(default=None, sa_type=BigInteger)  # avtalsvärde
    diarienummer: str | None = Field(default=None, max_length=64)
    ciceron_ref: str | None = Field(default=None, max_length=128)
    created_at: datetime
    updated_at: datetime


class ContractChange(SQLModel, table=True):
    """One metadata change: contracts are edited, but every change is kept."""

    __tablename__ = "cv_contract_change"
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="cv_contract.id", index=True)
    at: datetime
    by: str = Field(max_length=200)
    field_name: str = Field(max_length=64)
    old_value: str | None = Field(default=None, sa_column=Column(Text))
    new_value: str | None = Field(default=None, sa_column=Column(Text))


class IndexQueue(SQLModel, table=True):
    """A sealed document still to be indexed: written in its seal's transaction and deleted
    once the document is in the clause index, so a killed or failed indexer loses nothing."""

    __tablename__ = "cv_index_queue"
    document_id: int = Field(primary_key=True)
    queued_at: datetime


class Document(SQLModel, table=True):
    """A stored document of a contract (added file or captured page)."""

    __tablename__ = "cv_document"
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="cv_contract.id", index=True)
    doc_type: str = Field(max_length=40, index=True)
    title: str = Field(max_length=500)
    source_name: str = Field(max_length=500)
    media_type: str = Field(max_length=100)
    blob_sha256: str = Field(max_length=64, index=True)
    size: int
    page_count: int
    has_text: bool
    text_sha256: str = Field(max_length=64)
    language: str | None = Field(default=None, max_length=8)
    origin: str = Field(max_length=20)  # add | supersede | capture | recheck
    url: str | None = Field(default=None, sa_column=Column(Text))
    capture_id: str | None = Field(default=None, max_length=64)
    supersedes_id: int | None = Field(default=None, foreign_key="cv_document.id")
    evidence_seq: int | None = Field(default=None, index=True)
    added_at: datetime
    added_by: str = Field(max_length=200)


class DocumentPage(SQLModel, table=True):
    """Extracted text of one page (1-based page number)."""

    __tablename__ = "cv_document_page"
    __table_args__ = (UniqueConstraint("document_id", "page_no"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="cv_document.id", index=True)
    page_no: int
    text: str = Field(sa_column=Column(Text, nullable=False))


class Evidence(SQLModel, table=True):
    """A sealed ledger record, mirrored from the ledger file. Never updated."""

    __tablename__ = "cv_evidence"
    seq: int = Field(primary_key=True)
    kind: str = Field(max_length=40)
    record_hash: str = Field(max_length=64, unique=True)
    prev_hash: str = Field(max_length=64)
    key_id: str = Field(max_length=64)
    record_json: str = Field(sa_column=Column(Text, nullable=False))
    signature: str = Field(max_length=200)
    contract_id: int | None = Field(default=None, index=True)
    document_id: int | None = Field(default=None, index=True)
    sealed_at: datetime


class EvidenceArtifact(SQLModel, table=True):
    """One sealed file of an evidence record (a capture has many)."""

    __tablename__ = "cv_evidence_artifact"
    id: int | None = Field(default=None, primary_key=True)
    evidence_seq: int = Field(index=True)
    name: str = Field(max_length=300)
    media_type: str = Field(max_length=100)
    sha256: str = Field(max_length=64)
    size: int


class TimestampToken(SQLModel, table=True):
    """An RFC 3161 token over an evidence record's hash."""

    __tablename__ = "cv_timestamp"
    evidence_seq: int = Field(primary_key=True)
    tsa_url: str = Field(sa_column=Column(Text, nullable=False))
    gen_time: datetime
    token: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ExtraTimestampToken(SQLModel, table=True):
    """A token over a record's hash from a further TSA (`TimestampToken` holds the first).

    Two TSAs give two independent clocks and keys: one compromised or gone, the other holds.
    """

    __tablename__ = "cv_timestamp_extra"
    __table_args__ = (UniqueConstraint("evidence_seq", "tsa_id"),)
    id: int | None = Field(default=None, primary_key=True)
    evidence_seq: int = Field(index=True)
    tsa_id: str = Field(max_length=16)  # tsa_id(tsa_url): names the token file too
    tsa_url: str = Field(sa_column=Column(Text, nullable=False))
    gen_time: datetime
    token: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class AuthorityRegisterVersion(SQLModel, table=True):
    """One imported version of the delegation register (TOML kept verbatim)."""

    __tablename__ = "cv_authority_register"
    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64)
    source_name: str = Field(max_length=500)
    imported_at: datetime
    imported_by: str = Field(max_length=200)
    toml_text: str = Field(sa_column=Column(Text, nullable=False))


class AuthorityDecision(SQLModel, table=True):
    """Every authority check made before an acceptance, allowed or refused."""

    __tablename__ = "cv_authority_decision"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    on_date: date
    signer: str = Field(max_length=200)
    board: str = Field(max_length=100, index=True)
    doc_type: str = Field(max_length=40)
    allowed: bool
    register_sha256: str = Field(max_length=64)
    check_json: str = Field(sa_column=Column(Text, nullable=False))
    contract_id: int | None = None
    document_id: int | None = None
    evidence_seq: int | None = None
    purpose: str = Field(default="capture", max_length=40)


class Deficiency(SQLModel, table=True):
    """A brist against the agreed terms; its state is the fold of its events."""

    __tablename__ = "cv_deficiency"
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="cv_contract.id", index=True)
    created_at: datetime


class DeficiencyEvent(SQLModel, table=True):
    """One change to a deficiency (opened, notified, updated, resolved); never overwritten."""

    __tablename__ = "cv_deficiency_event"
    id: int | None = Field(default=None, primary_key=True)
    deficiency_id: int = Field(foreign_key="cv_deficiency.id", index=True)
    at: datetime
    by: str = Field(max_length=200)
    action: str = Field(max_length=40)
    data_json: str = Field(sa_column=Column(Text, nullable=False))


class FollowUpRecord(SQLModel, table=True):
    """A documented follow-up: a meeting with the supplier or an internal review."""

    __tablename__ = "cv_followup"
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="cv_contract.id", index=True)
    held_on: date
    kind: str = Field(max_length=40)
    participants: str = Field(sa_column=Column(Text, nullable=False))
    notes: str = Field(sa_column=Column(Text, nullable=False))
    recorded_at: datetime
    recorded_by: str = Field(max_length=200)


# --- access (issue 14): users, sign-in sessions, sign-in attempts ---------------------------


class User(SQLModel, table=True):
    """A person who signs in to the web interface (local password or OpenID Connect)."""

    __tablename__ = "cv_user"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    role: str = Field(max_length=20)  # reader | officer | admin
    secret_access: bool = False
    # argon2id (PHC string); None for accounts that only sign in through OpenID Connect.
    password_hash: str | None = Field(default=None, sa_column=Column(Text))
    # "issuer sub" of an OpenID Connect account, None for local accounts.
    oidc_subject: str | None = Field(default=None, max_length=500, unique=True)
    disabled: bool = False
    # SHA-256 of the personal calendar feed token (the token itself is shown once).
    feed_token_sha256: str | None = Field(default=None, max_length=64, unique=True)
    created_at: datetime
    created_by: str = Field(max_length=200)
    last_login_at: datetime | None = None


class WebSession(SQLModel, table=True):
    """A browser session: anonymous (before sign-in) or signed in. Only the token's hash is kept."""

    __tablename__ = "cv_web_session"
    token_sha256: str = Field(primary_key=True, max_length=64)
    user_id: int | None = Field(default=None, foreign_key="cv_user.id", index=True)
    csrf_token: str = Field(max_length=100)
    data_json: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    created_at: datetime
    expires_at: datetime = Field(index=True)


class LoginAttempt(SQLModel, table=True):
    """One sign-in attempt (for throttling); never holds a password."""

    __tablename__ = "cv_login_attempt"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    remote: str = Field(max_length=100, index=True)
    at: datetime = Field(index=True)
    ok: bool
