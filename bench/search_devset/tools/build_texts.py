#!/usr/bin/env python3
"""Convert the transcribed raw sources (raw/*.md, raw/*.txt) into plain UTF-8
texts/NNN_short-name.txt and write sources.json from raw/manifest.tsv.

Conversion keeps the wording, clause numbering and headings; it only removes
markdown syntax (emphasis markers, heading hashes, setext underlines, link
targets, backslash escapes, horizontal rules) and normalises bullets.
"""
import json, os, re, sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RAW = os.path.join(HERE, "raw")
OUT = os.path.join(HERE, "texts")
CAP = 300_000

def md_to_text(s: str) -> str:
    s = s.replace("\r\n", "\n")
    # YAML front matter
    s = re.sub(r"\A---\n.*?\n---\n", "", s, flags=re.S)
    s = re.sub(r"<!--.*?-->", "", s, flags=re.S)
    out = []
    for line in s.split("\n"):
        st = line.strip()
        # setext underline / horizontal rules
        if re.fullmatch(r"=+", st) or re.fullmatch(r"-{3,}", st) or re.fullmatch(r"(- ){2,}-", st) or re.fullmatch(r"\*{3,}", st):
            continue
        # ATX headings
        line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
        # blockquote
        line = re.sub(r"^\s*>\s?", "", line)
        # images, links
        line = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", line)
        line = re.sub(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)", r"\1", line)
        # bullets "*   x" -> "- x"
        line = re.sub(r"^(\s*)[*+]\s+", r"\1- ", line)
        line = re.sub(r"^(\s*)-\s{2,}", r"\1- ", line)
        line = re.sub(r"^(\s*)(\d+\.)\s{2,}", r"\1\2 ", line)
        # emphasis markers
        line = line.replace("**", "").replace("__", "")
        line = re.sub(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])", r"\1", line)
        line = re.sub(r"(?<![\w])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w])", r"\1", line)
        # backslash escapes
        line = re.sub(r"\\([\\.\[\]()*_#+\-!`{}|>])", r"\1", line)
        out.append(line.rstrip())
    t = "\n".join(out)
    t = re.sub(r"\n{3,}", "\n\n", t).strip() + "\n"
    return t

def txt_clean(s: str) -> str:
    s = s.replace("\r\n", "\n")
    s = "\n".join(l.rstrip() for l in s.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", s).strip() + "\n"

def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".txt"):
            os.remove(os.path.join(OUT, f))
    rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(RAW, "manifest.tsv"), encoding="utf-8") if l.strip()]
    sources = []
    for i, r in enumerate(rows, 1):
        raw, title, lang, kind, supplier, repo, path, commit = (r + [""] * 8)[:8]
        src = open(os.path.join(RAW, raw), encoding="utf-8").read()
        text = md_to_text(src) if raw.endswith(".md") else txt_clean(src)
        if len(text.encode("utf-8")) > CAP:
            text = text.encode("utf-8")[:CAP].decode("utf-8", "ignore")
        short = re.sub(r"[^a-z0-9]+", "-", os.path.splitext(raw)[0].lower()).strip("-")
        name = f"{i:03d}_{short}.txt"
        open(os.path.join(OUT, name), "w", encoding="utf-8").write(text)
        if repo.startswith("INDEX-ID:"):
            source = {"repo": None, "path": None, "index_id": repo.split(":", 1)[1],
                      "note": "read via the search tool's file id; the index did not report repository/path" + (f" ({path.strip('()')})" if path else "")}
        else:
            source = {"repo": repo, "path": path, "commit": commit or None}
        sources.append({"file": name, "title": title, "language": lang, "kind": kind,
                        "supplier": supplier, "source": source, "retrieved": "2026-12-01",
                        "partial": bool(re.search(r"omitted|remainder|utelämnat|Sections? \d|§|up to ", title)),
                        "bytes": len(text.encode("utf-8"))})
    json.dump(sources, open(os.path.join(HERE, "sources.json"), "w", encoding="utf-8"), ensure_ascii=False, indent=1)
    print(len(sources), "texts;", sum(s["bytes"] for s in sources), "bytes")

if __name__ == "__main__":
    main()
