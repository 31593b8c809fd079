# Virtual environments made with virtualenv (seeded with pip and setuptools
# from its bundled wheels, offline) and with the venv module, then used:
# activate scripts sourced by a shell, packages listed, a module run.
import os, subprocess, sys

workdir = os.environ["BENIGN_WORKDIR"]
environment = dict(os.environ, HOME=workdir, VIRTUALENV_OVERRIDE_APP_DATA=os.path.join(workdir, "app-data"),
                   PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
made = os.path.join(workdir, "env-virtualenv")
subprocess.run([sys.executable, "-m", "virtualenv", "--no-periodic-update", "--no-download", made], env=environment,
               check=True, stdout=subprocess.DEVNULL, timeout=60)
python = os.path.join(made, "bin", "python")
listing = subprocess.run([python, "-m", "pip", "list", "--format=freeze"], env=environment, capture_output=True,
                         text=True, check=True).stdout
assert "pip==" in listing
assert subprocess.run(["bash", "-c", f"source {made}/bin/activate && python -c 'import sys; print(sys.prefix)'"],
                      capture_output=True, text=True, check=True).stdout.strip() == made
plain = os.path.join(workdir, "env-venv")
subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", plain], check=True, timeout=60)
assert subprocess.check_output([os.path.join(plain, "bin", "python"), "-c", "import yaml, sys; print(sys.prefix)"],
                               text=True).strip() == plain
