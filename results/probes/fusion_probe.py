# How much does fusing rows save? Run: OMP_NUM_THREADS=1 .venv/bin/python results/probes/fusion_probe.py
# ms per training step (best of 3 runs of 100 steps): all rows fused; 8 copies of the R1 row fused; each row alone and fused beside 7 R1 rows.
import torch, time, sys
torch.set_num_threads(1)
from manifold_vae.models import VAE, ROWS
from manifold_vae.training import TrainConfig, train
from manifold_vae.embedding import WAE, WAEConfig
from manifold_vae import manifolds
from manifold_vae.data import CircleMap
data = CircleMap(100, map_seed=0)
seeds = list(range(5))
def mk(row):
    r = ROWS[row]
    return VAE(row, seeds, embedding=WAE(manifolds.get(r.manifold), seeds, WAEConfig()).decoder if r.learned else None)
N=100
def t(rows, rep=3):
    best = 1e9
    for _ in range(rep):
        ms=[mk(r) for r in rows]
        t0=time.perf_counter(); train(ms, data, TrainConfig(steps=N, log_every=100), progress=False); best=min(best,(time.perf_counter()-t0)/N)
    return best*1e3
if __name__ == '__main__':
    print('all fused', t(list(ROWS)))
    print('R1 x8 fused', t(['VAE R1']*8))
    for r in ROWS: print(r, 'alone', t([r]), 'R1x7 +', t(['VAE R1']*7+[r]))
