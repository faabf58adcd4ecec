#!/usr/bin/env python3
"""Build queries.jsonl and split.json from tools/queries_src.py; verify quotes."""
import glob, hashlib, json, os, re, sys
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(HERE, "tools"))
from queries_src import QUERIES
norm = lambda s: re.sub(r"\s+", " ", s).strip()
files = {os.path.basename(p)[:3]: os.path.basename(p) for p in glob.glob(os.path.join(HERE, "texts", "*.txt"))}
texts = {k: norm(open(os.path.join(HERE, "texts", v), encoding="utf-8").read()) for k, v in files.items()}
errs = 0; out = []
flang = {s["file"]: s["language"] for s in json.load(open(os.path.join(HERE, "sources.json"), encoding="utf-8"))}
for i, qd in enumerate(QUERIES, 1):
    qid = f"q{i:03d}"
    rel = []
    for pref, quote in qd["rel"]:
        nq = norm(quote)
        if pref not in files:
            print(qid, "no file", pref); errs += 1; continue
        if nq not in texts[pref]:
            print(qid, "NOT FOUND in", pref, ":", quote[:90]); errs += 1
        if texts[pref].count(nq) > 1:
            print(qid, "ambiguous (occurs", texts[pref].count(nq), "times) in", pref, ":", quote[:80])
        if not (40 <= len(nq) <= 200):
            print(qid, f"len {len(nq)}", pref, ":", quote[:90]); errs += 1
        rel.append({"file": files[pref], "quote": quote})
    seen = set()
    for r in rel:
        k = (r["file"], r["quote"])
        if k in seen: print(qid, "dup quote"); errs += 1
        seen.add(k)
    langs = sorted({flang[r["file"]] for r in rel})
    other = "en" if qd["lang"] == "sv" else "sv"
    if qd["class"] == "cross" and langs != [other]:
        print(qid, "cross query with same-language answers", langs); errs += 1
    if qd["class"] != "cross" and other in langs and "-v" in sys.argv:
        print(qid, "note: mixed-language answers", langs)
    out.append({"id": qid, "q": qd["q"], "lang": qd["lang"], "class": qd["class"], "relevant": rel, "answer_langs": langs})
if "--write" in sys.argv:
    with open(os.path.join(HERE, "queries.jsonl"), "w", encoding="utf-8") as f:
        for o in out: f.write(json.dumps(o, ensure_ascii=False) + "\n")
    tune, test = [], []
    for o in out:
        (test if int(hashlib.sha256(o["id"].encode()).hexdigest(), 16) % 2 == 1 else tune).append(o["id"])
    json.dump({"tune": tune, "test": test}, open(os.path.join(HERE, "split.json"), "w"), indent=1)
from collections import Counter
print(len(out), "queries;", errs, "errors;", Counter(o["lang"] for o in out), Counter(o["class"] for o in out))
