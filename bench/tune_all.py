#!/usr/bin/env python3
"""Coordinate-descent search of tepai's ranking and decline constants over every DEV set at once: the seed
dev files and blind h, i and k (seed store), blind f, g, j and l (their own stores). The objective is the number of right
outcomes: answerable questions with a right first answer plus none questions declined, each of the latter counted
`NONE_WEIGHT` times (there are about a fifth as many, and an answer to an off-topic question costs more trust than a
decline). Held-out files are never read here; check them afterwards with `make eval`.

Usage: bench/tune_all.py [--rounds N]   (after `make eval`, which builds the blind sets' own stores)"""
import re, subprocess, sys

TEPAI = ".build/release/tepai"
NONE_WEIGHT = 3
BASE = ["eval", "--config", "config/tepai.yaml", "--now", "2026-11-23"]
SETS = [
    ([], ["seeds/queries/a-dev.json", "seeds/queries/b-dev.json", "seeds/queries/c-dev.json",
          "seeds/queries/d-dev.json", "seeds/queries/e-dev.json"]),
    ([], ["seeds/blind-h/dev.json"]),
    (["--db", "data/blind-f.sqlite"], ["seeds/blind-f/dev.json"]),
    (["--db", "data/blind-g.sqlite"], ["seeds/blind-g/dev.json"]),
    ([], ["seeds/blind-i/dev.json"]),
    ([], ["seeds/blind-k/dev.json"]),
    (["--db", "data/blind-j.sqlite"], ["seeds/blind-j/dev.json"]),
    (["--db", "data/blind-l.sqlite"], ["seeds/blind-l/dev.json"]),
]
GRID = {
    "minCoverage": [0.5, 0.53, 0.56, 0.6],
    "minCoverageWithPhrase": [0.2, 0.25, 0.3, 0.4],
    "headShare": [0.15, 0.25, 0.35],
    "loneCharCredit": [0.4, 0.5, 0.6],
    "coveringScoreRatio": [0.7, 0.8, 0.9],
    "wholeBonus": [0.5, 1.0, 1.5],
    "headBonus": [0.75, 1.0, 1.25, 1.5],
    "intentBonus": [0.75, 1.0, 1.25],
    "hintWeight": [0.7, 1.0, 1.3],
    "alternativeWeight": [0.8, 1.0],
    "unigramWeight": [0.3, 0.5, 0.7],
    "singleCharWeight": [0.2, 0.3, 0.45],
    "nonEventPenalty": [0.3, 0.5, 0.7],
    "phraseBonus": [0.5, 1.0, 1.5],
    "fullCoverScoreRatio": [0.5, 0.6, 0.7],
}


def run(setting):
    right, total, parts = 0, 0, []
    for db, files in SETS:
        args = [TEPAI] + BASE + db
        for f in files:
            args += ["--queries", f]
        for k, v in setting.items():
            args += ["--tune", f"{k}={v}"]
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
        a = re.search(r"^answerable\s+(\d+)\s+[\d.]+\s+([\d.]+)%", out, re.M)
        n = re.search(r"^none\s+(\d+).*?([\d.]+)%\s*$", out, re.M)
        na, r1, nn, nd = int(a.group(1)), float(a.group(2)), int(n.group(1)), float(n.group(2))
        right += round(na * r1 / 100) + NONE_WEIGHT * round(nn * nd / 100)
        total += na + NONE_WEIGHT * nn
        parts.append(f"{r1:.1f}/{nd:.1f}")
    return right, f"{right}/{total}  " + " | ".join(parts)


def main():
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 2
    setting = {}
    best, figures = run(setting)
    print("start", figures, flush=True)
    for _ in range(rounds):
        improved = False
        for name, values in GRID.items():
            for v in values:
                trial = dict(setting, **{name: v})
                score, f = run(trial)
                if score > best:
                    best, figures, setting, improved = score, f, trial, True
                    print(f"{name}={v}  {f}", flush=True)
        if not improved:
            break
    print("best", setting, figures)


if __name__ == "__main__":
    main()
