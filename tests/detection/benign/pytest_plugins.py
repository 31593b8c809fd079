# pytest with the plugins a project uses: pytest-mock, pytest-timeout,
# pytest-asyncio, pytest-cov (coverage's tracer) and pytest-xdist workers.
import os, subprocess, sys

workdir = os.environ["BENIGN_WORKDIR"]
project = os.path.join(workdir, "project")
os.makedirs(os.path.join(project, "tests"), exist_ok=True)
with open(os.path.join(project, "inventory.py"), "w") as module:
    module.write("import asyncio, os\n\n\ndef disk_free(path):\n    return os.statvfs(path).f_bavail\n\n\n"
                 "async def fetch(n):\n    await asyncio.sleep(0)\n    return n * 2\n")
with open(os.path.join(project, "tests", "test_inventory.py"), "w") as tests:
    tests.write("import pytest\nimport inventory\n\n\n"
                "def test_disk_free_mocked(mocker):\n"
                "    mocker.patch('os.statvfs', return_value=mocker.Mock(f_bavail=42))\n"
                "    assert inventory.disk_free('/') == 42\n\n\n"
                "@pytest.mark.timeout(10)\n@pytest.mark.parametrize('n', range(6))\ndef test_square(n):\n"
                "    assert n ** 2 == n * n\n\n\n"
                "@pytest.mark.asyncio\nasync def test_fetch():\n    assert await inventory.fetch(21) == 42\n\n\n"
                "def test_tmp_path(tmp_path):\n    (tmp_path / 'x').write_text('y')\n    assert (tmp_path / 'x').read_text() == 'y'\n")
with open(os.path.join(project, "pytest.ini"), "w") as ini:
    ini.write("[pytest]\nasyncio_mode = strict\n")
# Bytecode, pytest's rewritten plugins included, is cached in the scratch
# directory rather than beside the installed packages.
environment = dict(os.environ, HOME=workdir, PYTHONPYCACHEPREFIX=os.path.join(workdir, "pycache"))
environment.pop("PYTHONPATH", None)
base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp", os.path.join(workdir, "tmp")]
subprocess.run(base + ["--cov=inventory", "--cov-report=term", "tests"], cwd=project, env=environment, check=True,
               stdout=subprocess.DEVNULL, timeout=60)
subprocess.run(base + ["-n", "2", "tests"], cwd=project, env=environment, check=True, stdout=subprocess.DEVNULL,
               timeout=60)
