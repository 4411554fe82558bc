"The topology command as a user meets it: bad input refused before any training, resume exact, a user's .npy."
import json, os, subprocess, sys
from pathlib import Path
import numpy as np
import pytest
from manifold_vae.data import load_points

PY = [sys.executable, '-c', 'import sys; from manifold_vae.cli import topology_main; topology_main(sys.argv[1:])']
QUICK = ['--quick', '--candidates', 'R1,circle', '--n', '200']

def run(*args, cwd=None):
    return subprocess.run(
        PY + [str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=dict(os.environ, OMP_NUM_THREADS='1')
    )

@pytest.fixture(scope='module')
def points(tmp_path_factory):
    d = tmp_path_factory.mktemp('data')
    x = load_points('suite:circle-0.05', n=200)[0]
    np.save(d / 'x.npy', x)
    return d, x

@pytest.mark.parametrize(
    'make, message',
    [
        (lambda d, x: (d / 'words.csv').write_text('a,b\nc,d\n'), 'not a file of numbers'),
        (lambda d, x: np.save(d / 'flat.npy', x[:, 0]), '2-D'),
        (lambda d, x: np.save(d / 'few.npy', x[:20]), 'at least 50'),
        (
            lambda d, x: np.save(d / 'nan.npy', np.where(np.arange(x.size).reshape(x.shape) == 7, np.nan, x)),
            'non-finite',
        ),
        (
            lambda d, x: np.save(d / 'const.npy', np.concatenate([x, np.ones((len(x), 1), np.float32)], 1)),
            'constant column(s) [100]',
        ),
    ],
)
def test_bad_data_refused_before_training(points, tmp_path, make, message):
    d, x = points
    before = set(d.iterdir())
    make(d, x)
    f = (set(d.iterdir()) - before).pop()
    r = run(f, '--out', tmp_path / 'out', *QUICK)
    assert r.returncode == 2 and message in r.stderr, r.stderr
    assert not (tmp_path / 'out' / 'runs').exists()  # nothing was trained

def command_exit(argv, capsys):
    """Run `manifold-vae topology`'s parser and checks in-process (as the console script does); its exit status and
    stderr."""
    from manifold_vae.cli import topology_command as command
    with pytest.raises(SystemExit) as e: command([str(a) for a in argv])
    return e.value.code, capsys.readouterr().err

def test_unknown_candidate_and_bad_flags(points, tmp_path, capsys):
    d, _ = points
    code, err = command_exit([d / 'x.npy', '--out', tmp_path, '--candidates', 'circle,klein'], capsys)
    assert code == 2 and 'valid names: R1 R2 R3 interval circle sphere torus so3' in err
    for flag in (['--seeds', '0'], ['--steps', '-5'], ['--threads', '0']):
        code, err = command_exit([d / 'x.npy', '--out', tmp_path, *flag], capsys)
        assert code == 2 and f'argument {flag[0]}:' in err and 'at least 1' in err
    (tmp_path / 'afile').write_text('')
    code, err = command_exit([d / 'x.npy', '--out', tmp_path / 'afile', *QUICK], capsys)
    assert code == 2 and 'argument --out:' in err and 'not a folder' in err
    assert not (tmp_path / 'runs').exists()  # nothing was trained

def test_user_npy_and_exact_resume(points, tmp_path):
    d, _ = points
    r = run(d / 'x.npy', '--out', tmp_path, *QUICK)
    assert r.returncode == 0, r.stderr
    assert '| candidate |' in r.stdout and 'fitting' in r.stderr  # table on stdout, progress on stderr
    first = json.loads((tmp_path / 'topology.json').read_text())
    assert (
        first['ceiling'] is None
        and first['n_train'] + first['n_valid'] + first['n_test'] == 200
        and len(first['candidates']) == 2
    )
    victim = next((tmp_path / 'runs').glob('circle__*.json'))
    victim.unlink()
    (tmp_path / 'runs' / 'R1__junk.json').write_text('{not json')  # a stray corrupt file with another key is ignored
    r = run(d / 'x.npy', '--out', tmp_path, *QUICK)
    assert r.returncode == 0 and 'fitting circle' in r.stderr and 'fitting R1' not in r.stderr
    again = json.loads((tmp_path / 'topology.json').read_text())
    strip = lambda cs: [{k: v for k, v in c.items() if k != 'train_seconds'} for c in cs]
    assert strip(again['candidates']) == strip(first['candidates'])  # the refitted candidate gives the same numbers

def test_two_families_of_one_topology_select_it(tmp_path):
    """ER and the vMF VAE on the circle are two fits of one answer: the rule selects the topology, never 'undecided'
    between them."""
    r = run(
        'suite:circle-0.05',
        '--out',
        tmp_path,
        '--quick',
        '--n',
        '120',
        '--steps',
        '20',
        '--candidates',
        'circle,circle-vmf',
    )
    assert r.returncode == 0, r.stderr
    res = json.loads((tmp_path / 'topology.json').read_text())
    assert res['selected'] == 'circle' and {c['name'] for c in res['candidates']} == {'circle', 'circle-vmf'}

def test_console_script_exits_zero(tmp_path):
    """Through `manifold-vae topology`, as the README runs it: a finished run exits 0 and prints the table, not the
    result dict."""
    exe = Path(sys.executable).parent / 'manifold-vae'
    env = {k: v for k, v in os.environ.items() if k != 'TQDM_MININTERVAL'} | dict(OMP_NUM_THREADS='1')
    r = subprocess.run(
        [
            str(exe),
            'topology',
            'suite:circle-0.05',
            '--out',
            str(tmp_path),
            '--quick',
            '--n',
            '120',
            '--steps',
            '300',
            '--candidates',
            'R1,circle',
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert '| candidate |' in r.stdout and "{'selected'" not in r.stderr
    # stderr is not a terminal here: a progress update every 30 s at most, not one every 0.1 s (300 steps take a second
    # or two per candidate)
    assert r.stderr.count('\r') <= 8, r.stderr.count('\r')
