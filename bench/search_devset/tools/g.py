#!/usr/bin/env python3
import re, sys, os
pat = re.compile(sys.argv[1], re.I)
w = int(sys.argv[2]) if len(sys.argv) > 2 else 260
d = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "texts")
for f in sorted(os.listdir(d)):
    for i, l in enumerate(open(os.path.join(d, f), encoding="utf-8"), 1):
        m = pat.search(l)
        if m:
            s = max(0, m.start() - w // 2)
            print(f"{f[:30]}:{i}: {l[s:s+w].strip()}")
