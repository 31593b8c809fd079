# A package built the way maintainers release it: python -m build, without
# isolation, to an sdist and a wheel; then setup.py bdist_wheel the old way.
import os, subprocess, sys, tarfile, zipfile

workdir = os.environ["BENIGN_WORKDIR"]
project = os.path.join(workdir, "tally")
os.makedirs(os.path.join(project, "src", "tally"), exist_ok=True)
files = {
    "pyproject.toml": '[build-system]\nrequires = ["setuptools>=61", "wheel"]\nbuild-backend = "setuptools.build_meta"\n\n'
                      '[project]\nname = "tally"\nversion = "0.3.1"\ndescription = "Counts things"\n'
                      'requires-python = ">=3.9"\n\n[project.scripts]\ntally = "tally.cli:main"\n',
    "setup.py": "from setuptools import setup\nsetup()\n",
    "README.md": "# tally\n",
    "src/tally/__init__.py": "__version__ = '0.3.1'\n",
    "src/tally/cli.py": "import collections, sys\n\ndef main():\n    print(collections.Counter(sys.argv[1:]))\n",
}
for name, text in files.items():
    with open(os.path.join(project, name), "w") as handle:
        handle.write(text)
environment = dict(os.environ, HOME=workdir)
subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", "dist", "."],
               cwd=project, env=environment, check=True, stdout=subprocess.DEVNULL, timeout=60)
with tarfile.open(os.path.join(project, "dist", "tally-0.3.1.tar.gz")) as sdist:
    assert "tally-0.3.1/src/tally/cli.py" in sdist.getnames()
with zipfile.ZipFile(os.path.join(project, "dist", "tally-0.3.1-py3-none-any.whl")) as wheel:
    assert "tally/cli.py" in wheel.namelist()
subprocess.run([sys.executable, "setup.py", "-q", "bdist_wheel", "--dist-dir", "legacy"], cwd=project, env=environment,
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
assert os.listdir(os.path.join(project, "legacy")) == ["tally-0.3.1-py3-none-any.whl"]
