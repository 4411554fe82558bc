"""The compiled training step (`manifold_vae.bench.time_compiled`), alone: one graph with no break, timed against the library's
eager step on the shared networks, with its numbers checked. `manifold-vae bench` runs the same measurement; this script runs it
with other sizes.

Usage: OMP_NUM_THREADS=1 .venv/bin/python results/probes/compiled_step_probe.py [copies] [steps]
"""
import json, sys
from manifold_vae.bench import time_compiled
from manifold_vae.experiment import ExperimentConfig

if __name__ == '__main__':
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else None
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    print(json.dumps(time_compiled(ExperimentConfig(), steps, copies), indent=1))
