"""Web page time against the CLI's in-process library calls, in the same run.

A vault of 10,000 sealed documents (500 contracts of 20 text documents of 5 clauses, the
words drawn from the word distribution of bench/corpus with a fixed seed) is built once
and kept in bench/out/. A real `contractvault serve` answers an officer's requests one at a time over
HTTP on 127.0.0.1 (sign-in, session, CSRF, templates, security headers included); the
baseline is the same library function the CLI calls, in-process: `search` for /search
and `show` for /contracts/C-n (the page shows more: deadlines, deficiencies, follow-ups,
authority checks). Prints p50 and p95 of each and the ratio of the p95s.

    .venv/bin/python bench/bench_web.py              # 10,000 documents, 200 requests each
    .venv/bin/python bench/bench_web.py --docs 2000 --requests 100
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlmodel import Session  # noqa: E402

from contractvault.access.users import add_user  # noqa: E402
from contractvault.evidence.ingest import add_document_rows  # noqa: E402
from contractvault.records.contracts import ContractFields, create_contract, show  # noqa: E402
from contractvault.records.extract import extract_file  # noqa: E402
from contractvault.records.search import reindex, search  # noqa: E402
from contractvault.vault import ArtifactSpec, Subject, Vault  # noqa: E402

SEED = 14
DOCS_PER_CONTRACT = 20
PASSPHRASE = "bench web"
PASSWORD = "bench-lösenord-1234"
QUERIES = ["uppsägning", "personuppgifter tredje land", "underbiträde", "ansvar begränsat",
           "sekretess", "leverantören ska", "data processing", "subprocessor",
           "\"skriftligt godkännande\"", "avtalets giltighet", "incident", "revision",
           "ersättning", "force majeure", "överföring", "säkerhetsåtgärder"]


def vocabulary() -> tuple[list[str], list[int]]:
    words: Counter[str] = Counter()
    for path in sorted((ROOT / "bench" / "corpus").glob("*.txt")):
        words.update(w.lower() for w in re.findall(r"[A-Za-zÅÄÖåäöé][\wåäöÅÄÖ-]*",
                                                    path.read_text("utf-8")) if len(w) > 1)
    w, c = zip(*words.most_common(), strict=True)
    return list(w), list(c)


def build(root: Path, n_docs: int) -> None:
    """The bench vault: contracts with deadlines and sealed text documents, sealed one by
    one as `add` seals them, then indexed in one rebuild (a batch `add` of 10,000 files
    would index in 500 commits and take far longer to set up)."""
    rng = random.Random(SEED)
    words, counts = vocabulary()
    work = Path(tempfile.mkdtemp(prefix="bench-web-"))
    started = time.perf_counter()
    with Vault.create(root, lambda: PASSPHRASE) as vault:
        add_user(vault, "bench.officer", "officer", password=PASSWORD)
        for c in range(n_docs // DOCS_PER_CONTRACT):
            cid = create_contract(vault, f"Avtal {c + 1}", ContractFields(
                supplier=f"Leverantör {c % 37} AB", board=("KS", "BUN", "SN")[c % 3],
                category="verksamhetssystem", notice_months=3, renewal_months=12,
                start_date="2024-01-01", end_date=f"{2026 + c % 3}-12-31"))
            pk = int(cid.split("-")[1])
            for d in range(DOCS_PER_CONTRACT):
                lines = [f"Avtal {c + 1} del {d + 1}"]
                for k in range(1, 6):
                    body = " ".join(rng.choices(words, weights=counts, k=rng.randint(25, 80)))
                    lines.append(f"{k}. {body.capitalize()}.")
                path = work / f"c{c:04d}-d{d:02d}.txt"
                path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
                _seal(vault, pk, path, ("huvudavtal", "pub-avtal", "bilaga")[c % 3])
                path.unlink()
            if c % 50 == 49:
                print(f"  {(c + 1) * DOCS_PER_CONTRACT} documents sealed, "
                      f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
        reindex(vault)
    print(f"built {n_docs} documents in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def _seal(vault: Vault, contract_pk: int, path: Path, doc_type: str) -> None:
    doc = extract_file(path)

    def rows(s: Session) -> Subject:
        row = add_document_rows(s, vault, contract_id=contract_pk, doc=doc, doc_type=doc_type,
                                title=path.stem, source_name=path.name, origin="add")
        return Subject(contract_id=contract_pk, document_id=row.id)

    vault.seal(kind="add", artifacts=[ArtifactSpec(path.name, doc.media_type, doc.sha256, doc.size)],
               context={"how": "add", "who": vault.user, "doc_type": doc_type,
                        "source_name": path.name, "page_count": len(doc.pages),
                        "has_text": doc.has_text, "text_sha256": doc.text_sha256},
               build_rows=rows)


def percentiles(samples: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples) * 1000, q[94] * 1000


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=200)
    args = ap.parse_args()
    root = ROOT / "bench" / "out" / f"web-vault-{args.docs}"
    if not (root / "vault.json").is_file():
        build(root, args.docs)
    n_contracts = args.docs // DOCS_PER_CONTRACT
    rng = random.Random(SEED + 1)
    queries = [rng.choice(QUERIES) for _ in range(args.requests)]
    contracts = [f"C-{rng.randint(1, n_contracts)}" for _ in range(args.requests)]

    # Baseline: the library functions the CLI calls, in this process, index warm.
    lib_search, lib_show = [], []
    with Vault.open(root, lambda: PASSPHRASE) as vault:
        search(vault, "uppsägning")
        for q in queries:
            t = time.perf_counter()
            search(vault, q, limit=20)
            lib_search.append(time.perf_counter() - t)
        for c in contracts:
            t = time.perf_counter()
            show(vault, c).as_dict()
            lib_show.append(time.perf_counter() - t)

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTRACTVAULT_")}
    env.update({"CONTRACTVAULT_HOME": str(root), "CONTRACTVAULT_PASSPHRASE": PASSPHRASE})
    log = (root.parent / "bench-web-serve.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "contractvault", "serve", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        client = httpx.Client(base_url=base, timeout=60)
        r = client.post("/api/login", json={"name": "bench.officer", "password": PASSWORD})
        assert r.status_code == 200, r.text
        client.get("/search", params={"q": "uppsägning"})  # warm the server's index too
        web_search, web_contract = [], []
        for q in queries:
            t = time.perf_counter()
            r = client.get("/search", params={"q": q, "limit": 20})
            web_search.append(time.perf_counter() - t)
            assert r.status_code == 200
        for c in contracts:
            t = time.perf_counter()
            r = client.get(f"/contracts/{c}")
            web_contract.append(time.perf_counter() - t)
            assert r.status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()

    print(f"vault: {args.docs} sealed documents in {n_contracts} contracts; "
          f"{args.requests} requests each, one at a time; cores: {os.cpu_count()}")
    rows = [("library search (the CLI's, in-process)", lib_search),
            ("GET /search (page, over HTTP)", web_search),
            ("library show C-n (the CLI's, in-process)", lib_show),
            ("GET /contracts/C-n (page, over HTTP)", web_contract)]
    for name, samples in rows:
        p50, p95 = percentiles(samples)
        print(f"{name:<44} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
    print(f"ratio p95 /search to library search      : {percentiles(web_search)[1] / percentiles(lib_search)[1]:.2f}")
    print(f"ratio p95 /contracts/C-n to library show : {percentiles(web_contract)[1] / percentiles(lib_show)[1]:.2f}")


if __name__ == "__main__":
    main()
