# Does keeping freed memory in the process (glibc's mallopt) speed up training or evaluation?
# Run: OMP_NUM_THREADS=1 .venv/bin/python results/probes/allocator_probe.py
# Each setting runs in its own process (glibc's settings cannot be undone), twice, alternating: glibc's default behaviour, and
# 'tuned' (mmap threshold 32 MiB, trim threshold 1 GiB, top pad 64 MiB: freed memory stays in the process). Per process: three
# evaluations of VAE R1 (5 seeds, untrained, IWAE K = 1000 on 200 points, seconds scaled to Table 1's 2,000 points), then
# 300 fused training steps of all 8 rows × 5 seeds (ms per step).
import ctypes, subprocess, sys, time, torch
if len(sys.argv) == 1:
    for setting in ('default', 'tuned') * 2:
        print(subprocess.run([sys.executable, __file__, setting], capture_output=True, text=True, check=True).stdout, end='', flush=True)
    sys.exit()
torch.set_num_threads(1)
if sys.argv[1] == 'tuned':
    mallopt = ctypes.CDLL('libc.so.6').mallopt
    assert all(mallopt(p, v) == 1 for p, v in ((-3, 32 << 20), (-1, 1 << 30), (-2, 64 << 20)))  # M_MMAP_THRESHOLD, M_TRIM_THRESHOLD, M_TOP_PAD
sys.path.insert(0, __file__.rsplit('/', 1)[0])
from fusion_probe import mk, data  # the fusion probe's models (5 seeds) and data
from manifold_vae.models import ROWS, evaluate
from manifold_vae.training import train, TrainConfig
from manifold_vae.layers import member_streams
x, m = data.sample((200,), torch.Generator().manual_seed(0))[0], mk('VAE R1')
ev = []
for _ in range(3):
    t0 = time.perf_counter(); evaluate(m, x, 1000, generator=member_streams(m.seeds, 'eval')); ev.append((time.perf_counter() - t0) * 2000 / len(x))
ms = [mk(r) for r in ROWS]
t0 = time.perf_counter(); train(ms, data, TrainConfig(steps=300, log_every=100), progress=False)
print(f"{sys.argv[1]:8s} evaluation of VAE R1: {', '.join(f'{t:4.1f}' for t in ev)} s | fused training step: {(time.perf_counter() - t0) / 300 * 1e3:4.1f} ms")
