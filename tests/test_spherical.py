"""Spherical families: bad input, no NaN in float32 over κ ∈ {1e-3, 1, 1e5}, reproducible samples, and the two Table 1
rows end to end."""
import math
import pytest
import torch
from torch import nn
from torch.distributions import kl_divergence
from manifold_vae.spherical import VonMisesFisher, PowerSpherical, HypersphericalUniform
from manifold_vae.distributions import family
from manifold_vae import manifolds

torch.set_num_threads(1)
DISTS = [VonMisesFisher, PowerSpherical]

@pytest.mark.parametrize('dist', DISTS)
def test_bad_input(dist):
    with pytest.raises(ValueError, match='unit vectors'): dist(torch.tensor([1., 1.]), torch.tensor([1.]))
    with pytest.raises(ValueError, match='positive'): dist(torch.tensor([1., 0.]), torch.tensor([0.]))
    with pytest.raises(ValueError, match='positive'): dist(torch.tensor([1., 0.]), torch.tensor([-1.]))
    with pytest.raises(ValueError, match='ambient dimensions'): dist(torch.tensor([1.]), torch.tensor([1.]))
    with pytest.raises(ValueError, match=r'shape \(\.\.\., 1\)'): dist(torch.tensor([1., 0.]), torch.tensor(1.))
    with pytest.raises(ValueError, match='different spheres'):
        kl_divergence(dist(torch.tensor([1.0, 0.0]), torch.tensor([1.0])), HypersphericalUniform(3))

def test_vmf_dimension():
    with pytest.raises(ValueError, match='m = 4'): VonMisesFisher(torch.tensor([1., 0., 0., 0.]), torch.tensor([1.]))
    for M in ('torus', 'interval', 'so3'):
        with pytest.raises(ValueError, match='not one'): family('vmf').ambient(manifolds.get(M))

@pytest.mark.parametrize('dist', DISTS)
@pytest.mark.parametrize('m', [2, 3])
@pytest.mark.parametrize('kappa', [1e-3, 1., 1e5])
def test_no_nan_float32(dist, m, kappa):
    g = torch.Generator().manual_seed(0)
    raw = torch.randn(128, m, generator=g).requires_grad_()
    log_k = torch.full((128, 1), math.log(kappa)).requires_grad_()
    q = dist(nn.functional.normalize(raw, dim=-1), log_k.exp())
    z = q.rsample(generator=g)
    kl = kl_divergence(q, HypersphericalUniform(m, (128,)))
    vals = [z, q.log_prob(z), q.entropy(), kl, q.mean]
    grads = torch.autograd.grad(z.sum() + kl.sum(), [raw, log_k])
    assert all(t.dtype == torch.float32 and torch.isfinite(t).all() for t in vals + list(grads))
    assert ((z.norm(dim=-1) - 1).abs() < 1e-5).all() and (kl >= -1e-5).all()

@pytest.mark.parametrize('dist', DISTS)
def test_generator_reproducible(dist):
    q = dist(nn.functional.normalize(torch.randn(64, 3), dim=-1), torch.rand(64, 1) * 10 + 1e-3)
    a, b = (q.rsample((2,), generator=torch.Generator().manual_seed(5)) for _ in range(2))
    assert torch.equal(a, b) and not torch.equal(a, q.rsample((2,), generator=torch.Generator().manual_seed(6)))

@pytest.mark.parametrize('row', ['S-VAE (vMF)', 'Power Spherical'])
def test_rows_train_and_evaluate(row):
    from manifold_vae.models import VAE, evaluate, ROWS, PAPER_ROWS
    from manifold_vae.training import train, TrainConfig
    from manifold_vae.data import CircleMap, circle_dataset
    assert row in ROWS and row not in PAPER_ROWS
    m = VAE(row, [0, 1])
    curve, failed = train(m, CircleMap(), TrainConfig(steps=10, log_every=5), progress=False)
    assert not failed and torch.isfinite(curve).all()
    ev = evaluate(m, circle_dataset(8, seed=1)[0], k=1000, generator=torch.Generator().manual_seed(0))
    assert (
        ev['iwae'].shape == (2,) and torch.isfinite(ev['iwae_points']).all() and (ev['iwae'] >= ev['elbo'] - 1e-3).all()
    )
