"""The float64 checks of the appendix (nbs/00_geometry.ipynb, nbs/01_kl.ipynb), against the package as a user imports it.
Tolerances: 1e-10 for closed forms (float64 round-off on O(1) quantities is ~1e-15); Monte-Carlo checks use 4 standard errors."""
import math
import pytest, torch
from torch.distributions import Beta, Independent, MultivariateNormal, Uniform, kl_divergence
from manifold_vae.geometry import jacobian, metric_tensor, log_volume_element, induced_log_prob
from manifold_vae.kl import Embedded, kl_on_manifold, log_ratio_on_manifold

D = torch.float64
R, r = 2.0, 0.7
sphere = lambda a: torch.stack([a[...,0].sin()*a[...,1].cos(), a[...,0].sin()*a[...,1].sin(), a[...,0].cos()], -1)
torus = lambda a: torch.stack([(R + r*a[...,0].cos())*a[...,1].cos(), (R + r*a[...,0].cos())*a[...,1].sin(), r*a[...,0].sin()], -1)
circle01 = lambda u: r * torch.cat([(2*math.pi*u).cos(), (2*math.pi*u).sin()], -1)
helix = lambda t: torch.cat([t.cos(), t.sin(), 0.3*t], -1)

@pytest.fixture
def angles():
    g = torch.Generator().manual_seed(0)
    return torch.rand(500, 2, generator=g, dtype=D) * torch.tensor([3.0, 6.0], dtype=D) + torch.tensor([0.05, 0.], dtype=D)

def test_volume_elements_closed_form(angles):
    t = angles[:, :1]
    torch.testing.assert_close(log_volume_element(circle01, t / 6).exp(), torch.full((500,), 2*math.pi*r, dtype=D), rtol=0, atol=1e-10)
    torch.testing.assert_close(log_volume_element(helix, t).exp(), torch.full((500,), math.sqrt(1.09), dtype=D), rtol=0, atol=1e-10)
    torch.testing.assert_close(log_volume_element(sphere, angles).exp(), angles[:, 0].sin(), rtol=0, atol=1e-10)
    torch.testing.assert_close(log_volume_element(torus, angles).exp(), r*(R + r*angles[:, 0].cos()), rtol=0, atol=1e-10)

def test_metric_tensor_shape_and_symmetry(angles):
    G = metric_tensor(torus, angles.reshape(10, 50, 2))
    assert G.shape == (10, 50, 2, 2)
    torch.testing.assert_close(G, G.mT, rtol=0, atol=0)

def test_total_areas_by_midpoint_rule():
    n = 400
    th = (torch.arange(n, dtype=D) + 0.5) * math.pi / n
    ph = (torch.arange(2*n, dtype=D) + 0.5) * 2*math.pi / (2*n)
    pts = torch.stack(torch.meshgrid(th, ph, indexing='ij'), -1).reshape(-1, 2)
    cell = (math.pi / n) * (2*math.pi / (2*n))
    # midpoint error for ∫₀^π sin θ dθ is ≈ π³/(24 n²) ≈ 8e-6 relative; periodic directions are exact to round-off
    assert abs(log_volume_element(sphere, pts).exp().sum().item() * cell / (4*math.pi) - 1) < 1e-5
    assert abs(2 * log_volume_element(torus, pts).exp().sum().item() * cell / (4*math.pi**2*R*r) - 1) < 1e-12

def test_affine_gaussian_change_of_variables():
    g = torch.Generator().manual_seed(1)
    A = torch.randn(3, 3, generator=g, dtype=D) + 2*torch.eye(3, dtype=D); b = torch.randn(3, generator=g, dtype=D)
    base = MultivariateNormal(torch.zeros(3, dtype=D), torch.eye(3, dtype=D))
    u = base.sample((200,))
    torch.testing.assert_close(induced_log_prob(base.log_prob, lambda v: v @ A.T + b, u),
                               MultivariateNormal(b, A @ A.T).log_prob(u @ A.T + b), rtol=0, atol=1e-10)

def test_autograd_matches_finite_differences():
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 4)).double()
    u, h = torch.randn(20, 2, dtype=D), 1e-5
    fd = torch.stack([(mlp(u + h*e) - mlp(u - h*e)) / (2*h) for e in torch.eye(2, dtype=D)], -1)
    with torch.no_grad(): J = jacobian(mlp, u)
    torch.testing.assert_close(J, fd, rtol=0, atol=1e-8)  # truncation O(h²)≈1e-10, round-off O(ε/h)≈1e-11

def test_bad_input_raises_value_error():
    with pytest.raises(ValueError, match='fewer dimensions'): jacobian(lambda v: v[..., :1], torch.zeros(3, 2))
    with pytest.raises(ValueError, match='non-finite'): jacobian(circle01, torch.tensor([[float('inf')]]))
    with pytest.raises(ValueError, match='not an immersion'):
        log_volume_element(lambda v: torch.cat([v**2, v**3], -1), torch.zeros(1, 1, dtype=D))

def _beta_uniform(a, b):
    return (Independent(Beta(torch.tensor([a], dtype=D), torch.tensor([b], dtype=D)), 1),
            Independent(Uniform(torch.zeros(1, dtype=D), torch.ones(1, dtype=D)), 1))

def test_kl_cancels_per_sample_for_non_isometric_circle():
    h = lambda u: u + 0.1*torch.sin(2*math.pi*u)
    f = lambda u: torch.cat([(2*math.pi*h(u)).cos(), (2*math.pi*h(u)).sin()], -1)
    q, p = _beta_uniform(2., 5.)
    torch.manual_seed(0); u = q.sample((2000,))
    torch.testing.assert_close(log_ratio_on_manifold(q, p, f, u), q.log_prob(u) - p.log_prob(u), rtol=0, atol=1e-12)

def test_mc_kl_on_manifold_matches_closed_form():
    q, p = _beta_uniform(2., 5.)
    torch.manual_seed(3)
    est = kl_on_manifold(q, p, circle01, n_samples=50_000)
    closed = -q.base_dist.entropy().sum()
    torch.testing.assert_close(est.hidden, closed, rtol=0, atol=1e-12)
    assert abs(est.estimate - closed) < 4 * est.stderr

def test_kl_refuses_different_maps():
    q, p = _beta_uniform(2., 5.)
    with pytest.raises(NotImplementedError, match='different maps'):
        kl_divergence(Embedded(q, circle01), Embedded(p, lambda v: circle01(v**2)))
