"""The multi-process index writer's sub-writers die with the process that started them:
a SIGKILLed `reindex` or bulk add leaves no writer blocked for ever on its job queue."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from support.procs import alive, children_of, wait_gone

ROOT = Path(__file__).resolve().parents[1]

BUILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from index import ClauseIndex, IndexDocument

    words = "avtalet gäller leverantören ska personuppgifter behandlas enligt bilaga".split()
    docs = [IndexDocument(document_id=f"D-{n}", contract_id="K-1", title=f"Avtal {n}",
                          doc_type="villkor", supplier=None, board=None, secret=False,
                          source_path=f"{n}.pdf", language="sv",
                          pages=["\\n".join(f"{c}. " + " ".join(words[(n + c + i) % len(words)]
                                 for i in range(40)) for c in range(1, 30))])
            for n in range(int(sys.argv[2]))]
    ix = ClauseIndex(Path(sys.argv[1]), source=lambda: (len(docs), docs), processes=2)
    print("building", flush=True)
    ix.rebuild()
    print("built", flush=True)
""")


def test_sub_writers_die_with_a_killed_rebuild(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", BUILD, str(tmp_path / "ix"), "3000"],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    writers: list[int] = []
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "building"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None and not writers:
            writers = children_of(proc.pid)
            time.sleep(0.02)
        time.sleep(0.5)  # the second sub-writer starts with the second job
        writers = sorted(set(writers) | set(children_of(proc.pid)))
        assert writers and proc.poll() is None, "the rebuild should be running its sub-writers"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        survivors = wait_gone(writers, timeout=10)
        assert survivors == [], f"sub-writers outlived their process: {survivors}"
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in [*writers, *children_of(proc.pid)]:
            if alive(pid):  # a failing run must not leave them behind either
                os.kill(pid, signal.SIGKILL)
