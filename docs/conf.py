# Sphinx configuration of the docs site (built by `make docs`, i.e. docs/build.py, from nbdev's processed notebooks).
# Everything it needs installs from PyPI and the site loads nothing from another host.
from configparser import ConfigParser
from pathlib import Path

_ini = ConfigParser(delimiters=['='])
_ini.read(Path(__file__).resolve().parent.parent / 'settings.ini', encoding='utf-8')
_cfg = _ini['DEFAULT']

project = _cfg['title']
author = _cfg['author']
copyright = _cfg['copyright']
version = release = _cfg['version']

root_doc = 'index'
extensions = ['myst_nb', 'sphinx-mathjax-offline']  # the PyPI package's module name has hyphens
nb_execution_mode = 'off'                      # show the notebooks' stored outputs; never re-execute
nb_merge_streams = True
myst_enable_extensions = ['dollarmath', 'amsmath']
myst_dmath_double_inline = True
# show_doc's docstrings and docments are stored as text/markdown outputs, which myst-nb parses by default with an
# isolated
# CommonMark parser (nb_render_markdown_format = 'commonmark'): no dollarmath, so their `$...$` reached the page raw.
# 'myst' parses them with the settings above, as the markdown cells are.
nb_render_markdown_format = 'myst'
nb_ipywidgets_js = {}                          # no widget scripts from a CDN
exclude_patterns = ['_build', '**.ipynb_checkpoints']
suppress_warnings = ['mystnb.unknown_mime_type', 'misc.highlighting_failure', 'myst.header']

html_theme = 'sphinx_book_theme'
html_title = f"{project} {version}"
html_theme_options = {
    'show_toc_level': 2,
    'use_download_button': False,
    'use_fullscreen_button': False,
    'navigation_with_keys': False,
}
html_static_path = []
html_show_sourcelink = False
