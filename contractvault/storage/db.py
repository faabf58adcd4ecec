"""Database engine and named migrations. SQLite (WAL) in the vault by default, or any URL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel, create_engine, select

from contractvault import models  # noqa: F401 - registers the tables on SQLModel.metadata
from contractvault.errors import ContractVaultError, UsageError
from contractvault.models import (
    Evidence,
    ExtraTimestampToken,
    IndexQueue,
    LoginAttempt,
    Meta,
    MigrationRecord,
    User,
    WebSession,
)
from contractvault.util import utc_now

# Named migrations in order. A fresh database gets the current schema from the models and
# is stamped with every name; an existing one runs the names it lacks. Each later
# migration must be written in portable SQL (it runs on SQLite and PostgreSQL).
Migration = Callable[[Connection], None]


def _initial(conn: Connection) -> None:
    SQLModel.metadata.create_all(conn)


def _contract_value(conn: Connection) -> None:
    conn.exec_driver_sql("ALTER TABLE cv_contract ADD COLUMN value_sek BIGINT")


def _access(conn: Connection) -> None:
    # Users, sign-in sessions and sign-in attempts of the web interface (issue 14).
    SQLModel.metadata.create_all(conn, tables=[User.__table__, WebSession.__table__,
                                               LoginAttempt.__table__])


def _index_queue(conn: Connection) -> None:
    # Sealed documents still to be indexed (issue 11): a killed indexer loses nothing.
    IndexQueue.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]
def _extra_timestamps(conn: Connection) -> None:
    SQLModel.metadata.create_all(conn, tables=[ExtraTimestampToken.__table__])


MIGRATIONS: list[tuple[str, Migration]] = [
    ("0001_initial", _initial),
    ("0002_contract_value", _contract_value),
    ("0003_access", _access),
    ("0004_index_queue", _index_queue),
    ("0005_extra_timestamps", _extra_timestamps),  # tokens from a second (third…) TSA
]
SCHEMA_VERSION = len(MIGRATIONS)


def make_engine(url: str | None, sqlite_path: Path) -> Engine:
    """An engine for `url`, or for the vault's SQLite file (WAL, busy timeout)."""
    if not url:
        url = f"sqlite:///{sqlite_path}"
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # noqa: BLE001 - bad URLs raise several kinds
        raise UsageError("cannot use the database URL", str(exc),
                         "Check CONTRACTVAULT_DB_URL (an SQLAlchemy URL)") from exc
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

    elif engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _utc_session(dbapi_conn, _record) -> None:  # noqa: ANN001
            # Times are stored as naive UTC; a server in another time zone would shift
            # them on the way in, and sealed rows would no longer match their records.
            cur = dbapi_conn.cursor()
            cur.execute("SET TIME ZONE 'UTC'")
            cur.close()
            dbapi_conn.commit()

    return engine


def migrate(engine: Engine) -> int:
    """Bring the schema up to date; returns the schema version.

    Callers serialise this across processes (the vault's write lock); it writes nothing
    when the schema is already current, so opening a vault is read-only.
    """
    with engine.begin() as conn:
        fresh = not inspect(conn).has_table(MigrationRecord.__tablename__)
        if fresh:
            SQLModel.metadata.create_all(conn)
            done: set[str] = set()
        else:
            done = set(conn.execute(select(MigrationRecord.name)).scalars())
        now = utc_now()
        for name, step in MIGRATIONS:
            if name in done:
                continue
            if not fresh:
                step(conn)
            conn.execute(MigrationRecord.__table__.insert().values(name=name, applied_at=now))
        known = {name for name, _ in MIGRATIONS}
        unknown = done - known
        if unknown:
            raise ContractVaultError(
                "the vault's database is newer than this ContractVault",
                f"it has migrations {sorted(unknown)}", "Upgrade ContractVault",
            )
        current = conn.execute(select(Meta.value).where(Meta.key == "schema_version")).scalar()
        if current != str(SCHEMA_VERSION):
            conn.execute(Meta.__table__.delete().where(Meta.key == "schema_version"))
            conn.execute(Meta.__table__.insert().values(key="schema_version",
                                                        value=str(SCHEMA_VERSION)))
    return SCHEMA_VERSION


def needs_migration(engine: Engine) -> bool:
    """Whether `migrate` has anything to do (a read, no lock needed)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(Meta.__tablename__):
            return True
        current = conn.execute(select(Meta.value).where(Meta.key == "schema_version")).scalar()
    return current != str(SCHEMA_VERSION)


VAULT_ID_KEY = "vault_id"


def database_vault_id(engine: Engine) -> tuple[str | None, bool]:
    """Which vault the database belongs to, read without writing: (vault id, stamped).

    A database stamped at `init` names its vault in `cv_meta`; an older one is known by
    its first ledger record (the vault-created record names the vault). (None, False) for
    a database that holds no vault.
    """
    with engine.connect() as conn:
        tables = inspect(conn)
        if tables.has_table(Meta.__tablename__):
            stamp = conn.execute(select(Meta.value).where(Meta.key == VAULT_ID_KEY)).scalar()
            if stamp:
                return str(stamp), True
        if not tables.has_table(Evidence.__tablename__):
            return None, False
        first = conn.execute(select(Evidence.record_json).where(Evidence.seq == 1)).scalar()
    if first is None:
        return None, False
    try:
        vault_id = json.loads(first).get("vault_id")
    except (ValueError, AttributeError):
        return None, False
    return (str(vault_id), False) if vault_id else (None, False)


def stamp_vault_id(engine: Engine, vault_id: str) -> None:
    """Name the vault the database belongs to (at init; once for vaults made before)."""
    with engine.begin() as conn:
        conn.execute(Meta.__table__.delete().where(Meta.key == VAULT_ID_KEY))
        conn.execute(Meta.__table__.insert().values(key=VAULT_ID_KEY, value=vault_id))
