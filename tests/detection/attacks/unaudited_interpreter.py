# expect: unaudited-interpreter
import os

child = os.fork()
if child == 0:
    os.execv("/usr/bin/python3.11", ["python3.11", "-c", "pass"])
os.waitpid(child, 0)
