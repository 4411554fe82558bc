"""A new manifold is one class in one file: the 3-torus T³ ⊂ R⁶, defined and registered here with its group (an existing
`Group` object), goes through the whole pipeline untouched."""
import math
import pytest
import torch
from manifold_vae import manifolds
from manifold_vae.geometry import log_volume_element
from manifold_vae.manifolds import Manifold, Glue, PlaneRotations, register
from manifold_vae.models import LatentSpec, VAE, ModelConfig, Latent, evaluate
from manifold_vae.training import TrainConfig, train
from manifold_vae.data import ManifoldToy

class Torus3(Manifold):
    "The flat 3-torus S¹ × S¹ × S¹ ⊂ R⁶; independent rotations of its three circles act on it."
    name, d, n, volume = 'torus3', 3, 6, (2 * math.pi) ** 3
    gluing, group = (Glue('periodic', 0), Glue('periodic', 1), Glue('periodic', 2)), PlaneRotations(3)
    def embed(self, u):
        a = 2 * math.pi * u
        return torch.stack(
            [a[..., 0].cos(), a[..., 0].sin(), a[..., 1].cos(), a[..., 1].sin(), a[..., 2].cos(), a[..., 2].sin()], -1
        )
    def sample(self, shape, generator=None, dtype=torch.float32):
        return self.embed(torch.rand((*shape, 3), generator=generator, dtype=dtype))

    def distance(self, z):
        return torch.stack([z[..., 2 * i : 2 * i + 2].norm(dim=-1) - 1 for i in range(3)], -1).norm(dim=-1)

@pytest.fixture
def torus3():
    # what `@register` above the class does; here undone after the test, so other tests see the built-ins only
    register(Torus3)
    yield manifolds.get('torus3')
    manifolds._REGISTRY.pop('torus3')

def test_a_manifold_defined_in_one_file_goes_through_the_pipeline(torus3):
    M = torus3
    assert 'torus3' in manifolds.names() and isinstance(M, Torus3)
    u = torch.rand(50, 3, dtype=torch.float64)
    # the exact map pushes the uniform prior to the uniform measure: √det G = the volume everywhere (float64 round-off)
    assert torch.allclose(
        log_volume_element(M.embed, u), torch.full((50,), math.log(M.volume), dtype=torch.float64), atol=1e-9
    )
    assert M.distance(M.sample((20,))).abs().max() < 1e-5  # samples lie on M (float32 round-off)
    lat = Latent('beta', 'torus3')
    assert (lat.d, lat.n_z) == (3, 6) and lat.prior((4, 3)).sample().shape == (4, 3)
    # the group acts on M and keeps it, and on the hidden cube (every axis periodic) as the rotation of f(u)
    g = M.group.random((50,), torch.Generator().manual_seed(0), torch.float64)
    assert M.distance(M.group.act(g, M.embed(u))).max() < 1e-9 and M.acts_on_hidden
    assert torch.allclose(M.embed(M.act_hidden(g, u)), M.group.act(g, M.embed(u)), atol=1e-9)
    data = ManifoldToy('torus3', 0.05, 12)
    x, _ = data.sample((40,), torch.Generator().manual_seed(1))
    for group in (False, True):
        model = VAE(LatentSpec('beta', 3, 'torus3', group=group), [0, 1], ModelConfig(dim=12, hidden=16))
        curve, failed = train(model, data, TrainConfig(steps=30, batch=32, log_every=10), progress=False)
        ev = evaluate(model, x, k=8)
        assert not failed and torch.isfinite(ev['iwae']).all() and torch.isfinite(ev['elbo']).all()
