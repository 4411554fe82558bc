"""Build the docs site into _docs/ (nbdev's doc_path) without Quarto.

1. nbdev.serve.proc_nbs() processes the notebooks as for nbdev_docs: `#| hide` and export cells removed, `show_doc`
   output stored as markdown, the title cell turned into Quarto front matter, Quarto cell options added.
2. A small translation step turns that into what myst-nb reads: front matter -> an H1 title and a subtitle; Quarto cell
   options (`#| echo: false`, `#| output: false`, `#| include: false`) -> cell tags (remove-input, remove-output,
   remove-cell); the `#|` lines are dropped from the shown code; the home page gets the table of contents.
3. Sphinx (myst-nb, sphinx-book-theme, sphinx-mathjax-offline) renders the stored outputs, offline: no re-execution.
   show_doc's markdown outputs are parsed as MyST, like the markdown cells (conf.py: nb_render_markdown_format), so
   `$...$` in docstrings and docments is typeset; tests/test_docs.py fails on any raw `$` left in a page's prose.
4. show_doc's "source" links point at the package's repository (settings.ini's git_url), which a reader of a local build
   may not reach: they are pointed at the site's own copy of each module instead, `_source/<module>.py.html`, rendered
   by Pygments with an anchor per line, so a link lands on the definition whatever the repository's state.
`nbdev_docs` stays usable where Quarto exists; this is the build that CI and these machines run.
"""
import json, re, shutil, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGE = ROOT / '_proc_sphinx'
OUT = ROOT / '_docs'

def _front_matter(src: str) -> dict:
    "nbdev's YAML front matter (title, description, ...) as a dict."
    import yaml  # PyYAML comes with myst-parser
    return yaml.safe_load(src.strip().strip('-')) or {}

def _options(lines):
    opts = {}
    for l in lines:
        m = re.match(r"^#\|\s*([\w-]+)\s*:\s*(.*)$", l)
        if m: opts[m.group(1)] = m.group(2).strip()
    return opts

def _git_url() -> str:
    "settings.ini's git_url, the prefix of show_doc's source links."
    import configparser
    cp = configparser.ConfigParser()
    cp.read(ROOT / 'settings.ini')
    return cp['DEFAULT'].get('git_url', '').rstrip('/')

def local_source_links(text: str, git_url: str) -> str:
    """Source links into the repository (`{git_url}/blob/<branch>/<lib>/<module>.py#L<n>`) made links into the site's
    `_source/` pages."""
    if not git_url: return text
    # as raw HTML: a Markdown link to a path is read by MyST as a cross-reference into the docs, and dropped when it is
    # not one
    return re.sub(
        r'\[([^\]]*)\]\(' + re.escape(git_url) + r'/blob/[^/\s)]+/[\w/]*?(\w+\.py)(?:#L(\d+))?\)',
        lambda m: (
            f'<a href="_source/{m.group(2)}.html'
            + (f'#line-{m.group(3)}' if m.group(3) else '')
            + f'">{m.group(1)}</a>'
        ),
        text,
    )

def write_sources(out: Path) -> list:
    "Each module of the package as an HTML page with an anchor per line (`#line-<n>`), into out/_source/."
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer
    dest = out / '_source'
    dest.mkdir(parents=True, exist_ok=True)
    fmt = HtmlFormatter(full=True, linenos='inline', lineanchors='line', anchorlinenos=True)
    pages = []
    for py in sorted((ROOT / 'manifold_vae').glob('*.py')):
        fmt.title = f"manifold_vae/{py.name}"
        (dest / f"{py.name}.html").write_text(
            highlight(py.read_text(encoding='utf-8'), PythonLexer(), fmt), encoding='utf-8'
        )
        pages.append(dest / f"{py.name}.html")
    return pages

def translate(nb: dict, toc=None, git_url: str = '') -> dict:
    cells = []
    for c in nb['cells']:
        src = ''.join(c['source']) if isinstance(c['source'], list) else c['source']
        if c['cell_type'] == 'raw' and src.lstrip().startswith('---'):
            fm = _front_matter(src)
            md = f"# {fm.get('title', '')}\n"
            if fm.get('description'): md += f"\n> {fm['description']}\n"
            cells.append(dict(cell_type='markdown', id='mvae-title', metadata={}, source=md))
            continue
        if c['cell_type'] == 'code':
            lines = src.splitlines()
            opts = _options(lines)
            tags = set(c.get('metadata', {}).get('tags', []))
            if opts.get('include') == 'false': tags.add('remove-cell')
            if opts.get('echo') == 'false': tags.add('remove-input')
            if opts.get('output') == 'false': tags.add('remove-output')
            c = dict(c, source='\n'.join(l for l in lines if not l.startswith('#|')).strip('\n'))
            c['metadata'] = dict(c.get('metadata', {}), tags=sorted(tags))
            # show_doc's markdown is framed by '---' rules, which docutils rejects inside an output
            for o in c.get('outputs', []):
                md = o.get('data', {}).get('text/markdown')
                if md is not None:
                    text = ''.join(md) if isinstance(md, list) else md
                    # Pandoc link attributes, which MyST would print
                    text = re.sub(r'\)\{target="_blank"[^}]*\}', ')', text)
                    text = local_source_links(text, git_url)
                    o['data']['text/markdown'] = '\n'.join(l for l in text.splitlines() if l.strip() != '---')
        cells.append(c)
    if toc:
        cells.append(dict(cell_type='markdown', id='mvae-toc', metadata={},
                          source="```{toctree}\n:hidden:\n:maxdepth: 1\n\nHome <self>\n" + '\n'.join(toc) + "\n```"))
    nb = dict(nb, cells=cells)
    nb.setdefault('metadata', {})['kernelspec'] = {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'}
    return nb

def build(out: Path = OUT, quiet=True) -> Path:
    t0 = time.time()
    sys.path.insert(0, str(ROOT))
    import os
    os.chdir(ROOT)
    from nbdev.serve import proc_nbs
    proc = proc_nbs(n_workers=0)
    if STAGE.exists(): shutil.rmtree(STAGE)
    STAGE.mkdir()
    pages = sorted(p.stem for p in Path(proc).glob('*.ipynb') if p.stem != 'index')
    for p in Path(proc).glob('*.ipynb'):
        nb = json.loads(p.read_text(encoding='utf-8'))
        (STAGE / p.name).write_text(
            json.dumps(translate(nb, pages if p.stem == 'index' else None, _git_url())), encoding='utf-8'
        )
    if out.exists(): shutil.rmtree(out)
    # myst-nb writes a jupyter_execute/ beside the build folder: keep it inside the stage
    html = (STAGE / '_build' / 'html')
    cmd = [sys.executable, '-m', 'sphinx', '-b', 'html', '-c', str(ROOT / 'docs'), str(STAGE), str(html)] + (
        ['-q'] if quiet else []
    )
    subprocess.run(cmd, check=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(html), str(out))
    write_sources(out)
    shutil.rmtree(STAGE)
    size = sum(f.stat().st_size for f in out.rglob('*') if f.is_file())
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    print(
        f"docs built into {shown}/ in {time.time() - t0:.1f} s ({size / 1e6:.1f} MB); view: python -m http.server -d "
        f"{shown}"
    )
    return out

if __name__ == '__main__':
    build(quiet='-v' not in sys.argv)
