# technique: T1574.006 T1574
# expect: loader-injection interpreter-injection loader-injection-environ interpreter-injection-environ
"""Hijack Execution Flow: Dynamic Linker Hijacking (T1574.006) and Hijack
Execution Flow (T1574): a child started with a library forced into it
(`LD_PRELOAD` in `subprocess.run(env=…)`), a Python child told to run
other code first (`PYTHONSTARTUP`), an `os.execve` with `PYTHONPATH`, then
`LD_AUDIT` put into the inherited environment with `os.environ`.

A good detector raises a high alert: a program is started with the dynamic
linker told to load a library into it (`loader-injection`,
`loader-injection-environ`), and a medium one for the interpreter variables
(`interpreter-injection`, `interpreter-injection-environ`)."""
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
