#!/usr/bin/env python3
"""Coordinate-descent search of tepai's ranking constants on the DEV query files only.

Usage: bench/tune.py DB [--rounds N]. Prints the best setting found and its dev figures; the held-out files
are never read here (check them afterwards with `make eval`)."""
import itertools, re, subprocess, sys

DEV = ["seeds/queries/a-dev.json", "seeds/queries/b-dev.json", "seeds/queries/c-dev.json", "seeds/queries/d-dev.json", "seeds/queries/e-dev.json"]
GRID = {
    "hintWeight": [0.3, 0.5, 0.7, 1.0],
    "alternativeWeight": [0.6, 0.8, 1.0],
    "unigramWeight": [0.1, 0.2, 0.3, 0.5],
    "headBonus": [0.0, 0.3, 0.6, 1.0],
    "phraseBonus": [0.0, 0.3, 0.5, 1.0, 1.5],
    "intentBonus": [0.0, 0.3, 0.6, 1.0],
    "kindBoost": [1.0, 1.2, 1.4, 1.8],
    "regionMatchBoost": [1.0, 1.3, 1.6, 2.0],
    "otherCountyPenalty": [0.2, 0.4, 0.7],
    "unaskedEventPenalty": [0.5, 0.75, 1.0],
    "nonEventPenalty": [0.3, 0.5, 0.8],
    "pastEventPenalty": [0.4, 0.6, 0.8, 1.0],
    "upcomingBoost": [1.0, 1.25, 1.5],
}

def run(db, setting):
    args = [".build/release/tepai", "eval", "--db", db, "--now", "2026-11-23"] + (["--min-coverage", "0"] if "--no-decline" in sys.argv else [])
    for q in DEV: args += ["--queries", q]
    for k, v in setting.items(): args += ["--tune", f"{k}={v}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    m = re.search(r"^answerable\s+\d+\s+([\d.]+)\s+([\d.]+)%\s+([\d.]+)%", out, re.M)
    mrr, r1, s1 = float(m.group(1)), float(m.group(2)), float(m.group(3))
    return r1 + 10 * mrr + 0.5 * s1, (mrr, r1, s1)

def main():
    db = sys.argv[1]
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 2
    setting = {}
    best, figures = run(db, setting)
    print("start", figures)
    for _ in range(rounds):
        for name, values in GRID.items():
            for v in values:
                trial = dict(setting, **{name: v})
                score, f = run(db, trial)
                if score > best + 1e-9:
                    best, figures, setting = score, f, trial
                    print(f"{name}={v}  MRR@5 {f[0]:.3f}  R@1 {f[1]:.1f}%  S@1 {f[2]:.1f}%", flush=True)
    print("best", setting, figures)

if __name__ == "__main__":
    main()
