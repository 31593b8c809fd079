# technique: T1496 T1036.005 T1105
"""Resource hijacking by launching a miner binary with pool arguments (T1496, T1036.005).

Most cryptojacking droppers on PyPI don't mine in Python: they drop an
xmrig build under a benign name and start it detached with
`-o stratum+tcp://pool:port -u <wallet> --donate-level 1 --background`. The
"miner" here is a copy of /bin/sleep renamed to "systemd-udevd" under HOME,
started with a real-looking xmrig command line pointing at a loopback pool
and killed after 1 s.

A good detector raises a high alert: a program is started with a mining pool
URL / wallet arguments (or a dropped binary runs with stratum arguments).
"""
import os, shutil, socket, subprocess, time

lsn = socket.socket(); lsn.bind(("127.0.0.1", 0)); lsn.listen(1)
d = os.path.join(os.path.expanduser("~"), ".cache", ".sys"); os.makedirs(d, exist_ok=True)
miner = os.path.join(d, "systemd-udevd"); shutil.copy("/bin/sleep", miner)
args = [miner, "-o", f"stratum+tcp://127.0.0.1:{lsn.getsockname()[1]}", "-u",
        "48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD",
        "-p", "x", "--donate-level", "1", "--cpu-max-threads-hint", "75"]
try:
    p = subprocess.Popen(["sleep", "1"], executable=miner, start_new_session=True)
    # argv as xmrig would see it, for the record; the real binary only sleeps
    q = subprocess.Popen(args, executable="/bin/true")
    q.wait(timeout=3); time.sleep(0.2)
    p.kill(); p.wait()
except Exception:
    pass
