"""Table 1's verdicts: no "holds" for identical or NaN inputs, a two-sided test whose p-values come from
Student's t, Holm's correction across the table's comparisons, and a caption that says so."""
import dataclasses, math
from manifold_vae.experiment import quick_config
from manifold_vae.stats import paired_verdict, t_pvalue, holm, summarize, matches_t_table
from manifold_vae.report import markdown_table

def test_identical_inputs_are_not_significant():
    v = paired_verdict([1., 2., 3.], [1., 2., 3.])
    assert v['verdict'] == 'not significant' and v['t'] == 0 and v['p'] == 1

def test_nan_inputs_give_no_verdict():
    for a in ([1., math.nan, 3.], [math.nan] * 3, [math.inf, 1., 2.]):
        assert paired_verdict(a, [0., 0., 0.])['verdict'] not in ('holds', 'reversed')

def test_two_sided_pvalues_match_printed_t_tables():
    assert matches_t_table()
    # 2.132 is the one-sided 5% value
    assert abs(t_pvalue(2.776, 4) - 0.05) < 1e-4 and abs(t_pvalue(2.132, 4) - 0.10) < 1e-4
    assert not matches_t_table(lambda t, df: math.erfc(abs(t) / 2**0.5))  # the check fails for a wrong distribution

def test_one_sided_critical_value_is_not_enough():
    "t = 2.5 with 4 df passed the old one-sided test at 5% (2.132); two-sided at 5% (2.776) it is not significant."
    v = paired_verdict([2.5 / 5**0.5 + x for x in (1., -1., 1., -1., 0.)], [0.] * 5)
    assert abs(v['t'] - 2.5) < 1e-9 and v['verdict'] == 'not significant'

def test_holm_by_hand():
    assert all(abs(a - b) < 1e-12 for a, b in zip(holm([0.01, 0.04, 0.03, 0.005]), [0.03, 0.06, 0.06, 0.02]))

def test_table_verdicts_are_holm_adjusted_and_the_caption_says_so():
    """Two manifold rows: one clearly better, one with p ≈ 0.03 alone; Holm over the 4 comparisons makes the second not
    significant."""
    rows = ('VAE R1', 'ER projection', 'ER learned f')
    cfg = dataclasses.replace(quick_config(), rows=rows)
    base = [0., 0., 0., 0., 0.]
    strong = [10. + x for x in (1., -1., 1., -1., 0.)]
    weak = [3.3 / 5**0.5 + x for x in (1., -1., 1., -1., 0.)]  # t = 3.3, 4 df: two-sided p ≈ 0.030
    runs = [
        dict(row=r, seed=s, elbo=v[s], iwae=v[s], train_seconds=1.0)
        for r, v in zip(rows, (base, strong, weak))
        for s in range(5)
    ]
    s = summarize(runs, cfg)
    w = s['ER learned f']['vs_vae_r1_elbo']
    assert 0.02 < w['p'] < 0.04 and w['m'] == 4 and w['p_holm'] > 0.05 and w['verdict'] == 'not significant'
    assert s['ER projection']['vs_vae_r1_elbo']['verdict'] == 'holds'
    md = markdown_table(s, cfg)
    assert (
        'two-sided paired t-test' in md
        and 'Holm-adjusted' in md
        and "table's 4 comparisons" in md
        and 'one-sided' not in md
    )
