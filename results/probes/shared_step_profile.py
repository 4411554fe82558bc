"""Where the time of the shared networks' training step goes (issue 11): 8 copies of VAE R1 × 5 seeds fused, i.e. the bench's
'shared networks with the cheapest latent'. Run: OMP_NUM_THREADS=1 .venv/bin/python results/probes/shared_step_profile.py"""
import time
import torch
from torch.profiler import profile, ProfilerActivity
from manifold_vae.bench import bench_model
from manifold_vae.experiment import ExperimentConfig
from manifold_vae.training import Fused, _train_loop, TrainConfig
from manifold_vae.data import CircleMap

torch.set_num_threads(1)
cfg, seeds = ExperimentConfig(), list(range(5))
data = CircleMap(cfg.model.dim, map_seed=cfg.map_seed)
models = [bench_model(cfg, 'VAE R1', seeds) for _ in range(8)]
fused = Fused(models)
run = lambda n: _train_loop(models, fused, fused.elbo, data, TrainConfig(steps=n, log_every=n), False, '')
run(20)  # warm-up
t0 = time.perf_counter(); run(300); print(f"without the profiler: {(time.perf_counter() - t0) / 300 * 1e3:.1f} ms per step")
with profile(activities=[ProfilerActivity.CPU]) as prof: run(100)
ka = prof.key_averages()
total = sum(e.self_cpu_time_total for e in ka)
print(f"with the profiler: {total / 100 / 1e3:.1f} ms of self CPU time per step")
groups = {'matrix products (bmm, baddbmm, mm)': ('aten::bmm', 'aten::baddbmm', 'aten::mm'), 'SiLU and its backward': ('aten::silu', 'aten::silu_backward'),
          "Adam's update (lerp_, mul_, addcmul_, sqrt, div_, add_, addcdiv_)": ('aten::lerp_', 'aten::mul_', 'aten::addcmul_', 'aten::sqrt', 'aten::div_', 'aten::addcdiv_')}
for name, ops in groups.items():
    s = sum(e.self_cpu_time_total for e in ka if e.key in ops)
    print(f"{name}: {s / 100 / 1e3:.2f} ms per step, {100 * s / total:.0f} %")
print(ka.table(sort_by="self_cpu_time_total", row_limit=15))
