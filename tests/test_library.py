"""The library as a user imports it: bugs and guard rails of geometry, kl, distributions and embedding, and the Beta
posterior's corner checks. Fast (a few seconds)."""
import math
import pytest
import torch
from torch.distributions import Beta, Independent, Uniform, kl_divergence
from manifold_vae.geometry import midpoint_grid, log_volume_element, induced_log_prob, jacobian
from manifold_vae.kl import Embedded, kl_on_manifold
from manifold_vae.distributions import (SafeBeta, beta_posterior, gaussian_posterior, Factorised, uniform_prior, draw,
                                        SD_MIN)
from manifold_vae.embedding import train_wae, WAEConfig

torch.set_num_threads(1)
circle = lambda u: torch.cat([(2 * math.pi * u).cos(), (2 * math.pi * u).sin()], -1)
F64 = dict(dtype=torch.float64)


# --- bugs found by review ---

def test_midpoint_grid_from_the_package():
    pts, cell = midpoint_grid([0.], [1.], [4])
    assert torch.allclose(pts[:, 0], torch.tensor([0.125, 0.375, 0.625, 0.875], **F64)) and cell == 0.25


def test_rank_check_float32_condition_3000():
    Q = torch.linalg.qr(torch.randn(3, 2, generator=torch.Generator().manual_seed(0), **F64))[0]
    A = (Q @ torch.diag(torch.tensor([1., 1 / 3000], **F64))).float()
    lv = log_volume_element(lambda v: v @ A.T, torch.randn(6, 2))
    assert torch.allclose(lv, torch.full((6,), -math.log(3000)), atol=1e-3)


def test_rank_deficient_still_refused():
    with pytest.raises(ValueError, match='not an immersion'):
        log_volume_element(lambda v: torch.cat([v ** 2, v ** 3], -1), torch.tensor([[0.]], **F64))


def test_embedded_leaves_the_global_rng_alone():
    q = Independent(Beta(torch.tensor([2.]), torch.tensor([5.])), 1)
    state = torch.get_rng_state()
    e = Embedded(q, circle)
    assert torch.equal(state, torch.get_rng_state()) and e.event_shape == (2,)


# --- guard rails ---

@pytest.mark.parametrize('dtype', [torch.int64, torch.int32, torch.float16, torch.bfloat16])
def test_geometry_refuses_int_and_half_u(dtype):
    for fn in (lambda u: log_volume_element(circle, u), lambda u: jacobian(circle, u)):
        with pytest.raises(ValueError, match='u must be float32 or float64'): fn(torch.zeros(3, 1, dtype=dtype))


def test_induced_log_prob_refuses_an_event_dimension():
    u = torch.rand(5, 1)
    with pytest.raises(ValueError, match='base_log_prob'):
        induced_log_prob(Beta(torch.tensor([2.]), torch.tensor([3.])).log_prob, circle, u)  # returns (5, 1)
    assert induced_log_prob(
        Independent(Beta(torch.tensor([2.0]), torch.tensor([3.0])), 1).log_prob, circle, u
    ).shape == (5,)


def test_nan_derivative_is_named():
    with pytest.raises(ValueError, match='non-finite derivative'):
        log_volume_element(lambda v: torch.cat([v.sqrt(), v], -1), torch.tensor([[0.]], **F64))


def test_kl_on_manifold_refuses_a_batched_q():
    q = Independent(Beta(torch.full((3, 1), 2.), torch.full((3, 1), 5.)), 1)
    p = Independent(Uniform(torch.zeros(1), torch.ones(1)), 1)
    with pytest.raises(ValueError, match='q must be a single distribution'): kl_on_manifold(q, p, circle, 100)


def test_kl_on_manifold_has_no_self_comparing_fallback():
    from torch.distributions import Kumaraswamy
    q = Independent(Beta(torch.tensor([2.], **F64), torch.tensor([5.], **F64)), 1)
    p = Independent(Kumaraswamy(torch.tensor([2.], **F64), torch.tensor([2.], **F64)), 1)
    est = kl_on_manifold(q, p, circle, 500)
    assert math.isnan(est.hidden) and math.isfinite(est.estimate)


@pytest.mark.parametrize('f', [lambda u: u.sum(), lambda u: u.sum(-1)])
def test_embedded_refuses_a_scalar_map(f):
    with pytest.raises(ValueError, match='f must map points'):
        Embedded(Independent(Beta(torch.tensor([2.]), torch.tensor([5.])), 1), f)


@pytest.mark.parametrize('bad', [math.inf, math.nan, 0., -1.])
def test_safebeta_refuses_bad_concentrations(bad):
    with pytest.raises(ValueError, match='concentration1 must be finite and positive'):
        SafeBeta(torch.tensor([bad]), torch.tensor([1.]), validate_args=False)
    with pytest.raises(ValueError, match='concentration0'):
        SafeBeta(torch.tensor([1.]), torch.tensor([bad]), validate_args=False)


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_safebeta_refuses_half_precision(dtype):
    with pytest.raises(ValueError, match='supported: float32, float64'):
        SafeBeta(torch.tensor([1.], dtype=dtype), torch.tensor([1.], dtype=dtype))


@pytest.mark.parametrize('posterior', [beta_posterior, gaussian_posterior])
def test_posteriors_refuse_an_odd_width(posterior):
    with pytest.raises(ValueError, match='raw must have an even last dimension'): posterior(torch.zeros(4, 3))


def test_train_wae_refuses_a_batch_below_two():
    with pytest.raises(ValueError, match='cfg.batch must be at least 2'):
        train_wae('circle', [0], WAEConfig(batch=1, steps=1), progress=False)


# --- the Beta posterior in its corners ---

@pytest.mark.parametrize('dtype', [torch.float32, torch.float64])
def test_samples_in_the_open_interval_and_finite_everywhere(dtype):
    concs = (1e-3, 1e-2, 1., 1e4, 1e6, 1e8)
    for a0 in concs:
        for b0 in concs:
            a = torch.full((2000, 1), a0, dtype=dtype, requires_grad=True)
            b = torch.full((2000, 1), b0, dtype=dtype, requires_grad=True)
            q = Factorised(SafeBeta(a, b))
            u = draw(q, generator=torch.Generator().manual_seed(0))
            lp, kl = q.log_prob(u), kl_divergence(q, uniform_prior((2000, 1), dtype))
            (lp.sum() + torch.cos(6.283 * u).sum() + kl.sum()).backward()
            assert ((u > 0) & (u < 1)).all() and u.dtype == dtype, (a0, b0)
            assert (
                lp.isfinite().all() and kl.isfinite().all() and a.grad.isfinite().all() and b.grad.isfinite().all()
            ), (a0, b0)


def _iwae_excess(a0, b0, loglik, exact, dtype, K=1000, R=100):
    q = SafeBeta(torch.full((R, K), a0, dtype=dtype), torch.full((R, K), b0, dtype=dtype))
    u = q.sample(generator=torch.Generator().manual_seed(0))
    d = torch.logsumexp(loglik(u.double()) - q.log_prob(u).double(), 1) - math.log(K) - exact
    return d.mean().item(), d.std().item() / R ** 0.5


@pytest.mark.parametrize('dtype', [torch.float32, torch.float64])
@pytest.mark.parametrize('w', [1e-3, 1e-6])
def test_iwae_at_the_seam_does_not_exceed_the_exact_log_likelihood(dtype, w):
    loglik = lambda u: -0.5 * (torch.minimum(u, 1 - u) / w) ** 2
    exact = math.log(2 * w * math.sqrt(math.pi / 2) * math.erf(0.5 / (w * math.sqrt(2))))
    m, se = _iwae_excess(0.01, 0.01, loglik, exact, dtype)
    assert m <= 3 * se, (m, se)  # before: +3.89 nats at w = 1e-6 in float32


def test_iwae_inside():
    loglik = lambda u: -0.5 * ((u - 0.3) / 0.01) ** 2
    m, se = _iwae_excess(3., 5., loglik, math.log(0.01 * math.sqrt(2 * math.pi)), torch.float32)
    assert m <= 3 * se


@pytest.mark.parametrize('a0,b0', [(0.01, 1e4), (1e4, 0.01), (0.7, 1.5)])
def test_pathwise_gradient_in_the_corners(a0, b0):
    n = 50_000
    a = torch.full((n,), a0, requires_grad=True)
    b = torch.full((n,), b0, requires_grad=True)
    SafeBeta(a, b).rsample(generator=torch.Generator().manual_seed(1)).sum().backward()
    for g, want in ((a.grad.double(), b0 / (a0 + b0) ** 2), (b.grad.double(), -a0 / (a0 + b0) ** 2)):
        z = (g.mean().item() - want) / (g.std().item() / n ** 0.5)
        assert abs(z) < 4, (a0, b0, g.mean().item(), want, z)  # before: 4.9e-4 against 1.0e-4 at Beta(0.01, 1e4)


def test_sharpness_cap_does_not_depend_on_location():
    r = torch.linspace(-30, 30, 301)
    raw = torch.stack(torch.meshgrid(r, r, indexing='ij'), -1).reshape(-1, 2)
    q = beta_posterior(raw).base_dist
    sd, m = q.variance.sqrt(), q.mean
    assert sd.min().item() >= SD_MIN * (1 - 1e-4)
    near_end, middle = sd[(m > 1e-3) & (m < 1e-2)].min().item(), sd[(m > 0.4) & (m < 0.6)].min().item()
    assert abs(near_end / middle - 1) < 1e-3


def test_models_score_through_products_exactly():
    from manifold_vae.distributions import Product, family

    qp = Product(
        [
            Factorised(SafeBeta(torch.full((4, 1), 1e4), torch.full((4, 1), 0.01))),
            family('normal').posterior(torch.zeros(4, 2)),
        ]
    )
    u = qp.rsample(generator=torch.Generator().manual_seed(0))
    beta_u = qp._last[1][0]  # the Beta part's own sample, whose exact logit the Beta cached
    want = qp.parts[0].log_prob(beta_u) + qp.parts[1].log_prob(u[..., 1:])
    assert torch.equal(qp.log_prob(u), want)
    # a copy is scored from its rounded value: u = 1 - 2**-24 stands for all above it
    assert not torch.equal(qp.log_prob(u.clone()), want)
