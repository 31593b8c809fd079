# technique: T1059.006 T1036.003
"""Python run as a renamed copy of an interpreter through multiprocessing.set_executable (T1059.006, T1036.003).

The script copies Debian's plain python3.X of the running version (no audit hook) to a temporary
directory as "dbus-daemon-helper", points multiprocessing at it with
set_executable, and runs a function in a "spawn" worker. The worker's
code runs in an interpreter that vigil does not watch and whose name does
not look like python; the start goes through multiprocessing's
spawnv_passfds (_posixsubprocess.fork_exec), which raises no
subprocess.Popen event.

A good detector raises a medium or higher alert: a Python program starts a
Python interpreter outside the audited one (a renamed copy in /tmp).
"""
import multiprocessing
import os
import shutil
import sys
import tempfile


def worker(queue):
    import os as _os
    import sys as _sys
    queue.put((_os.getpid(), _sys.executable))


if __name__ == "__main__":
    workdir = tempfile.mkdtemp(prefix="mp-", dir="/tmp")
    try:
        renamed = os.path.join(workdir, "dbus-daemon-helper")
        stock = shutil.which(f"python{sys.version_info[0]}.{sys.version_info[1]}", path="/usr/bin")
        shutil.copy2(stock, renamed)
        ctx = multiprocessing.get_context("spawn")
        ctx.set_executable(renamed)
        queue = ctx.Queue()
        proc = ctx.Process(target=worker, args=(queue,))
        proc.start()
        try:
            print("worker said", queue.get(timeout=5))
        except Exception as exc:  # the technique may fail; the script still ends cleanly
            print("worker gave nothing:", exc)
        proc.join(5)
        if proc.is_alive():
            proc.kill()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
