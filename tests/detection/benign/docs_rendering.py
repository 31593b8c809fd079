# Documentation tools: reStructuredText rendered with docutils (HTML and a
# doctree), Markdown with extensions, and Pygments highlighting in several
# lexers and formatters, as static site generators do.
import os

import docutils.core
import markdown
import pygments
from pygments.formatters import HtmlFormatter, TerminalFormatter
from pygments.lexers import PythonLexer, get_lexer_by_name, guess_lexer_for_filename

rst = """Release notes
=============

.. contents::

Fixes
-----

* A *bug* in ``parse()`` is fixed [#]_.

.. code:: python

   print("hello")

.. [#] See the tracker.

+-------+-------+
| a     | b     |
+=======+=======+
| 1     | 2     |
+-------+-------+
"""
parts = docutils.core.publish_parts(rst, writer_name="html5", settings_overrides={"report_level": 5})
assert "Release notes" in parts["title"] and "<table" in parts["body"]
doctree = docutils.core.publish_doctree(rst, settings_overrides={"report_level": 5})
assert doctree.astext().startswith("Release notes")
text = "# Title\n\n[TOC]\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nprint('x')\n```\n\n*[HTML]: Hyper Text\n"
rendered = markdown.markdown(text, extensions=["tables", "fenced_code", "toc", "abbr", "codehilite"])
assert "<table>" in rendered and 'class="codehilite"' in rendered
source = "def area(r):\n    return 3.14159 * r ** 2\n"
highlighted = pygments.highlight(source, PythonLexer(), HtmlFormatter(linenos=True, cssclass="source"))
assert '<span class="k">def</span>' in highlighted
assert "\x1b[" in pygments.highlight("SELECT 1;", get_lexer_by_name("sql"), TerminalFormatter())
assert guess_lexer_for_filename("site.yaml", "a: 1\n").name == "YAML"
with open(os.path.join(os.environ["BENIGN_WORKDIR"], "style.css"), "w") as css:
    css.write(HtmlFormatter().get_style_defs(".source"))
