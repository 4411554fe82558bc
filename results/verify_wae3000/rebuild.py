"Rebuild Table 1's learned rows from the new objects with the WAE budget they had before the quality targets (3000 steps)."
import dataclasses, torch
from manifold_vae.experiment import ExperimentConfig, run_table1
from manifold_vae.embedding import WAEConfig
cfg = dataclasses.replace(ExperimentConfig(), rows=('VAE R1', 'ER learned f', 'ER learned f + group'), wae=WAEConfig(steps=3000), accept_bad_embeddings=True)
res = run_table1(cfg, '/tmp/wae3000', fresh=True, progress=False)
print(res['markdown'])
