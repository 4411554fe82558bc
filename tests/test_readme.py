import importlib.util, pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent

def test_readme_matches_index_notebook():
    spec = importlib.util.spec_from_file_location('readme', ROOT/'docs'/'readme.py')
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    assert (ROOT/'README.md').read_text(encoding='utf-8') == mod.render(), \
        "README.md and nbs/index.ipynb disagree: edit the notebook and run `make readme`"
