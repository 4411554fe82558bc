"""Flags and arguments of `manifold-vae` (and the `topology` dispatch), in-process through `cli.main`:
each bad value is refused before any work with one line naming it."""
import contextlib, io, json, sys
from pathlib import Path
import pytest, torch
from manifold_vae import cli, experiment, table1
from manifold_vae.models import ROWS

def run(argv):
    "(exit status, stdout, stderr) of `manifold-vae ARGV`."
    o, e = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        try: code = cli.main([str(a) for a in argv])
        except SystemExit as x: code = x.code
    return code, o.getvalue(), e.getvalue()

TINY = ['--quick', '--steps', '10', '--noisy', 'none', '--workers', '1']  # one process, Table 1 alone: seconds

@pytest.mark.parametrize(
    'argv, arg',
    [
        (['table1', '--seeds', '0'], '--seeds'),
        (['table1', '--seeds', '-1'], '--seeds'),
        (['table1', '--steps', '-5'], '--steps'),
        (['table1', '--steps', '0'], '--steps'),
        (['table1', '--threads', '0'], '--threads'),
        (['table1', '--device', 'banana'], '--device'),
        (['bench', '--bench-steps', '0'], '--bench-steps'),
        (['bench', '--bench-rounds', '0'], '--bench-rounds'),
        (['table1', '--seeds', 'two'], '--seeds'),
        (['table1', '--rows', 'VAE R3'], '--rows'),
        (['table1', '--noisy', '0'], '--noisy'),
        (['table1', '--noisy', '0.05,x'], '--noisy'),
        (['table1', '--noisy', 'inf'], '--noisy'),
    ]
    + ([(['table1', '--device', 'cuda'], '--device')] if not torch.cuda.is_available() else []),
)
def test_bad_values_refused_with_one_line(argv, arg, tmp_path):
    code, out, err = run(argv + ['--out', tmp_path / 'o'])
    assert code == 2 and len(err.strip().splitlines()) == 1 and f'argument {arg}:' in err, err
    assert not (tmp_path / 'o').exists() and not out

def test_out_checked_before_any_work(tmp_path, monkeypatch):
    monkeypatch.setattr(table1, 'fit_runs', lambda *a, **k: pytest.fail('trained before checking --out'))
    (tmp_path / 'afile').write_text('')
    for out in (tmp_path / 'afile', tmp_path / 'afile' / 'sub', Path('/proc/manifold_vae_out')):
        code, _, err = run(['table1', *TINY, '--out', out])
        assert code == 2 and len(err.strip().splitlines()) == 1 and 'argument --out:' in err, err
    code, _, err = run(['bench', '--quick', '--skip-table', '--out', tmp_path / 'b', '--table-out', tmp_path / 'afile'])
    assert code == 2 and 'argument --table-out:' in err

def test_explicit_seeds_equal_to_the_default_are_honoured():
    assert cli.config_from_args(cli.parser().parse_args(['table1', '--quick', '--seeds', '5'])).seeds == 5
    assert cli.config_from_args(cli.parser().parse_args(['table1', '--quick'])).seeds == 2

def test_steps_below_log_every_train_plot_and_rerun(tmp_path):
    for _ in range(2):
        code, out, err = run(['table1', *TINY, '--rows', 'vae_r1', '--out', tmp_path])
        assert code == 0, err
    assert (tmp_path / 'learning_curves.png').exists()
    assert json.loads((tmp_path / 'runs' / 'vae_r1__seed0.json').read_text())['curve_steps'] == [10]

def test_rows_chosen_by_name_or_slug(tmp_path):
    code, out, err = run(['table1', *TINY, '--rows', 'vae_r1', 'ER projection', '--out', tmp_path])
    assert code == 0, err
    res = json.loads((tmp_path / 'table1.json').read_text())
    assert [r['row'] for r in res['runs']] == ['VAE R1', 'VAE R1', 'ER projection', 'ER projection']
    assert res['config']['rows'] == ['VAE R1', 'ER projection']
    code, _, err = run(['table1', '--rows', 'er_projektion'])
    assert code == 2 and all(f"'{r}'" in err for r in ROWS)
    # fewer rows than the folder's table: refused
    code, _, err = run(['table1', *TINY, '--rows', 'vae_r1', '--out', tmp_path])
    assert code == 2 and 'would leave out its rows' in err

def test_row_whose_members_all_fail_is_reported_and_the_table_goes_on(tmp_path, monkeypatch):
    real = experiment.train

    # the row's decoder returns inf: every member of that row turns non-finite at step 0, the others train on
    def train(models, *a, **k):
        for m in models:
            if m.row == ROWS['ER projection']:
                with torch.no_grad(): m.decoder.layers[-1].bias.fill_(float('inf'))
        return real(models, *a, **k)
    monkeypatch.setattr(experiment, 'train', train)
    argv = ['table1', *TINY, '--rows', 'vae_r1', 'er_projection', 'vae_r2', '--out', tmp_path]
    code, out, err = run(argv)
    assert code == 0, err
    assert (
        "| ER projection | — | — | — | — | — | 0: **failed** (non-finite loss in row 'ER projection': every seed by "
        "step 0) |"
        in out
    )
    assert '| VAE R2 | ' in out and '| VAE R1 | ' in out
    # the failure is recorded: a rerun does not abort, and does not retry it
    monkeypatch.setattr(experiment, 'train', real)
    code, out, err = run(argv)
    assert code == 0, err
    assert json.loads((tmp_path / 'table1.json').read_text())['trained_this_invocation'] == []

def test_fresh_removes_tmp_and_earlier_files(tmp_path):
    code, _, err = run(['table1', *TINY, '--rows', 'vae_r1', '--out', tmp_path])
    assert code == 0, err
    (tmp_path / 'runs' / 'tmpdead.tmp').write_text('{')
    (tmp_path / 'runs' / 'er_projection__seed0.json.corrupt').write_text('')
    code, _, err = run(['table1', *TINY, '--rows', 'vae_r1', '--out', tmp_path, '--fresh'])
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / 'runs').iterdir()) == ['vae_r1__seed0.json', 'vae_r1__seed1.json']
    assert json.loads((tmp_path / 'table1.json').read_text())['trained_this_invocation'] == [['VAE R1', [0, 1]]]

def test_bench_quick(tmp_path):
    code, out, err = run(
        [
            'bench',
            '--quick',
            '--rows',
            'vae_r1',
            '--bench-steps',
            '5',
            '--bench-rounds',
            '2',
            '--skip-table',
            '--skip-topology',
            '--skip-compiled',
            '--out',
            tmp_path,
        ]
    )
    assert code == 0, err
    text = (tmp_path / 'bench.md').read_text()
    assert '| VAE R1 |' in text and 'in each of 2 round(s)' in text

def test_topology_dispatch(monkeypatch):
    got = []
    monkeypatch.setattr(cli, 'topology_main', lambda argv: got.append(argv) or 0)
    assert cli.main(['topology', '--seeds', '2', 'x']) == 0 and got == [['--seeds', '2', 'x']]
    monkeypatch.setitem(sys.modules, 'manifold_vae.topology', None)  # as if the module were missing
    code, _, err = run(['topology'])
    assert code == 2 and 'no topology experiment' in err

def test_noisy_levels_parse():
    assert cli.noise_levels('none') == () and cli.noise_levels('0.05, 0.01') == (0.05, 0.01)
    assert cli.parser().parse_args(['table1']).noisy == experiment.NOISY
