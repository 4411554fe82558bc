"""The docs site, built offline (docs/build.py) and opened in headless Chromium with every request to another host refused.
Skipped where Debian's chromium is not installed (.ci/run installs it)."""
import functools, http.server, importlib.util, shutil, threading
from pathlib import Path
from urllib.parse import urlparse
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

@pytest.fixture(scope='module')
def site(tmp_path_factory):
    spec = importlib.util.spec_from_file_location('docs_build', ROOT / 'docs' / 'build.py')
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    out = mod.build(tmp_path_factory.mktemp('site') / '_docs')
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *a: None
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{srv.server_address[1]}'
    srv.shutdown()

@pytest.fixture(scope='module')
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=['--no-sandbox', '--disable-gpu', '--disable-background-networking',
                                                             '--disable-component-update', '--no-first-run'])
        yield b
        b.close()

def open_page(browser, url):
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
    page.goto(url, wait_until='networkidle')
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

@pytest.mark.parametrize('name', ['02_data', '05_embedding'])
def test_figures_load(site, browser, name):
    page, requested = open_page(browser, f'{site}/{name}.html')
    imgs = page.eval_on_selector_all('article img', 'els => els.map(e => [e.complete, e.naturalWidth])')
    assert imgs and all(ok and w > 0 for ok, w in imgs), f'{name}: figures {imgs}'
    assert all(urlparse(u).hostname == '127.0.0.1' for u in requested if not u.startswith(('data:', 'blob:')))

def test_home_page_has_sidebar_in_tutorial_order(site, browser):
    page, _ = open_page(browser, f'{site}/index.html')
    links = page.eval_on_selector_all('nav.bd-docs-nav a', 'els => els.map(e => e.getAttribute("href"))')
    pages = [l.split('.html')[0] for l in links if l and not l.startswith('#')]
    assert pages[:3] == ['00_geometry', '01_kl', '02_data'], pages
