"""SIGKILL at random moments (issue 11): a killed `add` leaves every sealed document
searchable and no extraction worker alive; a killed `key rotate` never leaves a record
signed by the wrong key; a capture killed after the submit click leaves its acceptance
known and sealable. Every kill is counted and printed; every loop is bounded.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import threading
import time
import zipfile
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlmodel import col, select
from support.pdfgen import write_pdf
from support.procs import children_of, cv_start, wait_gone

from contractvault.models import Document, Evidence
from contractvault.vault import Vault

# SQLite only: what a kill can leave is in files and the ledger; test_crash.py and the
# concurrency test run their kills and races on PostgreSQL too.
pytestmark = [pytest.mark.slow]

CLICKTHROUGH = Path(__file__).parent / "fixtures" / "clickthrough"


def _word(run: int, i: int) -> str:
    return f"unik{run}x{i}"


def _files(folder: Path, run: int, n: int) -> list[str]:
    out = []
    for i in range(n):
        out.append(str(write_pdf(folder / f"r{run}-{i}.pdf", [
            [f"Avtal {run}-{i}", "1. Tjänsten",
             f"1.1 Leverantören ska leverera tjänsten {_word(run, i)} enligt bilaga 1."],
            ["2. Personuppgifter", "2.1 Leverantören behandlar personuppgifter enligt instruktion."]])))
    return out


def _records(ledger: Path) -> int:
    return ledger.read_bytes().count(b"\n")


def test_killed_adds_leave_every_sealed_document_searchable_and_no_worker_alive(
        cli, initialised: Path, env: dict, tmp_path: Path) -> None:
    rng = random.Random(20261201)
    ledger = initialised / "ledger" / "records.jsonl"
    began = time.monotonic()
    first = cv_start(env, "add", *_files(tmp_path, 0, 10), "--new", "Avtal 0", "--doc-type", "huvudavtal")
    assert first.wait(timeout=300) == 0, first.stderr.read() if first.stderr else ""
    duration = time.monotonic() - began
    kills = workers_killed = 0
    survivors: list[int] = []
    killed_runs: set[int] = set()
    run = 0
    while kills < 6 and run < 15:
        run += 1
        # The kill lands after a random number of this run's files are sealed (1 to 9 of
        # 10): sealed, not yet indexed, the worker pool still up.
        target = _records(ledger) + rng.randint(1, 9)
        proc = cv_start(env, "add", *_files(tmp_path, run, 10), "--new", f"Avtal {run}",
                        "--doc-type", "huvudavtal")
        deadline = time.monotonic() + 3 * duration
        workers: list[int] = []
        while time.monotonic() < deadline and proc.poll() is None and _records(ledger) < target:
            workers = children_of(proc.pid) or workers
            time.sleep(0.01)
        if proc.poll() is not None:
            assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
            continue
        workers = children_of(proc.pid) or workers
        os.kill(proc.pid, signal.SIGKILL)  # the add alone, as `kill -9 PID` does
        proc.wait()
        kills += 1
        killed_runs.add(run)
        workers_killed += len(workers)
        survivors += wait_gone(workers, timeout=10)
    print(f"\nkills of add: {kills}; extraction workers that died with their add: "
          f"{workers_killed - len(survivors)} of {workers_killed}")
    for pid in survivors:  # a failing run must not leave them behind either
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    assert kills == 6, "the kills should land while add runs"
    assert workers_killed > 0, "some kills should find the worker pool running"
    # Every document that was sealed is found by search (the first search completes what
    # the killed adds left queued), and verify is clean.
    with Vault.open(initialised) as vault, vault.session() as s:
        sealed = s.exec(select(Document.source_name).where(
            col(Document.evidence_seq).is_not(None))).all()
    by_killed = [n for n in sealed if int(n.split("-")[0][1:]) in killed_runs]
    print(f"documents sealed by adds that were then killed: {len(by_killed)}")
    assert by_killed, "some kills should land after a document was sealed"
    for name in sealed:
        r, i = name.removesuffix(".pdf").lstrip("r").split("-")
        hits = cli.json("search", _word(int(r), int(i)))["hits"]
        assert [h["source_path"] for h in hits] == [name], (name, hits)
    report = cli.json("verify")
    assert report["ok"], report["failures"]
    from contractvault.storage.index_queue import unindexed_documents

    with Vault.open(initialised) as vault:
        assert unindexed_documents(vault.engine, vault.clause_index) == ([], [])
    assert cli("doctor", "--fix").exit_code == 0 and cli("doctor").exit_code == 0
    assert survivors == [], f"extraction workers outlived their add: {survivors}"


def test_killed_key_rotations_never_leave_a_record_signed_by_the_wrong_key(
        cli, initialised: Path, env: dict) -> None:
    rng = random.Random(11)
    began = time.monotonic()
    assert cv_start(env, "key", "rotate").wait(timeout=120) == 0
    duration = time.monotonic() - began
    kills = attempts = 0
    while kills < 4 and attempts < 8:
        attempts += 1
        proc = cv_start(env, "key", "rotate")
        time.sleep(rng.uniform(0.3, 0.9) * duration)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        # Whatever the kill left, the next rotation starts from the key really active.
        assert cv_start(env, "key", "rotate").wait(timeout=120) == 0
    print(f"\nkills of key rotate: {kills} in {attempts} attempts")
    assert kills >= 3, "the kills should land while key rotate runs"
    report = cli.json("verify")
    assert report["ok"], report["failures"]
    with Vault.open(initialised) as vault, vault.session() as s:
        rotations = [json.loads(e.record_json) for e in s.exec(
            select(Evidence).where(Evidence.kind == "key-rotation").order_by(col(Evidence.seq)))]
    for before, after in zip(rotations, rotations[1:], strict=False):
        assert after["context"]["old_key_id"] == after["key_id"] == before["context"]["new_key_id"]


class _SlowAcceptSite:
    """The click-through fixture on 127.0.0.1, answering the acceptance POST only when told."""

    def __init__(self) -> None:
        self.posted = threading.Event()
        self.release = threading.Event()
        outer = self

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.posted.set()
                outer.release.wait(timeout=60)
                body = "<html><body><p>Tack, villkoren är godkända.</p></body></html>".encode()
                with contextlib.suppress(OSError):  # the browser was killed meanwhile
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0),
                                          partial(Handler, directory=str(CLICKTHROUGH)))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _SlowAcceptSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def slow_site() -> Iterator[_SlowAcceptSite]:
    with _SlowAcceptSite() as site:
        yield site


@pytest.mark.browser
def test_a_capture_killed_after_the_submit_click_is_known_and_sealed_as_incomplete(
        cli, initialised: Path, env: dict, slow_site: _SlowAcceptSite, tmp_path: Path) -> None:
    proc = cv_start(env, "capture", slow_site.url, "--doc-type", "villkor", "--new", "Molnavtal",
                    "--click", "--submit", "#fortsatt", "--json")
    try:
        assert slow_site.posted.wait(timeout=120), "the acceptance was never sent"
        os.killpg(proc.pid, signal.SIGKILL)  # the capture and its browser, after the click
    finally:
        proc.wait()
    print("\nkills of capture after the submit click: 1")
    slow_site.release.set()
    found = cli("doctor", "--json")
    assert found.exit_code == 4
    report = json.loads(found.stdout)
    [item] = report["interrupted_acceptances"]
    assert item["url"] == slow_site.url and item["work_dir"] in report["stale_work"]
    assert {"page.pdf", "accept-before.png", "accept-after.png"} <= set(item["artifacts_found"])
    fixed = cli.json("doctor", "--fix")
    [eid] = fixed["sealed_interrupted"]
    with Vault.open(initialised) as vault, vault.session() as s:
        record = json.loads(s.get(Evidence, int(eid[2:])).record_json)
        assert s.exec(select(Document)).all() == [], "nothing claims to be a complete capture"
    assert record["kind"] == "acceptance-interrupted" and record["context"]["complete"] is False
    assert record["context"]["note"] == item["note"]
    types = {a["name"]: a["media_type"] for a in record["artifacts"]}
    # Typed as a finished capture types them, so a reader opens them as what they are.
    assert types["page.pdf"] == "application/pdf" and types["accept-after.png"] == "image/png"
    assert not Path(item["work_dir"]).exists()
    assert cli("doctor").exit_code == 0
    verified = cli.json("verify")
    assert verified["ok"], verified["failures"]
    bundle = tmp_path / "avbruten.zip"
    assert cli("export", "evidence", eid, "-o", str(bundle)).exit_code == 0
    with zipfile.ZipFile(bundle) as z:
        z.extractall(tmp_path / "bevis")
    folder = next((tmp_path / "bevis").rglob("verify.sh")).parent
    checked = subprocess.run(["sh", "verify.sh"], cwd=folder, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
