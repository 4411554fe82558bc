"""What a newcomer meets in the first hour: no traceback on legal or bad input, one line and exit 2 for bad input,
Ctrl-C exits 130."""
import json, os, random, signal, subprocess, sys, time
from pathlib import Path
import numpy as np
import pytest
import torch
from manifold_vae.models import Latent, ProductLatent
from manifold_vae import manifolds
from manifold_vae.data import load_points
from manifold_vae.topology import TopologyConfig, split

EXE = Path(sys.executable).parent / 'manifold-vae'
ENV = dict(os.environ, OMP_NUM_THREADS='1')
TINY = ['--quick', '--steps', '20', '--seeds', '2', '--workers', '1']

def topology(*args, timeout=300):
    return subprocess.run(
        [str(EXE), 'topology', *map(str, args)], capture_output=True, text=True, env=ENV, timeout=timeout
    )

def one_line_refusal(r, message):
    "Exit 2, one line on stderr that names the problem, no traceback."
    assert r.returncode == 2, (r.returncode, r.stderr[-1500:])
    assert message in r.stderr and 'Traceback' not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr[
        -1500:
    ]

LATENTS = [
    lambda: Latent('beta', 'circle'),
    lambda: Latent('normal', d=2),
    lambda: Latent('beta', 'so3'),
    lambda: Latent('vmf', 'sphere'),
    lambda: Latent('power_spherical', 'circle'),
    lambda: ProductLatent(Latent('beta', 'circle'), Latent('normal', d=2)),
]

@pytest.mark.parametrize('make', LATENTS)
def test_every_prior_samples_with_and_without_a_generator(make):
    lat = make()
    p = lat.prior((8, lat.d))
    for how in ('sample', 'rsample'):
        assert getattr(p, how)().shape[0] == 8
        a, b = (getattr(p, how)(generator=torch.Generator().manual_seed(3)) for _ in range(2))
        assert torch.equal(a, b)  # the generator is used: the same seed gives the same draw

@pytest.mark.parametrize(
    'make, message',
    [
        (lambda: Latent('normal', d=2.5), 'd must be a positive integer'),
        (lambda: Latent('normal', d=0), 'd must be a positive integer'),
        (lambda: Latent('normal', d=-2), 'd must be a positive integer'),
        (lambda: ProductLatent(), 'at least one Latent'),
        (lambda: manifolds.get('sphere')(torch.rand(4, 3)), 'u must have 2 columns'),
        (lambda: Latent('beta', 'sphere').embed(torch.rand(4, 3)), 'u must have 2 columns'),
        (
            lambda: ProductLatent(Latent('beta', 'circle'), Latent('normal', d=2)).embed(torch.rand(4, 4)),
            'u must have 3 columns',
        ),
    ],
)
def test_library_refuses_bad_arguments_by_name(make, message):
    with pytest.raises(ValueError, match=message): make()

@pytest.fixture(scope='module')
def x():
    return load_points('suite:circle-0.05', n=120)[0].astype(np.float64)

@pytest.mark.parametrize(
    'make, message',
    [
        (
            lambda x: np.c_[x, 1 + 1e-12 * np.random.default_rng(1).normal(size=len(x))],
            'constant column(s) [100]',
        ),  # constant once in float32
        (lambda x: np.where(np.arange(x.size).reshape(x.shape) == 5, 1e300, x), "beyond float32's range"),
        (lambda x: x * 1e-37, "bottom of float32's range"),
    ],
)
def test_float64_data_refused_in_one_line(x, tmp_path, make, message):
    np.save(tmp_path / 'x.npy', make(x))
    one_line_refusal(topology(tmp_path / 'x.npy', '--out', tmp_path / 'out', *TINY), message)
    assert not (tmp_path / 'out' / 'runs').exists()

def test_column_constant_only_in_the_training_split(x, tmp_path):
    held = np.concatenate(split(x, TopologyConfig())[1:])
    col = np.zeros(len(x))
    col[held[0]] = 1.  # varies only among held-out points
    np.save(tmp_path / 'x.npy', np.c_[x, col])
    one_line_refusal(topology(tmp_path / 'x.npy', '--out', tmp_path / 'out', *TINY), 'in the training split')

def test_tiny_but_legal_scale_and_a_csv_header_and_spaced_candidates(x, tmp_path):
    (tmp_path / 'x.csv').write_text(
        ','.join(f'x{j}' for j in range(x.shape[1]))
        + '\n'
        + '\n'.join(','.join('%.17g' % v for v in r) for r in x * 1e-30)
    )
    r = topology(tmp_path / 'x.csv', '--out', tmp_path / 'out', *TINY, '--candidates', 'R1', 'circle')
    assert r.returncode == 0, r.stderr[-2000:]
    assert '| R1 |' in r.stdout and '| circle |' in r.stdout

@pytest.mark.parametrize('make, message', [
    (lambda d: ((d / 'folder').mkdir(), d / 'folder')[1], 'is a folder'),
    (lambda d: ((d / 'text.npy').write_text('1 2 3\n'), d / 'text.npy')[1], 'not a NumPy .npy file'),
    (lambda d: ((d / 'empty.csv').write_text(''), d / 'empty.csv')[1], 'the file is empty'),
    (lambda d: 'suite:circle-0.05', 'at least 50')])
def test_bad_files_refused_in_one_line(tmp_path, make, message):
    data = make(tmp_path)
    extra = ['--n', '5'] if str(data).startswith('suite:') else []
    one_line_refusal(topology(data, '--out', tmp_path / 'out', *TINY, *extra), message)

def test_version_and_help():
    r = subprocess.run([str(EXE), '--version'], capture_output=True, text=True, env=ENV)
    assert r.returncode == 0 and r.stdout.startswith('manifold-vae ')
    for cmd in ('table1', 'bench', 'topology'):
        r = subprocess.run([str(EXE), cmd, '--help'], capture_output=True, text=True, env=ENV)
        assert r.returncode == 0 and 'example' in r.stdout.lower(), (cmd, r.stdout[:500])

@pytest.mark.parametrize(
    'sig, delay, group',
    [
        (signal.SIGINT, 3.0, False),
        (signal.SIGTERM, 3.0, False),
        (signal.SIGINT, 0.0, False),
        (signal.SIGINT, 3.0, True),
        (signal.SIGTERM, 3.0, True),
    ],
)
def test_interrupt_is_one_line_and_exit_130(tmp_path, sig, delay, group):
    """At any moment: while the workers start (delay 0) or train; sent to the main process, or to the whole process
    group as a terminal's Ctrl-C is."""
    p = subprocess.Popen(
        [
            str(EXE),
            'topology',
            'suite:circle-0.05',
            '--out',
            str(tmp_path),
            '--n',
            '200',
            '--steps',
            '20000',
            '--seeds',
            '2',
            '--candidates',
            'R1',
            'circle',
            '--workers',
            '2',
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        start_new_session=group,
    )
    deadline = time.time() + 120
    while not (tmp_path / 'runs').exists() and time.time() < deadline: time.sleep(0.5)  # the work has started
    time.sleep(delay)
    os.killpg(p.pid, sig) if group else p.send_signal(sig)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, err[-2000:]
    assert 'interrupted; rerun the same command to resume' in err and 'Traceback' not in err, err[-2000:]

@pytest.mark.parametrize('other_thread', [False, True])
def test_ctrl_c_while_the_workers_are_spawned_is_not_lost(other_thread):
    """A Ctrl-C in the instant `LocalExecutor.map` spawns its workers interrupts it, with or without another thread to
    receive it (starting multiprocessing's resource tracker unblocks the signals that `map` holds back)."""
    code = f"""
import os, signal, threading, time
import concurrent.futures.process as P
from manifold_vae.sweep import LocalExecutor
spawn = P.ProcessPoolExecutor._spawn_process
def spawn_interrupted(self):  # the Ctrl-C comes as the first worker is spawned, after the resource tracker started
    if not self._processes: os.kill(os.getpid(), signal.SIGINT)
    spawn(self)
P.ProcessPoolExecutor._spawn_process = spawn_interrupted
if {other_thread}: threading.Thread(target=time.sleep, args=(60,), daemon=True).start()  # it may receive the signal
try:
    LocalExecutor(2).map(time.sleep, [(5,), (5,)])
    print('finished')
except KeyboardInterrupt: print('interrupted')
"""
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=ENV, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == 'interrupted', (r.stdout, r.stderr[-2000:])

def test_table1_ctrl_c_to_the_process_group_is_one_line(tmp_path):
    """A terminal's Ctrl-C reaches the workers too (same process group): while one worker waits for the other, it must
    not print a traceback."""
    out = tmp_path / 'o'
    p = subprocess.Popen(
        [str(EXE), 'table1', '--quick', '--out', str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while not (out / 'runs').exists() and time.time() < deadline: time.sleep(0.2)
    time.sleep(6)  # the main table's two workers train, one of them idle once its share is done
    os.killpg(p.pid, signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130 and 'Traceback' not in err and 'interrupted; rerun the same command to resume' in err, (
        err[-2000:]
    )

def _numbers(folder:Path) -> dict:  # every run file's content without its timings
    return {
        p.name: {k: v for k, v in json.loads(p.read_text()).items() if not k.endswith('seconds')}
        for p in sorted((folder / 'runs').glob('*.json'))
    }

def test_interrupt_at_a_random_moment_then_resume_gives_every_number_of_an_uninterrupted_run(tmp_path):
    """Checkpoints every 0.3 s: Ctrl-C at a random moment of the training keeps the training state; the same command
    again gives run files equal to an uninterrupted run's."""
    args = [
        'table1',
        '--quick',
        '--rows',
        'vae_r1',
        'er_projection',
        '--noisy',
        'none',
        '--steps',
        '1500',
        '--workers',
        '2',
        '--checkpoint-seconds',
        '0.3',
    ]
    run = lambda out: subprocess.run(
        [str(EXE), *args, '--out', str(out)], capture_output=True, text=True, env=ENV, timeout=300
    )
    ref = run(tmp_path / 'ref')
    assert ref.returncode == 0, ref.stderr[-2000:]
    cut, delay = tmp_path / 'cut', random.uniform(0., 0.8)
    p = subprocess.Popen(
        [str(EXE), *args, '--out', str(cut)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV
    )
    deadline = time.time() + 120
    while not list(cut.glob('checkpoints/stack__*.pt')) and time.time() < deadline:
        time.sleep(0.05)  # the training has saved its state once
    time.sleep(delay)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130, (delay, err[-2000:])
    kept = sorted(q.name for q in (cut / 'checkpoints').glob('*.pt'))
    assert kept, delay  # the interrupted training left its state (before checkpoints, nothing survived an interrupt)
    again = run(cut)
    assert again.returncode == 0, again.stderr[-2000:]
    assert _numbers(cut) == _numbers(tmp_path / 'ref') and len(_numbers(cut)) == 4, (delay, kept)
    assert not list((cut / 'checkpoints').glob('*.pt'))  # nothing left once the results are written
