"""The command line as a user runs it: the quick experiment end to end, its resume, and its cache keys.
(The maths and the models are checked in the notebooks, which `make test` runs; nothing here repeats them.)"""
import json, math, subprocess, sys
from pathlib import Path

def test_cli_quick_end_to_end_and_resume(tmp_path):
    out = tmp_path / 'res'
    exe = Path(sys.executable).parent / 'manifold-vae'  # the console script installed with the package
    cmd = [str(exe), 'table1', '--quick', '--out', str(out)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert '| VAE R1 |' in r.stdout and 'beats VAE R1?' in r.stdout
    res = json.loads((out / 'table1.json').read_text())
    assert {'version', 'config', 'runs'} <= set(res) and len(res['runs']) == 12
    assert all(math.isfinite(run['elbo']) and math.isfinite(run['iwae']) and run['train_seconds'] > 0 for run in res['runs'])
    assert all((out / f).exists() for f in ('table1.md', 'latent_codes.png', 'learning_curves.png', 'learned_embedding.png'))
    # lose two run files (as after a crash) and a rerun trains exactly those and reproduces the table
    table = (out / 'table1.md').read_text()
    for p in sorted((out / 'runs').glob('vae_r2__seed*.json')): p.unlink()
    r2 = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert r2.returncode == 0, r2.stderr[-2000:]
    res2 = json.loads((out / 'table1.json').read_text())
    assert res2['trained_this_invocation'] == [['VAE R2', [0, 1]]]
    assert (out / 'table1.md').read_text() == table
    # a stale run file (its key no longer matches, as after a code or config change) is retrained, not reused
    p = out / 'runs' / 'vae_r1__seed0.json'
    run = json.loads(p.read_text()); run['key'] = 'stale'; p.write_text(json.dumps(run))
    r3 = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert r3.returncode == 0, r3.stderr[-2000:]
    assert json.loads((out / 'table1.json').read_text())['trained_this_invocation'] == [['VAE R1', [0]]]
