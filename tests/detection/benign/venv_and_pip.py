# A virtual environment with pip, and pip run inside it.
import os, subprocess, sys, tempfile

environment = os.path.join(tempfile.mkdtemp(dir=os.environ.get("BENIGN_WORKDIR")), "venv")
subprocess.run([sys.executable, "-m", "venv", environment], check=True)
subprocess.run([os.path.join(environment, "bin", "python"), "-m", "pip", "--disable-pip-version-check", "list"],
               check=True, stdout=subprocess.DEVNULL)
