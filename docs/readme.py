"""Generate README.md from nbs/index.ipynb (nbdev_readme needs Quarto, which cannot be installed here).

Markdown cells are copied, code cells become ```python blocks, `#|` directive lines and `#| hide` / `#| echo: false`
cells are dropped, and the notebook's front matter (title and `>` subtitle) is kept as written. `tests/test_readme.py`
checks the result.
"""
import json, pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent

def render(nb_path=ROOT/'nbs'/'index.ipynb') -> str:
    nb = json.loads(pathlib.Path(nb_path).read_text(encoding='utf-8'))
    parts = []
    for cell in nb['cells']:
        src = ''.join(cell['source'])
        if cell['cell_type'] == 'markdown': parts.append(src.strip())
        elif cell['cell_type'] == 'code':
            lines = src.splitlines()
            if any(l.replace(' ', '').startswith(('#|hide', '#|echo:false')) for l in lines):
                continue  # hidden, or shown by its output only
            code = '\n'.join(l for l in lines if not l.startswith('#|')).strip()
            if code: parts.append(f"```python\n{code}\n```")
    note = "<!-- generated from nbs/index.ipynb by `make readme` (docs/readme.py); edit the notebook, not this file -->"
    return note + '\n\n' + '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    out = ROOT/'README.md'
    out.write_text(render(), encoding='utf-8')
    print(f"wrote {out.relative_to(ROOT)}")
