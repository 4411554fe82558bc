import sys, json, time, math, torch
torch.set_num_threads(1)
sys.path.insert(0, '/tmp/tune/snap')
from manifold_vae import embedding as E
from manifold_vae.manifolds import get
import argparse
p = argparse.ArgumentParser()
p.add_argument('manifold'); p.add_argument('--tag', default='')
p.add_argument('--cfg', default='{}')
p.add_argument('--patch', default='')  # optional patch mode
p.add_argument('--seeds', default='0,1,2,3,4')
a = p.parse_args()
M = get(a.manifold)
base = E.WAEConfig(hidden=64, depth=3, steps=3000, batch=128, lr=5e-3, lam=1.0, closure=1.0) if a.manifold=='circle' else E.WAEConfig(hidden=128, depth=3, steps=6000, batch=128, lr=5e-3, lam=1.0, closure=1.0)
from dataclasses import replace
cfg = replace(base, **json.loads(a.cfg))
seeds = [int(s) for s in a.seeds.split(',')]
t = time.time()
if a.patch:
    import patches; wae = patches.train(M, seeds, cfg, a.patch)
else: wae = E.train_wae(M, seeds, cfg, progress=False)
dt = time.time() - t
res = []
npass = 0
for i, s in enumerate(seeds):
    q = wae.quality(i); r = E.target_results(q); ok = all(r.values()); npass += ok
    row = dict(seed=s, md=q['max_distance'], gg=q['glue_gap'], en=q['energy'], thr=q['energy_threshold'], inj=q['injectivity'],
               ku=q.get('kuiper', math.nan), kc=q.get('kuiper_critical', math.nan), gaps=q['glue_gaps'], ok=ok, fails=[k for k, v in r.items() if not v])
    res.append(row)
    print(f"  seed {s}: md {row['md']:.4f} gg {row['gg']:.4f} en {row['en']:.5f}/{row['thr']:.5f} inj {row['inj']:.3f} gaps {[round(g,4) for g in row['gaps']]} ku {row['ku']:.4f}/{row['kc']:.4f} {'PASS' if ok else 'FAIL '+str(row['fails'])}")
print(f"{a.manifold} {a.tag} cfg={cfg} patch={a.patch} pass {npass}/{len(seeds)} time {dt:.1f}s")
with open('/tmp/tune/results.jsonl', 'a') as f: f.write(json.dumps(dict(manifold=a.manifold, tag=a.tag, cfg=str(cfg), patch=a.patch, npass=npass, time=dt, rows=res)) + '\n')
