#!/usr/bin/env python3
"""Derive benchmark queries from a corpus written by gen_corpus.py.

Usage: gen_queries.py CORPUS.jsonl N OUT.txt [--seed S]

Writes N queries, one per line, 4-16 characters each. Most are a random
entry's title or alias made colloquial: punctuation, "关于…的通知" framing and
"2026年9月" dates stripped, shortened to a window, a character or two dropped,
and a question tail such as 怎么/吗/啥/有什么要求 added. About 8% are off-topic
questions (营业执照怎么办 …) that the knowledge base should not answer.
Output depends only on the corpus, N and the seed.
"""
import argparse
import json
import re
import sys
from random import Random

OFF_TOPIC = ["营业执照怎么办", "社保补贴申请", "公积金怎么提取", "身份证丢了怎么补办",
             "个体户怎么报税", "驾驶证换证要啥材料", "农机购置补贴", "育儿补贴怎么申请",
             "食品经营许可证怎么办", "工程项目招投标", "残疾人证办理", "医保异地报销",
             "高校毕业生就业补贴", "进口设备免关税", "商标注册要多久", "房产证加名字"]
TAILS = ["怎么办", "怎么申请", "吗", "有啥要求", "有什么要求", "要啥材料", "啥时候截止",
         "在哪办", "多少钱", "咋弄", "流程", "条件"]
COLLOQUIAL = [("怎么", "咋"), ("什么", "啥"), ("是否", "能不能"), ("哪些", "啥")]
PLACE = re.compile(r"^(?:市级|市|[\u4e00-\u9fff]{2,3}[区县]|[\u4e00-\u9fff]{2}市)")
STRIP = re.compile(r"^关于(?:做好|开展|组织|发布)?|的通知$|20\d\d年(?:度|\d{1,2}月)?|（.*?）|[^\w]")


def make_query(rng, entry):
    texts = [entry["title"]] + entry["aliases"]
    q = STRIP.sub("", rng.choice(texts) if rng.random() < 0.4 else texts[0])
    if rng.random() < 0.5:                  # users often omit the place
        q = PLACE.sub("", q)
    for a, b in COLLOQUIAL:
        if a in q and rng.random() < 0.3:
            q = q.replace(a, b)
    asks = q.endswith(("吗", "么", "啥", "办", "哪", "少", "样"))
    tail = rng.choice(TAILS) if rng.random() < 0.5 and not asks else ""
    room = 16 - len(tail)
    if len(q) > room:                       # keep a window, usually the start
        start = 0 if rng.random() < 0.75 else rng.randint(0, len(q) - room)
        q = q[start:start + rng.randint(max(2, room - 8), room)]
    for _ in range(rng.choice((0, 0, 0, 1, 2))):  # drop a character or two
        if len(q) > 5:
            i = rng.randrange(len(q))
            q = q[:i] + q[i + 1:]
    q += tail
    while len(q) < 4:
        q += rng.choice(TAILS)
    return q[:16]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with open(args.corpus, encoding="utf-8") as f:
        entries = [json.loads(line) for line in f if line.strip()]
    if not entries:
        sys.exit("gen_queries: empty corpus")
    rng = Random(args.seed)
    out = []
    for _ in range(args.n):
        if rng.random() < 0.08:
            out.append(rng.choice(OFF_TOPIC))
        else:
            out.append(make_query(rng, rng.choice(entries)))
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    try:
        main()
    except (OSError, ValueError) as exc:
        sys.exit(f"gen_queries: {exc}")
