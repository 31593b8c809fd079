# expect: loader-injection interpreter-injection loader-injection-environ interpreter-injection-environ
# A child started with a library forced into it, and a Python child told to
# run other code first; then the same through the inherited environment.
import os, subprocess, sys

subprocess.run(["/bin/true"], env={"LD_PRELOAD": "/nonexistent/hook.so", "PATH": "/bin"}, stderr=subprocess.DEVNULL)
subprocess.run([sys.executable, "-c", "pass"], env=dict(os.environ, PYTHONSTARTUP="/nonexistent/stage2.py"))
child = os.fork()
if child == 0:
    try:
        os.execve("/nonexistent/tool", ["tool"], {"PYTHONPATH": "/nonexistent"})
    finally:
        os._exit(0)
os.waitpid(child, 0)
os.environ["LD_AUDIT"] = "/nonexistent/audit.so"
os.environ["PYTHONINSPECT"] = "1"
