#!/usr/bin/env python3
"""Validate the ContractVault clause-search development set.

Checks
  * every file listed in sources.json exists in texts/ (and every texts/*.txt is listed),
    metadata fields are present and valid;
  * queries.jsonl: unique ids, valid lang/class, at least one relevant clause,
    every quote is an exact substring of its text file after whitespace
    normalisation (and 40-200 characters long);
  * "cross" queries have all their relevant clauses in the other language;
  * split.json follows the rule  test <=> int(sha256(id).hexdigest(), 16) % 2 == 1
    and covers every query exactly once;
  * minimum sizes from the issue (>=60 texts, >=15 Swedish texts, >=150 queries,
    >=50 Swedish queries, >=20 cross queries);
and prints counts.  Exit status 1 on any error.

Usage:  python3 check.py [--quiet]
"""
import hashlib
import json
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
TEXTS = os.path.join(HERE, "texts")
LANGS = {"sv", "en"}
CLASSES = {"keyword", "question", "phrase", "identifier", "cross"}
KINDS = {"terms", "dpa", "scc", "law", "template", "commercial", "subprocessors", "other"}

errors = []


def err(msg):
    errors.append(msg)


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def main():
    quiet = "--quiet" in sys.argv

    # ---- sources ------------------------------------------------------------
    sources = json.load(open(os.path.join(HERE, "sources.json"), encoding="utf-8"))
    lang_of, texts = {}, {}
    for s in sources:
        for k in ("file", "title", "language", "kind", "supplier", "source", "retrieved"):
            if k not in s:
                err(f"sources.json: {s.get('file')} lacks field {k}")
        f = s.get("file", "")
        p = os.path.join(TEXTS, f)
        if not re.fullmatch(r"\d{3}_[a-z0-9-]+\.txt", f):
            err(f"sources.json: bad file name {f}")
        if not os.path.isfile(p):
            err(f"sources.json: missing file texts/{f}")
            continue
        if s.get("language") not in LANGS:
            err(f"sources.json: {f} bad language {s.get('language')}")
        if s.get("kind") not in KINDS:
            err(f"sources.json: {f} bad kind {s.get('kind')}")
        src = s.get("source") or {}
        if not (src.get("repo") or src.get("url") or src.get("index_id")):
            err(f"sources.json: {f} has no repo/url/index_id")
        raw = open(p, encoding="utf-8").read()
        if len(raw.encode("utf-8")) > 310_000:
            err(f"texts/{f} larger than ~300 KB")
        lang_of[f] = s.get("language")
        texts[f] = norm(raw)
    listed = set(lang_of)
    on_disk = {f for f in os.listdir(TEXTS) if f.endswith(".txt")}
    for f in sorted(on_disk - listed):
        err(f"texts/{f} not listed in sources.json")
    if len(listed) != len(sources):
        err("sources.json: duplicate or missing entries")

    # ---- queries ------------------------------------------------------------
    queries = []
    with open(os.path.join(HERE, "queries.jsonl"), encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    queries.append(json.loads(line))
                except json.JSONDecodeError as e:
                    err(f"queries.jsonl line {n}: {e}")
    ids = [q.get("id") for q in queries]
    for i, c in Counter(ids).items():
        if c > 1:
            err(f"duplicate query id {i}")
    for q in queries:
        qid = q.get("id")
        if not q.get("q"):
            err(f"{qid}: empty query")
        if q.get("lang") not in LANGS:
            err(f"{qid}: bad lang")
        if q.get("class") not in CLASSES:
            err(f"{qid}: bad class {q.get('class')}")
        rel = q.get("relevant") or []
        if not rel:
            err(f"{qid}: no relevant clauses")
        ans_langs = set()
        for r in rel:
            f, quote = r.get("file"), r.get("quote", "")
            if f not in texts:
                err(f"{qid}: unknown file {f}")
                continue
            nq = norm(quote)
            if nq not in texts[f]:
                err(f"{qid}: quote not found in {f}: {quote[:70]!r}")
            if not 40 <= len(nq) <= 200:
                err(f"{qid}: quote length {len(nq)} outside 40-200 in {f}")
            ans_langs.add(lang_of[f])
        if q.get("class") == "cross":
            other = {"sv": "en", "en": "sv"}.get(q.get("lang"))
            if ans_langs != {other}:
                err(f"{qid}: cross query must have all answers in {other}, has {sorted(ans_langs)}")

    # ---- split --------------------------------------------------------------
    split = json.load(open(os.path.join(HERE, "split.json"), encoding="utf-8"))
    tune, test = split.get("tune", []), split.get("test", [])
    if sorted(tune + test) != sorted(ids) or len(set(tune) & set(test)):
        err("split.json does not cover every query exactly once")
    for i in tune + test:
        want = "test" if int(hashlib.sha256(i.encode()).hexdigest(), 16) % 2 == 1 else "tune"
        got = "test" if i in test else "tune"
        if want != got:
            err(f"split.json: {i} is in {got}, rule says {want}")

    # ---- counts -------------------------------------------------------------
    qlang = Counter(q.get("lang") for q in queries)
    qclass = Counter(q.get("class") for q in queries)
    tlang = Counter(lang_of.values())
    if len(sources) < 60: err(f"only {len(sources)} texts (< 60)")
    if tlang["sv"] < 15: err(f"only {tlang['sv']} Swedish texts (< 15)")
    if len(queries) < 150: err(f"only {len(queries)} queries (< 150)")
    if qlang["sv"] < 50: err(f"only {qlang['sv']} Swedish queries (< 50)")
    if qclass["cross"] < 20: err(f"only {qclass['cross']} cross queries (< 20)")

    byid = {q["id"]: q for q in queries if "id" in q}
    total_bytes = sum(os.path.getsize(os.path.join(TEXTS, f)) for f in on_disk)
    if not quiet:
        print(f"texts: {len(sources)} ({dict(tlang)}), {total_bytes} bytes")
        print(f"  kinds: {dict(Counter(s.get('kind') for s in sources))}")
        print(f"queries: {len(queries)}  by lang {dict(qlang)}  by class {dict(qclass)}")
        print(f"  by lang x class: {dict(Counter((q.get('lang'), q.get('class')) for q in queries))}")
        nrel = [len(q.get('relevant') or []) for q in queries]
        if nrel:
            print(f"  relevant clauses per query: min {min(nrel)}, max {max(nrel)}, mean {sum(nrel)/len(nrel):.2f}, total {sum(nrel)}")
        for name, part in (("tune", tune), ("test", test)):
            c = Counter(byid[i]["lang"] for i in part if i in byid)
            print(f"split {name}: {len(part)} queries, {dict(c)}")
            if c["sv"] < 25:
                print(f"  note: {name} half has fewer than 25 Swedish queries ({c['sv']}); not re-split by design")
    if errors:
        print(f"\n{len(errors)} ERROR(S):")
        for e in errors:
            print("  -", e)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
