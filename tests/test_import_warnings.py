"Importing or compiling any module of the package raises no warning (an invalid escape sequence in a docstring would)."
import pkgutil, subprocess, sys, warnings
from pathlib import Path
import manifold_vae

PKG = Path(manifold_vae.__file__).parent
MODULES = sorted(m.name for m in pkgutil.iter_modules(manifold_vae.__path__) if m.name not in ('__main__', '_modidx'))

# compiled afresh: a cached .pyc would hide compile-time warnings from an import
def test_sources_compile_without_warnings():
    for p in sorted(PKG.glob('*.py')):
        with warnings.catch_warnings():
            warnings.simplefilter('error')
            compile(p.read_text(), str(p), 'exec')

def test_imports_are_silent():
    code = '; '.join(f'import manifold_vae.{m}' for m in MODULES)
    r = subprocess.run([sys.executable, '-W', 'error', '-c', code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
