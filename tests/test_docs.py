"""The docs site, built offline (docs/build.py) and opened in headless Chromium with every request to another host
refused. Skipped where Debian's chromium is not installed (.ci/run installs it)."""
import functools, http.server, importlib.util, re, shutil, threading
from pathlib import Path
from urllib.parse import urlparse
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
PAGES = sorted(p.stem for p in (ROOT / 'nbs').glob('*.ipynb'))  # every notebook is a page of the site

@pytest.fixture(scope='module')
def site(tmp_path_factory):
    spec = importlib.util.spec_from_file_location('docs_build', ROOT / 'docs' / 'build.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = mod.build(tmp_path_factory.mktemp('site') / '_docs')
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass  # no line per request in the test output
    handler = functools.partial(Quiet, directory=str(out))
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{srv.server_address[1]}'
    srv.shutdown()

@pytest.fixture(scope='module')
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                '--no-sandbox',
                '--disable-gpu',
                '--disable-background-networking',
                '--disable-component-update',
                '--no-first-run',
            ],
        )
        yield b
        b.close()

def open_page(browser, url, wait_until='networkidle'):
    "Open `url` with requests to any host but 127.0.0.1 aborted; returns the page and every URL requested."
    ctx = browser.new_context()
    requested = []
    def route(r):
        requested.append(r.request.url)
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith(('data:', 'blob:')) or host == '127.0.0.1': r.continue_()
        else: r.abort()
    ctx.route('**/*', route)
    page = ctx.new_page()
    page.goto(url, wait_until=wait_until)
    return page, requested

@pytest.mark.parametrize('name', ['index', '00_geometry', '01_kl'])
def test_maths_typeset_offline(site, browser, name):
    page, requested = open_page(browser, f'{site}/{name}.html')
    page.wait_for_selector('article mjx-container', state='attached', timeout=20_000)
    n_math = page.locator('article mjx-container').count()
    text = page.inner_text('article')
    assert n_math > 3, f'{name}: only {n_math} typeset formulas'
    assert '$$' not in text, f'{name}: raw $$ left in the page'
    offsite = [u for u in requested if not u.startswith(('data:', 'blob:')) and urlparse(u).hostname != '127.0.0.1']
    assert not offsite, f'{name}: requests to other hosts: {offsite}'

@pytest.mark.parametrize('name', ['index', '06_data', '05_embedding'])
def test_figures_load(site, browser, name):
    page, requested = open_page(browser, f'{site}/{name}.html')
    imgs = page.eval_on_selector_all('article img', 'els => els.map(e => [e.complete, e.naturalWidth])')
    assert imgs and all(ok and w > 0 for ok, w in imgs), f'{name}: figures {imgs}'
    assert all(urlparse(u).hostname == '127.0.0.1' for u in requested if not u.startswith(('data:', 'blob:')))

def test_home_page_has_sidebar_in_tutorial_order(site, browser):
    page, _ = open_page(browser, f'{site}/index.html')
    links = page.eval_on_selector_all('nav.bd-docs-nav a', 'els => els.map(e => e.getAttribute("href"))')
    pages = [l.split('.html')[0] for l in links if l and not l.startswith('#')]
    assert pages[:4] == ['00_geometry', '00a_streams', '01_kl', '02_manifolds'], pages

# The article's visible text outside code (pre, code), typeset maths (mjx-container) and scripts, one string per text
# node.
PROSE_JS = """art => {
  const skip = 'pre, code, mjx-container, script, style, .MathJax';
  const walk = document.createTreeWalker(art, NodeFilter.SHOW_TEXT), out = [];
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (el.closest(skip) || !el.checkVisibility()) continue;
    out.push(n.data);
  }
  return out;
}"""

# pages that show results tables
TABLE_PAGES = [
    'index',
    '08f_bench',
    '08e_table1',
    '08d_report',
    '09_table1',
    '09c_topology_report',
    '10_topology',
    '11_cli',
]


@pytest.mark.parametrize('name', PAGES)
def test_every_page_typesets_its_maths_and_tables(site, browser, name):
    """Inline `$...$` maths (markdown cells, show_doc's docstrings and docments) is typeset: no `$` is left in the
    prose. Tables are HTML tables: no raw `| --- |` line, in the prose or in an output box."""
    page, _ = open_page(browser, f'{site}/{name}.html', wait_until='load')
    # typesetting done, where there is maths
    page.evaluate('() => window.MathJax && MathJax.startup && MathJax.startup.promise')
    prose = ' '.join(page.eval_on_selector('article', PROSE_JS))
    prose = re.sub(r'\s+', ' ', prose)
    # the check below must not pass on an empty page
    assert len(prose) > 200, (f'{name}: no article prose found: {prose!r}')
    # a `$` not followed by a digit is a maths delimiter that was not parsed (a currency amount such as $5 is allowed)
    left = [prose[max(m.start() - 40, 0):m.end() + 40] for m in re.finditer(r'\$(?!\d)', prose)]
    assert not left, f'{name}: {len(left)} raw $ left in the prose: {left}'
    raw = [l for l in page.inner_text('article').splitlines() if re.fullmatch(r'\s*\|(\s*:?-{3,}:?\s*\|)+\s*', l)]
    assert not raw, f'{name}: Markdown table rules left as text: {raw[:3]}'
    if name in TABLE_PAGES:
        assert page.eval_on_selector_all('article table', 'els => els.length') > 0, f'{name}: no HTML table'
    page.context.close()

@pytest.mark.parametrize('name', ['07_models', '03a_spherical'])
def test_source_links_stay_on_the_site(site, name):
    """show_doc's source links open the site's own rendered module at the definition's line, not a repository that may
    not exist."""
    import urllib.request
    html = urllib.request.urlopen(f'{site}/{name}.html').read().decode()
    links = set(re.findall(r'href="(_source/[\w.]+\.py\.html)(?:#(line-\d+))?"', html))
    assert links and 'github.com' not in html
    for path, anchor in links:
        page = urllib.request.urlopen(f'{site}/{path}').read().decode()
        assert not anchor or f'id="{anchor}"' in page, (path, anchor)
