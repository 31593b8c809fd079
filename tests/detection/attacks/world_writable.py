# expect: world-writable-code
import os, sys, tempfile

directory = tempfile.mkdtemp(dir="/dev/shm")
with open(os.path.join(directory, "dropped.py"), "w") as module:
    module.write("VALUE = 1\n")
sys.path.insert(0, directory)
import dropped  # noqa: E402,F401
