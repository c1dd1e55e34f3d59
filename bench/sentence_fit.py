#!/usr/bin/env python3
"""Measures what the sentence similarity that `bench/sentence_probe.py` dumped could add to the engine.

Every rule is fixed on the dev dump and, when a held-out dump is given, applied unchanged to it. Figures are
R@1 / false-decline / none-decline (right first answers of answerable questions, answerable questions declined, none
questions declined); the engine's own outcome is the first line.

    python3 bench/sentence_fit.py /tmp/e5-dev.jsonl [/tmp/e5-heldout.jsonl]
"""
import json, math, sys
from collections import defaultdict
import numpy as np


def load(path):
    return [json.loads(line) for line in open(path)]


def ranked(r):
    return sorted(r["hits"], key=lambda h: -h["answer"])


def z(r):
    """How far the store's most similar entry stands out from the store as a whole."""
    return (r["store_top"][0][1] - r["store_mean"]) / max(r["store_std"], 1e-6)


def agree(r):
    hits = ranked(r)
    return bool(hits) and hits[0]["id"] == r["store_top"][0][0]


def tally(rows, choose):
    """choose(r) returns the entry id answered, or None for a decline."""
    s = [0, 0, 0, 0, 0]
    for r in rows:
        pick = choose(r)
        if r["type"] == "none":
            s[3] += 1
            s[4] += pick is None
        else:
            s[0] += 1
            s[1] += pick is not None and pick in r["relevant"]
            s[2] += pick is None
    return f"{100 * s[1] / s[0]:5.1f} / {100 * s[2] / s[0]:4.1f} / {100 * s[4] / s[3]:5.1f}  ({s[1]}/{s[0]} right, {s[4]}/{s[3]} none declined)"


def engine(r):
    hits = ranked(r)
    return None if r["declined"] or not hits else hits[0]["id"]


def fused(w, k=3):
    """Reciprocal-rank fusion of the engine's order and the similarity order; the engine decides whether to answer."""
    def choose(r):
        if r["declined"] or not r["hits"]:
            return None
        rank_e = {h["id"]: i for i, h in enumerate(ranked(r))}
        rank_s = {id: i for i, (id, _) in enumerate(r["store_top"])}
        def f(i):
            return (1 / (k + rank_e[i]) if i in rank_e else 0) + w * (1 / (k + rank_s[i]) if i in rank_s else 0)
        return max(set(rank_e) | set(rank_s), key=f)
    return choose


def rescue(threshold):
    """Answers a declined question when both orders agree and the entry stands out by at least `threshold`."""
    return lambda r: engine(r) if not r["declined"] else (ranked(r)[0]["id"] if agree(r) and z(r) >= threshold else None)


def decline(threshold):
    """Declines an answered question when the orders disagree and no entry stands out by `threshold`."""
    return lambda r: None if engine(r) is None or (not agree(r) and z(r) < threshold) else engine(r)


def switch_features(r):
    hits = ranked(r)
    top, second = hits[0], (hits[1]["answer"] if len(hits) > 1 else 1e-3)
    other = next((h for h in hits if h["id"] == r["store_top"][0][0]), None)
    z_engine = (top["cos"] - r["store_mean"]) / max(r["store_std"], 1e-6)
    return [math.log(max(top["answer"], 1e-3) / max(second, 1e-3)), top["cov"], z(r), z_engine, z(r) - z_engine,
            r["store_top"][0][1] - r["store_top"][1][1],
            0.0 if other is None else math.log(max(other["answer"], 1e-3) / max(top["answer"], 1e-3)),
            float(other is not None)]


def switch_cases(rows):
    """Answered questions where the orders disagree; the label is +1 when switching helps, -1 when it hurts."""
    X, y = [], []
    for r in rows:
        if engine(r) is None or agree(r):
            continue
        e5_right, engine_right = r["store_top"][0][0] in r["relevant"], engine(r) in r["relevant"]
        X.append(switch_features(r))
        y.append(float(e5_right and not engine_right) - float(engine_right and not e5_right))
    return np.array(X), np.array(y)


def fit_switch(rows):
    """A logistic model (plain gradient descent, L2) of when to answer with the similarity order's entry instead."""
    X, y = switch_cases(rows)
    mu, sd = X.mean(0), X.std(0) + 1e-9
    Xn = np.hstack([np.ones((len(X), 1)), (X - mu) / sd])
    t, weight = (y > 0).astype(float), np.where(y != 0, 1.0, 0.3)
    w = np.zeros(Xn.shape[1])
    for _ in range(3000):
        p = 1 / (1 + np.exp(-Xn @ w))
        w -= (Xn.T @ ((p - t) * weight) + w) / len(t)
    return lambda r: 1 / (1 + math.exp(-(w[0] + ((np.array(switch_features(r)) - mu) / sd) @ w[1:])))


def main():
    parts = [("dev", load(sys.argv[1]))] + ([("held-out", load(sys.argv[2]))] if len(sys.argv) > 2 else [])
    dev = parts[0][1]
    print("== the similarity alone as a retriever: R@1 of the store's most similar entry vs the engine's R@1")
    for name, rows in parts:
        per = defaultdict(lambda: [0, 0, 0])
        for r in rows:
            if r["type"] == "none":
                continue
            for key in (r["set"], r["type"], "all"):
                per[key][0] += 1
                per[key][1] += r["store_top"][0][0] in r["relevant"]
                per[key][2] += engine(r) in r["relevant"]
        print(f"{name}: " + "  ".join(f"{key} {100 * e / n:.1f}/{100 * g / n:.1f}" for key, (n, e, g) in sorted(per.items())))
    model = fit_switch(dev)
    rules = [("engine", engine)] + [(f"fusion w={w}", fused(w)) for w in (0.3, 0.5, 0.7, 1.0)] + \
            [(f"rescue z>={t}", rescue(t)) for t in (3.5, 4, 4.5)] + [(f"decline z<{t}", decline(t)) for t in (2, 2.5, 3)] + \
            [(f"switch p>={t}", (lambda t: lambda r: engine(r) if engine(r) is None or agree(r) or model(r) < t
                                 else r["store_top"][0][0])(t)) for t in (0.5, 0.6, 0.7)]
    for name, rows in parts:
        print(f"== rules on the {name} dump (switch model fitted on dev)")
        for label, choose in rules:
            print(f"{label:16s} {tally(rows, choose)}")


if __name__ == "__main__":
    main()
