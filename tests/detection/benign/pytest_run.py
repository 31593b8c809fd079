# pytest with assertion rewriting, on a small project beside this file.
import os, subprocess, sys, tempfile

project = tempfile.mkdtemp(dir=os.environ.get("BENIGN_WORKDIR"))
with open(os.path.join(project, "test_sample.py"), "w") as test:
    test.write("import pytest\n\n@pytest.mark.parametrize('n', [1, 2])\ndef test_double(n):\n    assert n * 2 == n + n\n")
# Bytecode, pytest's rewritten modules and plugins included, is cached under
# the scratch directory rather than beside the installed packages.
environment = dict(os.environ, PYTHONPYCACHEPREFIX=os.path.join(project, "pycache"))
for _ in range(2):  # the second run loads the rewritten, cached bytecode
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", project], check=True,
                   stdout=subprocess.DEVNULL, env=environment)
