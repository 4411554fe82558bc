"""torch.compile of the whole fused ELBO (issue 11), graph breaks at the member streams' draws included.
Run: OMP_NUM_THREADS=1 .venv/bin/python results/probes/torch_compile_whole_step.py [ROWS, comma-separated; default 8 × VAE R1]"""
import torch, time, sys
torch.set_num_threads(1)
from manifold_vae.bench import bench_model
from manifold_vae.experiment import ExperimentConfig
from manifold_vae.training import Fused, _train_loop, TrainConfig
from manifold_vae.data import CircleMap
cfg, seeds = ExperimentConfig(), list(range(5))
data = CircleMap(cfg.model.dim, map_seed=cfg.map_seed)
rows = sys.argv[1].split(',') if len(sys.argv) > 1 else ['VAE R1'] * 8
def make():
    models = [bench_model(cfg, r, seeds) for r in rows]
    return models, Fused(models)
def timed(models, fused, fn, n=300):
    run = lambda k: _train_loop(models, fused, fn, data, TrainConfig(steps=k, log_every=k), False, '')
    t0 = time.perf_counter(); run(30); warm = time.perf_counter() - t0
    t0 = time.perf_counter(); run(n); return warm, (time.perf_counter() - t0) / n * 1e3
m, f = make(); print('eager  (warm-up s, ms/step)', timed(m, f, f.elbo))
m, f = make(); print('compiled whole elbo', timed(m, f, torch.compile(f.elbo)))
m, f = make(); print('eager again', timed(m, f, f.elbo))
