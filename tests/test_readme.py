import importlib.util, pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent

def test_readme_matches_index_notebook():
    spec = importlib.util.spec_from_file_location('readme', ROOT/'docs'/'readme.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert (ROOT/'README.md').read_text(encoding='utf-8') == mod.render(), \
        "README.md and nbs/index.ipynb disagree: edit the notebook and run `make readme`"

def test_readme_python_examples_run_alone(tmp_path):
    "Each ```python block of the README runs by itself in a fresh interpreter (every import it needs is in it)."
    import re, subprocess, sys
    blocks = re.findall(r"```python\n(.*?)```", (ROOT/'README.md').read_text(encoding='utf-8'), re.S)
    assert blocks
    for i, code in enumerate(blocks):
        r = subprocess.run([sys.executable, '-c', code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, f"README example {i + 1} fails alone:\n{r.stderr[-2000:]}"

def test_package_metadata_names_no_placeholder_address():
    "No placeholder e-mail and no link to a repository that does not exist in what pip shows (settings.ini → setup.py)."
    import importlib.metadata
    md = importlib.metadata.metadata('manifold_vae')
    assert 'example.org' not in str(md.get('Author-email')) and 'example.org' not in str(md.get('Author'))
    assert 'github.com/manifold-vae' not in str(md.get('Home-page')) and not any(
        'github.com/manifold-vae' in u for u in md.get_all('Project-URL') or []
    )
