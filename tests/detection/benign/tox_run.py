# tox running a project's test environment: it builds the package, makes a
# virtual environment with the system site-packages (no downloads), installs
# the package into it offline and runs the commands.
import os, subprocess, sys

workdir = os.environ["BENIGN_WORKDIR"]
project = os.path.join(workdir, "proj")
os.makedirs(os.path.join(project, "proj"), exist_ok=True)
files = {
    "setup.py": "from setuptools import setup\nsetup(name='proj', version='0.1', packages=['proj'])\n",
    "proj/__init__.py": "def double(n):\n    return 2 * n\n",
    "test_proj.py": "import proj\n\ndef test_double():\n    assert proj.double(4) == 8\n",
    "tox.ini": "[tox]\nenvlist = py\nskip_missing_interpreters = false\n\n[testenv]\nsitepackages = true\n"
               # What the sanitizer builds need (make e2e-asan) reaches the environments too.
               "passenv =\n    ASAN_OPTIONS\n    UBSAN_OPTIONS\n    LSAN_OPTIONS\n"
               "install_command = python -m pip install --no-index --no-build-isolation {opts} {packages}\n"
               "setenv =\n    PIP_DISABLE_PIP_VERSION_CHECK=1\n    PYTHONPYCACHEPREFIX={toxworkdir}/pycache\n"
               "commands =\n    python -m pytest -q -p no:cacheprovider test_proj.py\n    python -c \"import proj; print(proj.double(21))\"\n"
               # tox 4 builds the package in an environment of its own, whose build
               # requirements come from the system's site-packages too (offline).
               "\n[testenv:.pkg]\nsystem_site_packages = true\n",
}
for name, text in files.items():
    with open(os.path.join(project, name), "w") as out:
        out.write(text)
environment = dict(os.environ, HOME=workdir, PIP_NO_INDEX="1")
subprocess.run([sys.executable, "-m", "tox", "-e", "py", "--workdir", os.path.join(workdir, ".tox")], cwd=project,
               env=environment, check=True, stdout=subprocess.DEVNULL, timeout=120)
