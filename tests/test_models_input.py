"""The model API's guard rails: bad input refused with a ValueError naming the argument, as a user importing the package
meets it."""
import pytest, torch
from manifold_vae.models import VAE, ModelConfig, evaluate, evaluation_memory
from manifold_vae.training import TrainConfig, train
from manifold_vae.data import CircleMap


@pytest.fixture(scope='module')
def model(): return VAE('ER projection', [0, 1])


def test_vae_unknown_row_lists_rows():
    with pytest.raises(ValueError, match=r"unknown row 'ER projektion'.*'VAE R1'.*'Power Spherical'"):
        VAE('ER projektion', [0])


def test_vae_needs_seeds():
    with pytest.raises(ValueError, match='seeds is empty'): VAE('VAE R1', [])


def test_evaluate_casts_float64_and_int(model):
    x = torch.randn(3, 100, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    g = lambda: torch.Generator().manual_seed(1)
    a, b = evaluate(model, x, k=8, generator=g()), evaluate(model, x.float(), k=8, generator=g())
    assert a['iwae_points'].dtype == torch.float32 and torch.equal(a['iwae_points'], b['iwae_points'])
    assert torch.isfinite(evaluate(model, torch.ones(2, 100, dtype=torch.int64), k=8)['iwae']).all()


@pytest.mark.parametrize(
    'kw, msg',
    [
        (dict(x=torch.zeros(0, 100)), 'x is empty'),
        (dict(chunk=0), 'chunk must be a positive integer'),
        (dict(chunk=-3), 'chunk must be a positive integer'),
        (dict(k=0), 'k must be a positive integer'),
        (dict(x=torch.zeros(2, 100, dtype=torch.complex64)), 'x must be a real tensor'),
    ],
)
def test_evaluate_refuses(model, kw, msg):
    kw = dict(dict(x=torch.zeros(2, 100), k=8), **kw)
    with pytest.raises(ValueError, match=msg): evaluate(model, **kw)


def test_evaluate_memory_budget(model):
    per_point = evaluation_memory(model, 1000, 1)
    assert per_point == 12 * 2 * 1000 * 100
    assert evaluate(model, torch.zeros(5, 100), k=1000, memory_budget=2 * per_point)['chunk'] == 2
    big = VAE('VAE R1', range(5), ModelConfig(dim=100_000, hidden=4, depth=1))
    with pytest.raises(ValueError, match=r'memory_budget: one pass of 1 point\(s\) needs 5\.59 GiB'):
        evaluate(big, torch.zeros(2, 100_000), k=1000)


@pytest.mark.parametrize(
    'field, value', [('steps', 0), ('steps', -5), ('batch', 0), ('log_every', 0), ('lr', 0.0), ('lr', float('nan'))]
)
def test_train_config_refuses(field, value):
    with pytest.raises(ValueError, match=f'TrainConfig.{field}'): TrainConfig(**{field: value})


def test_train_short_run_has_a_curve(model):
    curve, failed = train(VAE('VAE R1', [0]), CircleMap(), TrainConfig(steps=3, log_every=5), progress=False)
    assert curve.shape == (0, 1) and failed == {}


@pytest.mark.parametrize('noise', [float('nan'), float('inf'), -0.1])
def test_circle_dataset_refuses_bad_noise(noise):
    from manifold_vae.data import circle_dataset
    with pytest.raises(ValueError, match='noise'): circle_dataset(8, noise=noise)
