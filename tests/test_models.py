"""The package as a user imports it: data, latent families, models and the experiment's quick path."""
import json, math, subprocess, sys
from pathlib import Path
import pytest, torch
from manifold_vae.data import circle_dataset, CircleMap
from manifold_vae.distributions import SafeBeta, draw, uniform_prior, boundary_eps
from manifold_vae.embedding import Projection, embedding_quality, rotate
from manifold_vae.geometry import log_volume_element
from manifold_vae.models import ROWS, VAE, TrainConfig, train, evaluate, NonFiniteLoss
from torch.distributions import Independent, kl_divergence

torch.set_num_threads(1)

def test_circle_dataset_deterministic_and_shaped():
    x, th = circle_dataset(50, seed=1)
    assert x.shape == (50, 100) and th.shape == (50,)
    assert torch.equal(x, circle_dataset(50, seed=1)[0])
    assert not torch.equal(x, circle_dataset(50, seed=2)[0])
    with pytest.raises(ValueError): circle_dataset(0)

@pytest.mark.parametrize('a,b', [(1e-2, 1e-2), (1e4, 1e-2), (1e-2, 1e4), (1e4, 1e4), (1e4, 1.0)])
def test_safe_beta_finite_at_extreme_concentrations(a, b):
    A = torch.full((20_000, 1), a, requires_grad=True); B = torch.full((20_000, 1), b, requires_grad=True)
    q = Independent(SafeBeta(A, B), 1)
    u = draw(q, generator=torch.Generator().manual_seed(0))
    eps = boundary_eps(torch.float32)
    assert ((u >= eps) & (u <= 1 - eps)).all()
    loss = q.log_prob(u).sum() + kl_divergence(q, uniform_prior((20_000, 1))).sum() + torch.cos(2 * math.pi * u).sum()
    loss.backward()
    assert torch.isfinite(loss) and A.grad.isfinite().all() and B.grad.isfinite().all()

def test_projection_quality_and_rotation_isometry():
    q = embedding_quality(Projection())
    assert q['radius_error'] < 1e-6 and q['winding'] == 1.0 and q['ks'] <= 1 / 2000
    u = torch.rand(100, 1, dtype=torch.float64); v = torch.randn(2, dtype=torch.float64)
    torch.testing.assert_close(log_volume_element(lambda w: rotate(Projection()(w), v), u),
                               log_volume_element(Projection(), u), rtol=0, atol=1e-12)

def test_stacked_member_matches_single_model():
    x, _ = circle_dataset(64, seed=5)
    stack, solo = VAE('ER projection + group', [3, 4]), VAE('ER projection + group', [4])
    gs = lambda: [torch.Generator().manual_seed(100 + i) for i in range(2)]
    with torch.no_grad():
        e2 = stack.iwae(x, k=8, generator=gs())[1]
        e1 = solo.iwae(x, k=8, generator=gs()[1:])[0]
    torch.testing.assert_close(e2, e1, rtol=0, atol=1e-4)  # float32 summation order in baddbmm vs a single-member bmm

def test_every_row_trains_and_bounds_are_ordered():
    data, (x, _) = CircleMap(), circle_dataset(100, seed=9)
    from manifold_vae.layers import StackedMLP, member_generators
    emb = StackedMLP(member_generators([0], 2), (1, 16, 2), act=torch.nn.Tanh)  # any frozen f will do for the plumbing
    for name, row in ROWS.items():
        m = VAE(name, [0], embedding=emb if row.embedding == 'learned' else None)
        curve, failed = train(m, data, TrainConfig(steps=120, log_every=40), progress=False)
        assert not failed and curve[-1, 0] > curve[0, 0], name
        ev = evaluate(m, x, k=64, generator=torch.Generator().manual_seed(0))
        assert ev['iwae'].item() >= ev['elbo'].item() - 0.05, name  # IWAE_64 ≥ ELBO up to MC noise

def test_bad_inputs():
    m = VAE('VAE R1', [0])
    with pytest.raises(ValueError, match='shape'): m.elbo(torch.zeros(3, 10))
    with pytest.raises(ValueError, match='non-finite'): m.elbo(torch.full((3, 100), float('inf')))
    with pytest.raises(ValueError, match='positive integer'): m.iwae(torch.zeros(3, 100), k=0)
    with torch.no_grad(): m.decoder.layers[-1].bias.fill_(float('nan'))
    with pytest.raises(NonFiniteLoss, match='step 0'): train(m, CircleMap(), TrainConfig(steps=3), progress=False)

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
