# nox sessions from a noxfile: one on the running interpreter (no virtual
# environment), one in a fresh virtualenv with the system site-packages.
import os, subprocess, sys

workdir = os.environ["BENIGN_WORKDIR"]
with open(os.path.join(workdir, "noxfile.py"), "w") as out:
    out.write('''import sys

import nox

nox.options.error_on_external_run = False


# No environment: the interpreter nox runs on (Debian has no "python" on
# PATH without python-is-python3).
@nox.session(python=False)
def lint(session):
    session.run(sys.executable, "-m", "py_compile", "noxfile.py")
    session.run("sh", "-c", "echo linted > lint.txt", external=True)


@nox.session(venv_params=["--system-site-packages"], reuse_venv=False)
def tests(session):
    session.run("python", "-c", "import sys, jinja2; assert sys.prefix != sys.base_prefix")
''')
environment = dict(os.environ, HOME=workdir)
subprocess.run([sys.executable, "-m", "nox", "--no-color", "--envdir", os.path.join(workdir, ".nox")], cwd=workdir,
               env=environment, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
with open(os.path.join(workdir, "lint.txt")) as result:
    assert result.read() == "linted\n"
