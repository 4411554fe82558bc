"""The command line as a user meets it: the quick experiment end to end through the console script, exact resume,
results that are never clobbered, strict JSON, corrupt and stale files, and bad input refused before any work.
(The maths and the models are checked in the notebooks, which `make test` runs; nothing here repeats them.)"""
import json, math, os, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).parent / 'manifold-vae'  # the console script installed with the package
ENV = dict(os.environ, OMP_NUM_THREADS='1')

def cli(*args, cwd=None, exe=(str(EXE),)):
    return subprocess.run([*exe, *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd, env=ENV)

# every kind of row: R^1, learned map, exact map, group action
ROWS4 = ('vae_r1', 'er_learned_f', 'er_projection', 'er_learned_f_group')
# one process: the tests run side by side
QUICK = ('table1', '--quick', '--steps', 30, '--rows', *ROWS4, '--workers', 1)


def strict_load(p):
    "json.loads that refuses the bare NaN / Infinity tokens strict JSON readers reject."
    def refuse(tok): raise ValueError(f"{p}: non-standard JSON token {tok}")
    return json.loads(Path(p).read_text(), parse_constant=refuse)

def numbers(out):
    "Every number of every run file: what an exact resume must reproduce."
    keys = (
        'elbo',
        'iwae',
        'elbo_sem',
        'iwae_sem',
        'curve',
        'codes',
        'codes_u',
        'codes_elbo',
        'codes_iwae',
        'failed',
        'embedding_quality',
    )
    return {
        p.name: {k: r.get(k) for k in keys}
        for p in sorted((Path(out) / 'runs').glob('*.json'))
        for r in [strict_load(p)]
    }

@pytest.fixture(scope='module')
def quick_run(tmp_path_factory):
    "One uninterrupted quick run of every row, through the console script."
    out = tmp_path_factory.mktemp('quick') / 'A'
    r = cli(*QUICK, '--out', out)
    assert r.returncode == 0, r.stderr[-2000:]
    return out, r

def test_cli_quick_end_to_end(quick_run):
    out, r = quick_run
    assert '| VAE R1 |' in r.stdout and 'vs VAE R1: ELBO' in r.stdout and 'IWAE − log p(x)' in r.stdout
    res = strict_load(out / 'table1.json')
    assert {'version', 'config', 'runs'} <= set(res) and len(res['runs']) == 8
    assert all(
        math.isfinite(run['elbo']) and math.isfinite(run['iwae']) and run['train_seconds'] > 0 for run in res['runs']
    )
    assert all(
        (out / f).exists() for f in ('table1.md', 'latent_codes.png', 'learning_curves.png', 'learned_embedding.png')
    )

def test_two_workers_write_the_same_run_files(quick_run, tmp_path):
    """The default executor deals the runs to a worker per core: every number of every run file, Table 1's and the noisy
    tables', is the same as with one process."""
    a, _ = quick_run
    b = tmp_path / 'W'
    r = cli(*QUICK[:-2], '--workers', 2, '--out', b)
    assert r.returncode == 0, r.stderr[-2000:]
    for sub in ('.', 'noisy_0.05', 'noisy_0.01'):
        assert numbers(b / sub) == numbers(a / sub) and numbers(a / sub), sub
    assert (b / 'table1.md').read_text() == (a / 'table1.md').read_text()

def test_every_file_is_strict_json_and_no_tmp_left(quick_run):
    out, _ = quick_run
    for p in [out / 'table1.json', out / 'experiment.json', *(out / 'runs').glob('*.json')]: strict_load(p)
    assert not list(out.rglob('*.tmp'))

def test_resume_after_a_partial_row_is_exact(quick_run, tmp_path):
    """A kill that leaves only some seeds of a row (and of a learned map), or a stale file: the resumed run equals the
    uninterrupted one."""
    a, _ = quick_run
    b = tmp_path / 'B'
    shutil.copytree(a, b)
    (b / 'runs' / 'er_projection__seed0.json').unlink()
    (b / 'runs' / 'er_learned_f__seed1.json').unlink()
    (b / 'wae' / 'circle__seed1.pt').write_bytes(b'\x80 truncated')  # a truncated learned map too
    p = b / 'runs' / 'vae_r1__seed0.json'
    run = json.loads(p.read_text())
    run['key'] = 'stale'
    p.write_text(json.dumps(run))
    r = cli(*QUICK, '--out', b)
    assert r.returncode == 0, r.stderr[-2000:]
    assert strict_load(b / 'table1.json')['trained_this_invocation'] == [
        ['VAE R1', [0]],
        ['ER learned f', [1]],
        ['ER projection', [0]],
    ]
    assert numbers(b) == numbers(a)
    assert (b / 'table1.md').read_text() == (a / 'table1.md').read_text()
    assert 'not deterministic' not in r.stderr
    assert (
        f"warning: {b / 'wae' / 'circle__seed1.pt'}: unreadable" in r.stderr
        and (b / 'wae' / 'circle__seed1.pt.corrupt').exists()
    )

def test_corrupt_files_are_named_set_aside_and_retrained(quick_run, tmp_path):
    a, _ = quick_run
    c = tmp_path / 'C'
    shutil.copytree(a, c)
    damaged = {
        'vae_r1__seed1.json': (c / 'runs' / 'vae_r1__seed1.json').read_text()[:100],
        'vae_r1__seed0.json': '[]',
        'er_projection__seed1.json': json.dumps(
            {k: v for k, v in json.loads((c / 'runs' / 'er_projection__seed1.json').read_text()).items() if k != 'iwae'}
        ),
        'er_projection__seed0.json': 'garbage\x00',
    }
    for name, text in damaged.items(): (c / 'runs' / name).write_text(text)
    (c / 'runs' / 'tmpkilled.tmp').write_text('{"row')
    (c / 'wae' / 'tmpkilled2.tmp').write_text('')  # left by a kill -9
    r = cli(*QUICK, '--out', c)
    assert r.returncode == 0, r.stderr[-2000:]
    for name in damaged:
        assert f"warning: {c / 'runs' / name}:" in r.stderr and (c / 'runs' / (name + '.corrupt')).exists(), name
    assert numbers(c) == numbers(a) and (c / 'table1.md').read_text() == (a / 'table1.md').read_text()
    assert not list(c.rglob('*.tmp'))

def test_quick_run_never_writes_over_a_full_run(tmp_path):
    """The README's smoke run (`make table1 ARGS=--quick` is `manifold-vae table1 --quick` in the repo) keeps results/
    untouched."""
    res = tmp_path / 'results'
    res.mkdir()
    shutil.copy(ROOT / 'results' / 'table1.json', res / 'table1.json')  # the committed full run
    (res / 'table1.md').write_text('the full table\n')
    before = {p: p.read_bytes() for p in res.rglob('*') if p.is_file()}
    r = cli('table1', '--quick', '--rows', 'vae_r1', '--steps', '10', cwd=tmp_path)  # no --out: its own folder
    assert r.returncode == 0, r.stderr[-2000:]
    assert (res / 'quick' / 'table1.md').exists() and 'results/quick/table1.json' in r.stdout
    # explicitly into the full run's folder: refused before any work
    r = cli('table1', '--quick', '--out', 'results', cwd=tmp_path)
    assert r.returncode == 2 and 'argument --out: output folder results holds ' in r.stderr and '(fresh)' in r.stderr
    assert {p: p.read_bytes() for p in res.rglob('*') if p.is_file() and 'quick' not in p.parts} == before
    assert not (res / 'runs').exists()

def test_bad_argument_through_console_script_is_one_line_before_any_work(tmp_path):
    r = cli('table1', '--seeds', '0', '--out', tmp_path / 'x')
    assert r.returncode == 2 and r.stderr.strip() == ('manifold-vae table1: error: argument --seeds: must be at least '
                                                      '1, got 0')
    assert not (tmp_path / 'x').exists()

def test_python_m_runs_the_command_line(tmp_path):
    r = cli('table1', '--seeds', '0', exe=(sys.executable, '-m', 'manifold_vae'))
    assert (
        r.returncode == 2
        and r.stderr.strip() == 'manifold-vae table1: error: argument --seeds: must be at least 1, got 0'
    )
    r = cli('--help', exe=(sys.executable, '-m', 'manifold_vae'))
    assert r.returncode == 0 and 'table1' in r.stdout and 'topology' in r.stdout

def test_seeds_identical_alone_or_stacked_and_across_executors(quick_run, tmp_path):
    """Seed independence and the submitit path in one run: `--seeds 3` through the submitit executor (its local backend:
    one job per row, as on SLURM) gives seeds 0 and 1 exactly the run files of the local `--seeds 2` run (every number:
    scores, curves, σ, codes, learned maps); a run it left unfinished resumes on the local executor, alone, to the same
    numbers."""
    a, _ = quick_run
    s = tmp_path / 'S'
    args = (
        'table1',
        '--quick',
        '--steps',
        30,
        '--rows',
        'vae_r1',
        'er_learned_f_group',
        '--seeds',
        3,
        '--noisy',
        'none',
        '--out',
        s,
    )
    r = cli(*args, '--executor', 'submitit', '--submitit-cluster', 'local')
    assert r.returncode == 0, r.stderr[-2000:]
    assert len(list((s / 'submitit').glob('*_result.pkl'))) == 2  # one job per row
    three, two = numbers(s), numbers(a)
    shared = [k for k in three if k in two]
    assert len(shared) == 4 and len(three) == 6 and all(three[k] == two[k] for k in shared)
    sigma = lambda out, name: strict_load(Path(out) / 'runs' / name)['log_sigma']
    assert all(sigma(a, k) == sigma(s, k) for k in shared)
    (
        s / 'runs' / 'er_learned_f_group__seed1.json'
    ).unlink()  # a job that died: the next invocation, on another executor, finishes it
    r = cli(*args)
    assert r.returncode == 0, r.stderr[-2000:]
    assert (
        strict_load(s / 'table1.json')['trained_this_invocation'] == [['ER learned f + group', [1]]]
        and numbers(s) == three
    )

def test_submitit_missing_is_refused_before_work(tmp_path, monkeypatch):
    "Without the optional extra, --executor submitit stops with one line naming the extra."
    code = (
        "import sys, builtins; real = builtins.__import__\n"
        "def fake(name, *a, **k):\n    if name == 'submitit': raise ModuleNotFoundError(name)\n    return real(name, "
        "*a, **k)\n"
        "builtins.__import__ = fake\nfrom manifold_vae.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    r = cli('table1', '--quick', '--executor', 'submitit', '--out', tmp_path / 'o', exe=(sys.executable, '-c', code))
    assert r.returncode == 2 and 'argument --executor:' in r.stderr and 'manifold_vae[slurm]' in r.stderr, r.stderr
    assert not (tmp_path / 'o' / 'runs').exists()
