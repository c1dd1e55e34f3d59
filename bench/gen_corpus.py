#!/usr/bin/env python3
"""Generate a synthetic knowledge base for latency benchmarks.

Usage: gen_corpus.py N OUT.jsonl [--seed S]

Writes N entries, one JSON object per line, in the same schema as
seeds/entries/*.json (id, kind, title, body, tags, region, date, url,
aliases; training/matching entries also get starts_at and venue).

Text is recombined from the seed knowledge base so that character n-gram
statistics resemble the real content: seed bodies are split into sentences
and re-assembled (mostly within the same topic), seed titles and aliases are
reused as templates whose topic word, place names and numbers are swapped.
Output depends only on N and the seed. Prints nothing except errors.
"""
import argparse
import json
import re
import sys
from pathlib import Path
from random import Random

SEEDS = Path(__file__).resolve().parent.parent / "seeds" / "entries"
COUNTIES = ["路南区", "路北区", "古冶区", "开平区", "丰南区", "丰润区", "曹妃甸区", "滦州市",
            "滦南县", "乐亭县", "迁西县", "玉田县", "遵化市", "迁安市"]
KINDS = ["faq", "policy", "training", "matching", "notice"]
KIND_WEIGHTS = [40, 25, 13, 10, 12]
TIMES = ["08:30", "09:00", "09:30", "10:00", "14:00", "14:30", "15:00"]
FOLLOW_UPS = ["需要多长时间？", "在哪里办理？", "有什么条件？", "怎么申请？", "需要哪些材料？", "什么时候截止？"]
SUFFIXES = ["实施细则", "申报指南", "管理办法", "政策解读", "工作方案"]
COLLOQUIAL = [("怎么", "咋"), ("什么", "啥"), ("是否", "能不能"), ("如何", "怎么")]

# Slots inside templates: a number, a place name, a "20xx年(x月)" date, a topic word.
_places = sorted(COUNTIES + [c[:-1] for c in COUNTIES], key=len, reverse=True)
SLOT_RE = re.compile(r"(20\d\d年(?:\d{1,2}月)?|\d+|" + "|".join(_places) + ")")
DATES = [f"{y}-{m:02d}-{d:02d}" for y in range(2023, 2028) for m in range(1, 13)
         for d in range(1, 29)]


def compile_template(text, topics=()):
    """Split text into literals and slots: ('N', digits) ('R',) ('D', month?) ('T',)."""
    parts = []
    for i, piece in enumerate(SLOT_RE.split(text)):
        if i % 2 == 0:
            topic = next((t for t in topics if t in piece), None)
            if topic:
                a, b = piece.split(topic, 1)
                parts += [a, ("T",), b]
            elif piece:
                parts.append(piece)
        elif piece[0] == "2" and "年" in piece:
            parts.append(("D", piece.endswith("月")))
        elif piece.isdigit():
            parts.append(("N", piece))
        else:
            parts.append(("R",))
    return parts


def load_seeds():
    entries = []
    for name in ("a.json", "b.json"):
        entries += json.loads((SEEDS / name).read_text(encoding="utf-8"))
    return entries


class Generator:
    def __init__(self, seed):
        self.rng = Random(seed)
        entries = load_seeds()
        tag_count = {}
        for e in entries:
            for t in e["tags"]:
                tag_count[t] = tag_count.get(t, 0) + 1
        # Subject words (slots in titles): every seed's first tag plus tags used twice;
        # any digit-free tag may be substituted in.
        subjects = {e["tags"][0]: None for e in entries}
        subjects.update({t: None for t, c in tag_count.items() if c >= 2 and len(t) >= 2})
        by_len = sorted(subjects, key=len, reverse=True)
        self.topics = [t for t in tag_count if 2 <= len(t) <= 8 and not re.search(r"\d", t)]

        self.anchors = {k: [] for k in KINDS}      # kind -> seed-derived templates
        self.group_sents = {}                      # first tag -> sentence templates
        self.kind_sents = {k: [] for k in KINDS}
        self.group_tags = {}
        self.venues = []
        for e in entries:
            group = e["tags"][0]
            sents = [compile_template(s.rstrip("；") + ("。" if s.endswith("；") else ""))
                     for s in re.split(r"(?<=[。；！？])", e["body"]) if len(s) > 3]
            self.group_sents.setdefault(group, []).extend(sents)
            self.kind_sents[e["kind"]].extend(sents)
            self.group_tags.setdefault(group, {}).update({t: None for t in e["tags"]})
            self.anchors[e["kind"]].append({
                "group": group,
                "kind": e["kind"],
                "title": compile_template(e["title"], by_len + e["tags"]),
                "aliases": [compile_template(a, by_len + e["tags"]) for a in e["aliases"]],
                "sents": sents,
            })
            if e.get("venue"):
                self.venues.append(compile_template(e["venue"]))
        self.group_tags = {g: list(t) for g, t in self.group_tags.items()}
        self.groups = list(self.group_sents)

    def render(self, parts, ctx, place):
        """Fill a template; ctx = (place-in-title, place-in-body, topic, year, month)."""
        rng, out = self.rng, []
        for p in parts:
            if p.__class__ is str:
                out.append(p)
            elif p[0] == "N":
                v = int(p[1])
                if v <= 31 or p[1][0] == "0" or rng.random() < 0.3:
                    out.append(p[1])
                elif len(p[1]) >= 5:
                    out.append(str(rng.randrange(10 ** (len(p[1]) - 1), 10 ** len(p[1]))))
                else:
                    out.append(str(rng.randint(v // 2, v * 3 // 2)))
            elif p[0] == "R":
                out.append(ctx[place])
            elif p[0] == "D":
                out.append(f"{ctx[3]}年{ctx[4]}月" if p[1] else f"{ctx[3]}年")
            else:
                out.append(ctx[2])
        return "".join(out)

    def body(self, anchor, ctx, group):
        rng = self.rng
        target = rng.randint(80, 300)
        pools = (self.group_sents[group], self.kind_sents[anchor["kind"]])
        first = rng.choice(anchor["sents"])
        text, used = self.render(first, ctx, 1), [first]
        while len(text) < target:
            tpl = rng.choice(pools[rng.random() < 0.35])
            if any(tpl is u for u in used):
                continue
            used.append(tpl)
            s = self.render(tpl, ctx, 1)
            if len(text) + len(s) > 300:
                if len(text) >= 80:
                    break
                s = s[:300 - len(text) - 1] + "。"
            text += s
        return text

    def entry(self, i):
        rng = self.rng
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        anchor = rng.choice(self.anchors[kind])
        group = anchor["group"] if rng.random() < 0.8 else rng.choice(self.groups)
        topic = group if rng.random() < 0.4 else rng.choice(self.topics)
        event = kind in ("training", "matching")
        r = rng.random()
        region = (rng.choice(COUNTIES) if r < 0.3 or (event and r < 0.5)
                  else "市级" if r < 0.75 or event else "")
        date = None if kind == "faq" and rng.random() < 0.5 else rng.choice(DATES)
        year, month = (date[:4], int(date[5:7])) if date else (str(rng.randint(2023, 2027)), rng.randint(1, 12))
        place_t = region if region in COUNTIES else ("市" if region else "")
        ctx = (place_t, region if region in COUNTIES else "本市", topic, year, month)

        title = self.render(anchor["title"], ctx, 0)
        if region in COUNTIES and region not in title:
            if title.startswith("市"):
                title = region + title[1:]
            elif rng.random() < 0.6:
                title = region + title
        r = rng.random()
        if len(title) < 10 or (r < 0.3 and title.endswith("？") and len(title) <= 23):
            title += rng.choice(FOLLOW_UPS if kind == "faq" else SUFFIXES)
        elif r < 0.4 and kind == "policy" and len(title) <= 22:
            title += f"（{year}年修订）"
        if len(title) > 30:
            title = title[:29] + ("？" if kind == "faq" else "")
        aliases = []
        for a in anchor["aliases"][:rng.randint(0, 2)]:
            aliases.append(self.render(a, ctx, 0))
        if rng.random() < 0.3:
            alias = title.rstrip("？")
            for a, b in COLLOQUIAL:
                alias = alias.replace(a, b)
            if len(alias) <= 18:
                aliases.append(alias)
        tags = self.group_tags[group]
        tags = [tags[0]] + rng.sample(tags[1:], min(len(tags) - 1, rng.randint(1, 3)))
        if region in COUNTIES and rng.random() < 0.5:
            tags.append(region[:-1])

        e = {"id": f"gen-{i:06d}", "kind": kind, "title": title,
             "body": self.body(anchor, ctx, group), "tags": tags, "region": region,
             "date": date, "url": None, "aliases": aliases}
        if event:
            e["starts_at"] = f"{date}T{rng.choice(TIMES)}"
            e["venue"] = self.render(rng.choice(self.venues), ctx, 0)
        return e


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    gen = Generator(args.seed)
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    with open(args.out, "w", encoding="utf-8") as f:
        batch = []
        for i in range(1, args.n + 1):
            batch.append(dumps(gen.entry(i)))
            if len(batch) == 10000:
                f.write("\n".join(batch) + "\n")
                batch = []
        if batch:
            f.write("\n".join(batch) + "\n")


if __name__ == "__main__":
    try:
        main()
    except (OSError, ValueError) as exc:
        sys.exit(f"gen_corpus: {exc}")
