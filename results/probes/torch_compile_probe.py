# Does torch.compile pay on CPU for the fused training step? Run: OMP_NUM_THREADS=1 .venv/bin/python results/probes/torch_compile_probe.py
# Prints (warm-up seconds for 20 steps incl. compilation, seconds per step over 200 steps) eager and with the trunk and decoder tail compiled.
import os, sys, time
import torch
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fusion_probe import data, mk  # the same rows, seeds and data as the fusion probe (it sets one torch thread)
from manifold_vae.models import ROWS
from manifold_vae.training import TrainConfig, Fused, _train_loop
def timed(compile_nets, steps=200):
    ms = [mk(r) for r in ROWS]
    f = Fused(ms)
    if compile_nets:
        f.trunk.forward = torch.compile(f.trunk.forward, dynamic=False)
        f.tail.forward = torch.compile(f.tail.forward, dynamic=False)
    t0 = time.perf_counter(); _train_loop(ms, f, f.elbo, data, TrainConfig(steps=20, log_every=10), False, ''); t_warm = time.perf_counter() - t0
    t0 = time.perf_counter(); _train_loop(ms, f, f.elbo, data, TrainConfig(steps=steps, log_every=100), False, ''); dt = (time.perf_counter() - t0) / steps
    return t_warm, dt
print('eager', timed(False))
print('compiled trunk+tail', timed(True))
