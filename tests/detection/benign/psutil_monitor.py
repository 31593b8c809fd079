# A monitoring agent's collection pass with psutil: CPU, memory, disks,
# network counters, the process table with owners and open files, its own
# children, and connections of a local listener it opened.
import os, socket, subprocess, sys, time

import psutil

sample = {"cpu": psutil.cpu_percent(interval=0.1), "cores": psutil.cpu_count(), "memory": psutil.virtual_memory().percent,
          "swap": psutil.swap_memory().total, "boot": psutil.boot_time(), "load": psutil.getloadavg()}
assert sample["cores"] >= 1 and 0 <= sample["memory"] <= 100
partitions = [p for p in psutil.disk_partitions(all=False)]
usage = {p.mountpoint: psutil.disk_usage(p.mountpoint).percent for p in partitions if os.path.isdir(p.mountpoint)}
counters = psutil.net_io_counters(pernic=True)
assert "lo" in counters
table = []
for process in psutil.process_iter(["pid", "name", "username", "memory_info", "cmdline", "status"]):
    table.append((process.info["pid"], process.info["name"], process.info["username"]))
assert any(pid == os.getpid() for pid, _, _ in table)
listener = socket.create_server(("127.0.0.1", 0))
me = psutil.Process()
assert any(c.laddr.port == listener.getsockname()[1] for c in me.connections(kind="tcp"))
with open(os.path.join(os.environ["BENIGN_WORKDIR"], "agent.log"), "w") as log:
    assert any(f.path == log.name for f in me.open_files())
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        deadline = time.time() + 5
        while not me.children() and time.time() < deadline:
            time.sleep(0.05)
        assert me.children()[0].pid == child.pid
        psutil.Process(child.pid).terminate()
        assert child.wait(5) != 0
    finally:
        child.kill()
    log.write(repr(sample))
listener.close()
assert me.memory_info().rss > 0 and me.num_threads() >= 1 and me.cpu_times().user >= 0
