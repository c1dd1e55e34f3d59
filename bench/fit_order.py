#!/usr/bin/env python3
"""Could a learned answer order beat the hand-set one? Fits a pairwise logistic regression over features of the
candidates the bot answers with (its own scores, coverage, entry kind, definition titles for questions that ask no
intent, county rules, overlap of question and title) on every DEV set, then reports Recall@1 of the learned order
against tepai's own order on the dev sets (in sample and leaving each set out) and on the held-out sets. Only the
order among the candidates of answered questions changes; declining is untouched. Measured on 2026-11-24 and left
out of the engine: see BENCHMARKS.md.

Usage: bench/fit_order.py [L2]   (after `make eval`, which builds the blind sets' own stores)"""
import json, math, os, subprocess, sys, numpy as np

TEPAI = ".build/release/tepai"
BASE = ["eval", "--config", "config/tepai.yaml", "--now", "2026-11-23", "--candidates"]
SEED = {"dev": ["a", "b", "c", "d", "e"], "heldout": ["a", "b", "d", "e"]}
OWN_STORE = {"f", "g", "j", "l", "m", "n"}
SETS = ["seed", "h", "i", "k", "f", "g", "j", "l", "m", "n"]
OUT = "/tmp/tepai-fit-order"

def trace(name, part):
    path = f"{OUT}/{name}-{part}.jsonl"
    if name == "seed":
        files = [f"seeds/queries/{x}-{part}.json" for x in SEED[part]]
    else:
        files = [f"seeds/blind-{name}/{part}.json"]
    args = [TEPAI] + BASE + ["--trace", path] + (["--db", f"data/blind-{name}.sqlite"] if name in OWN_STORE else [])
    for f in files: args += ["--queries", f]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return path

def load(name, part):
    rows=[]
    for l in open(trace(name, part)):
        r=json.loads(l)
        if r['type']=='none' or r['declined']=='true': continue
        r['hits']=json.loads(r['hits']); rows.append(r)
    return rows
DEF=['什么是','是什么','是指','是怎么回事','是做什么','干什么']
def lcs(a,b):
    best=0
    for i in range(len(a)):
        for j in range(len(b)):
            k=0
            while i+k<len(a) and j+k<len(b) and a[i+k]==b[j+k]: k+=1
            best=max(best,k)
    return best
def han(s): return [c for c in s if '\u4e00'<=c<='\u9fff']
FUNC=set('的了吗呢啊呀吧么是有在和与及或还都就也又不没得给拿搞弄走找去交想要能可以')
def feats(r,h,top):
    """Features of candidate h for question r; `top` is the candidate tepai answers with."""
    q=han(r['normalized']); qs=set(q)-FUNC
    t=han(h['title']); head=t+han(h['aliases'])+han(h['tags'])
    ts=set(t)-FUNC
    intents=set(x for x in r['intents'].split('|') if x)
    noint=1.0 if not intents else 0.0
    kind=h['kind']; ev=1.0 if kind in('training','matching') else 0.0
    deft=1.0 if any(d in h['title'] for d in DEF) else 0.0
    county=1.0 if (h['region'] not in ('市级','') and not r['region']) else 0.0
    f=[
      math.log(max(float(h['answer']),1e-6)/max(float(top['answer']),1e-6)),
      math.log(max(float(h['score']),1e-6)/max(float(top['score']),1e-6)),
      float(h['cov']), float(h['head']),
      1.0 if kind=='faq' else 0.0, 1.0 if kind=='policy' else 0.0, 1.0 if kind=='notice' else 0.0, ev,
      deft*noint, (1.0 if kind=='notice' else 0.0)*noint, (1.0 if kind=='policy' else 0.0)*noint,
      (1.0 if kind=='notice' else 0.0)*(1.0 if 'time' in intents else 0.0),
      county, 1.0 if h['ended']=='true' else 0.0,
      math.log(len(t)+1),
      len(ts & qs)/max(len(ts),1), len(ts & qs)/max(len(qs),1),
      lcs(q,t)/max(len(q),1), lcs(q,head)/max(len(q),1),
      deft,
    ]
    return f
NAMES=['la','ls','cov','head','faq','policy','notice','event','def*noint','notice*noint','policy*noint','notice*time','county','ended','tlen','tprec','qrec','lcsT','lcsH','def']
def build(rows):
    Q=[]
    for r in rows:
        hs=r['hits']
        if not hs: continue
        X=np.array([feats(r,h,hs[0]) for h in hs]); y=np.array([h['ok']=='true' for h in hs])
        Q.append((X,y,r))
    return Q
def pairs(Q):
    D=[]
    for X,y,_ in Q:
        if y.any() and (~y).any():
            for i in np.where(y)[0]:
                for j in np.where(~y)[0]:
                    D.append(X[i]-X[j])
    D=np.array(D); return D
def train(Q,l2=1.0,iters=3000,lr=0.1):
    D=pairs(Q); mu=np.abs(D).mean(0)+1e-9
    Z=D/mu
    X=np.vstack([Z,-Z]); y=np.concatenate([np.ones(len(Z)),np.zeros(len(Z))])
    w=np.zeros(X.shape[1])
    for _ in range(iters):
        p=1/(1+np.exp(-X@w)); g=X.T@(p-y)/len(y)+l2*w/len(y)
        w-=lr*g
    return w/mu
def r1(Q,w=None):
    ok=0;n=0
    for X,y,r in Q:
        n+=1
        if w is None: k=0
        else: k=int(np.argmax(X@w))
        ok+=bool(y[k])
    return ok,n
if __name__=='__main__':
    os.makedirs(OUT, exist_ok=True)
    data={s:{p:build(load(s, p)) for p in ('dev','heldout')} for s in SETS}
    l2=float(sys.argv[1]) if len(sys.argv)>1 else 1.0
    trainQ=[q for s in SETS for q in data[s]['dev']]
    w=train(trainQ,l2)
    for n,v in zip(NAMES,w): print(f'{n:14s} {v:+.3f}')
    tot=[0,0,0,0]
    for s in SETS:
        b=r1(data[s]['dev']); a=r1(data[s]['dev'],w); bh=r1(data[s]['heldout']); ah=r1(data[s]['heldout'],w)
        # leave-one-set-out
        wl=train([q for t in SETS if t!=s for q in data[t]['dev']],l2); al=r1(data[s]['dev'],wl); alh=r1(data[s]['heldout'],wl)
        print(f'{s:5s} dev {b[0]}->{a[0]} (loso {al[0]})/{b[1]}  held {bh[0]}->{ah[0]} (loso {alh[0]})/{bh[1]}')
        tot[0]+=a[0]-b[0]; tot[1]+=ah[0]-bh[0]; tot[2]+=al[0]-b[0]; tot[3]+=alh[0]-bh[0]
    print('delta dev',tot[0],'held',tot[1],'loso dev',tot[2],'loso held',tot[3])
