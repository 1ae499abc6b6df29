#!/usr/bin/env python3
"""Fill translations into a Qt .ts file from a "source<TAB>translation" list on stdin.

    python tools/fill_ts.py resources/translations/app_ru.ts < strings.tsv
Lines whose source is not in the file are reported; existing translations are replaced.
"""
import sys
import xml.etree.ElementTree as ET

path = sys.argv[1]
pairs = {}
for line in sys.stdin.read().splitlines():
    if "\t" in line:
        src, tr = line.split("\t", 1)
        pairs[src.replace("\\n", "\n")] = tr.replace("\\n", "\n")
tree = ET.parse(path)
used = set()
for msg in tree.getroot().iter("message"):
    src = msg.findtext("source")
    if src in pairs:
        t = msg.find("translation")
        t.text = pairs[src]
        t.attrib.pop("type", None)
        used.add(src)
for src in set(pairs) - used:
    print(f"not in {path}: {src!r}", file=sys.stderr)
ET.indent(tree)
with open(path, "wb") as fh:
    fh.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
    tree.write(fh, encoding="utf-8")
