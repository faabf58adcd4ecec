"""Writers racing a rebuild of the clause index, in real processes.

The "database" is a JSON file: the rebuild's source reads it when the rebuild starts (as
`contractvault reindex` reads the metadata database), then yields its documents slowly.
While it runs, other processes change the database and then the index, as the vault does:
a contract is made secret, a document is added, another removed. Afterwards the index must
agree with the database: before the fix, the changes landed in the generation the rebuild
was about to replace, and the secret contract showed in search.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest

from index import ClauseIndex, IndexDocument

ROOT = Path(__file__).resolve().parents[1]
DOCS = 12
SLOW = 0.25  # seconds per document while rebuilding


def _doc(n: int, *, secret: bool = False, contract: str | None = None) -> dict:
    return {
        "document_id": f"d{n}",
        "contract_id": contract or f"c{n}",
        "title": f"Avtal {n}",
        "doc_type": "pub-avtal",
        "supplier": "Molnia AB",
        "board": None,
        "secret": secret,
        "source_path": f"d{n}.txt",
        "pages": [
            f"1. Hemlighet\n1.1 Avtal {n}: leverantören ska hålla uppgifterna om kundens "
            "verksamhet hemliga och inte lämna ut dem.\n"
        ],
        "language": "sv",
    }


def _source(db: Path, slow: float):
    def source():
        docs = [IndexDocument(**d) for d in json.loads(db.read_text())]
        started = db.with_suffix(".started")

        def slowly():
            started.write_text(str(time.time()))
            for d in docs:
                time.sleep(slow)
                yield d

        return len(docs), slowly()

    return source


def _rebuild(path: str, db: str, out: str) -> None:
    ix = ClauseIndex(Path(path), source=_source(Path(db), SLOW))
    ix.rebuild()
    Path(out).write_text(str(time.time()))


def _write_db(db: Path, docs: list[dict]) -> None:
    tmp = db.with_suffix(".tmp")
    tmp.write_text(json.dumps(docs))
    tmp.replace(db)


def _change(path: str, db: str, out: str) -> None:
    """Wait until the rebuild has read the database, then change it, then the index."""
    dbp = Path(db)
    deadline = time.time() + 30
    while not dbp.with_suffix(".started").exists() and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(SLOW)
    docs = json.loads(dbp.read_text())
    for d in docs:
        if d["contract_id"] == "c3":
            d["secret"] = True
    docs = [d for d in docs if d["document_id"] != "d5"]
    docs.append(_doc(99))
    _write_db(dbp, docs)
    ix = ClauseIndex(Path(path), source=_source(dbp, 0.0))
    ix.update_metadata("c3", supplier="Molnia AB", board=None, secret=True)
    ix.remove("d5")
    ix.add([IndexDocument(**_doc(99))])
    Path(out).write_text(str(time.time()))


@pytest.mark.slow
def test_changes_made_while_a_rebuild_runs_survive_it(tmp_path):
    db = tmp_path / "db.json"
    _write_db(db, [_doc(n) for n in range(DOCS)])
    path = tmp_path / "ix"
    ClauseIndex(path, source=_source(db, 0.0)).rebuild()

    ctx = multiprocessing.get_context("spawn")
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env_path) if p)
    try:
        rebuild = ctx.Process(target=_rebuild, args=(str(path), str(db), str(tmp_path / "rebuilt")))
        change = ctx.Process(target=_change, args=(str(path), str(db), str(tmp_path / "changed")))
        rebuild.start()
        change.start()
        change.join(60)
        rebuild.join(60)
    finally:
        os.environ["PYTHONPATH"] = env_path
    assert (rebuild.exitcode, change.exitcode) == (0, 0)
    changed = float((tmp_path / "changed").read_text())
    rebuilt = float((tmp_path / "rebuilt").read_text())
    assert changed < rebuilt, "the changes must have been made while the rebuild ran"

    ix = ClauseIndex(path)
    found = {h.document_id for h in ix.search("hemliga", limit=50).hits}
    assert "d3" not in found, "a contract made secret during reindex shows in search"
    assert "d5" not in found, "a document removed during reindex came back"
    assert "d99" in found, "a document added during reindex was lost"
    assert found == {f"d{n}" for n in range(DOCS) if n not in (3, 5)} | {"d99"}
    secret = {h.document_id for h in ix.search("hemliga", limit=50, include_secret=True).hits}
    assert "d3" in secret
