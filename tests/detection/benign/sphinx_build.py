# Sphinx building a small project to HTML: conf.py is executed, autodoc
# imports a module, the search index and highlighted code are written.
import os, subprocess, sys

workdir = os.environ["BENIGN_WORKDIR"]
source = os.path.join(workdir, "docs")
os.makedirs(source, exist_ok=True)
with open(os.path.join(workdir, "shapes.py"), "w") as module:
    module.write('"""Shapes."""\n\n\nclass Square:\n    """A square."""\n\n    def area(self, side: float) -> float:\n'
                 '        """The area of a square of `side`."""\n        return side * side\n')
with open(os.path.join(source, "conf.py"), "w") as conf:
    conf.write("import os, sys\nsys.path.insert(0, os.path.abspath('..'))\nproject = 'Shapes'\n"
               "extensions = ['sphinx.ext.autodoc', 'sphinx.ext.viewcode', 'sphinx.ext.doctest', 'sphinx.ext.todo']\n"
               "html_theme = 'alabaster'\n")
with open(os.path.join(source, "index.rst"), "w") as index:
    index.write("Shapes\n======\n\n.. toctree::\n\n   usage\n\n.. automodule:: shapes\n   :members:\n")
with open(os.path.join(source, "usage.rst"), "w") as usage:
    usage.write("Usage\n=====\n\n.. code-block:: python\n\n   from shapes import Square\n   Square().area(2)\n\n"
                ".. todo:: more shapes\n\n.. doctest::\n\n   >>> 2 * 2\n   4\n")
environment = dict(os.environ, HOME=workdir)
for builder in ("html", "doctest"):
    subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", builder, source, os.path.join(workdir, "_build", builder)],
                   env=environment, check=True, timeout=60)
with open(os.path.join(workdir, "_build", "html", "index.html")) as page:
    assert "The area of a square" in page.read()
