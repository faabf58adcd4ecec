#!/usr/bin/env python3
import sys, os, glob
d = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "texts")
f = glob.glob(os.path.join(d, sys.argv[1] + "*"))[0]
a, b = int(sys.argv[2]), int(sys.argv[3])
for i, l in enumerate(open(f, encoding="utf-8"), 1):
    if a <= i <= b:
        print(f"{i}: {l.rstrip()}")
