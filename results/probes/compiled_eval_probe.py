"""The evaluation pass's decoder and likelihood compiled, as a measured probe.

`evaluate` spends most of a pass outside its matrix products: the decoder's SiLU on (S, K·chunk, H) and the Gaussian likelihood's
residual, scaling and norm on (S, K·chunk, D) are memory-bound elementwise passes. This probe compiles `VAE.log_lik` (decoder and
likelihood; inductor fuses the bias, SiLU and the residual's reduction) on the shapes of one pass and times a pass against eager,
beside the pass's products alone (`bench.evaluation_work` / `bench.time_products`). The posterior's draw stays outside the graph.

Usage: OMP_NUM_THREADS=1 .venv/bin/python results/probes/compiled_eval_probe.py [row ...]
"""
import json, sys, time
import torch
from manifold_vae.bench import bench_model, evaluation_work, time_products
from manifold_vae.experiment import ExperimentConfig, table_data
from manifold_vae.models import VAE, evaluate

torch.set_num_threads(1)
cfg = ExperimentConfig()
rows = sys.argv[1:] or ['VAE R1', 'ER projection']
PASSES = 20


def time_pass(model, x, chunk):
    evaluate(model, x[:chunk], cfg.k_iwae)
    t0 = time.perf_counter(); r = evaluate(model, x[:PASSES * chunk], cfg.k_iwae, generator=torch.Generator().manual_seed(0))
    return (time.perf_counter() - t0) / PASSES, r


out = {}
for row in rows:
    m = bench_model(cfg, row, list(range(cfg.seeds)))
    w = evaluation_work(cfg, m)
    x = table_data(cfg)[1][:PASSES * w["chunk"]]  # the table's held-out points
    eager, re = time_pass(m, x, w['chunk'])
    prod = time_products(w['products'], PASSES)
    eager_log_lik = VAE.log_lik
    compiled = torch.compile(eager_log_lik, fullgraph=True)
    VAE.log_lik = compiled
    try:
        t0 = time.perf_counter(); evaluate(m, x[:w['chunk']], cfg.k_iwae); warm = time.perf_counter() - t0
        comp, rc = time_pass(m, x, w['chunk'])
    finally:
        VAE.log_lik = eager_log_lik
    eager2, _ = time_pass(m, x, w['chunk'])
    out[row] = dict(products_ms=1e3 * prod, eager_ms=[1e3 * eager, 1e3 * eager2], compiled_ms=1e3 * comp, compile_seconds=warm,
                    eager_over_products=[eager / prod, eager2 / prod], compiled_over_products=comp / prod,
                    iwae_max_abs_diff=(re['iwae_points'] - rc['iwae_points']).abs().max().item())
    torch._dynamo.reset()
print(json.dumps(out, indent=1))
