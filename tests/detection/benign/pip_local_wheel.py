# A wheel built from a local project, then installed with pip into a fresh
# virtual environment from a local directory only (--no-index), imported and
# its console script run.
import os, subprocess, sys

workdir = os.environ["BENIGN_WORKDIR"]
project = os.path.join(workdir, "greeter")
os.makedirs(os.path.join(project, "greeter"), exist_ok=True)
with open(os.path.join(project, "greeter", "__init__.py"), "w") as module:
    module.write("def main():\n    print('hello from greeter')\n")
with open(os.path.join(project, "setup.py"), "w") as setup:
    setup.write("from setuptools import setup\n"
                "setup(name='greeter', version='1.0', packages=['greeter'],\n"
                "      entry_points={'console_scripts': ['greet = greeter:main']})\n")
wheels = os.path.join(workdir, "wheels")
environment = dict(os.environ, HOME=workdir, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", wheels,
                project], check=True, env=environment, stdout=subprocess.DEVNULL, timeout=60)
venv = os.path.join(workdir, "venv")
subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=60)
python = os.path.join(venv, "bin", "python")
subprocess.run([python, "-m", "pip", "install", "--no-index", "--find-links", wheels, "greeter"], check=True,
               env=environment, stdout=subprocess.DEVNULL, timeout=60)
assert subprocess.check_output([os.path.join(venv, "bin", "greet")], text=True) == "hello from greeter\n"
assert subprocess.check_output([python, "-c", "import greeter, sys; print(greeter.__file__.startswith(sys.prefix))"],
                               text=True) == "True\n"
