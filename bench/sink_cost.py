#!/usr/bin/python3
"""What a sink costs per record: the open/close storm under callgrind with
a policy that has no rules, without sinks and with each kind of sink,
against a real rsyslog (TCP) and systemd-journald (a namespace of its own).
Writes bench/RESULTS-sinks.md. Run as root: `/usr/bin/python3 bench/sink_cost.py`."""
import argparse
import concurrent.futures
import os
import pathlib
import re
import shutil
import socket
import subprocess
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
STORM = HERE / "workloads" / "storm_open.py"
SMALL, LARGE = 0, 2000


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def instructions(binary, policy, log, n):
    env = dict(os.environ, PYTHONHASHSEED="0", VIGIL_POLICY=str(policy), VIGIL_LOG=str(log))
    result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", str(binary),
                             str(STORM), str(n)], env=env, capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", result.stderr).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin", default=str(HERE.parent / "build" / "bin"))
    parser.add_argument("--output", default=str(HERE / "RESULTS-sinks.md"))
    options = parser.parse_args()
    binary = pathlib.Path(options.bin) / "vigil-python"
    work = pathlib.Path(tempfile.mkdtemp(prefix="vigil-sink-cost-"))
    port = free_port()
    (work / "rsyslog").mkdir()
    (work / "rsyslog.conf").write_text(
        f'global(workDirectory="{work}/rsyslog" maxMessageSize="1m")\nmodule(load="imtcp")\n'
        f'input(type="imtcp" port="{port}" address="127.0.0.1")\n*.* action(type="omfile" file="{work}/received")\n')
    rsyslog = subprocess.Popen(["rsyslogd", "-n", "-f", str(work / "rsyslog.conf"), "-i", str(work / "pid")])
    namespace = f"vigilcost{os.getpid()}"
    journald = subprocess.Popen(["/lib/systemd/systemd-journald", namespace])
    time.sleep(1.5)
    base = 'version = 1\nname = "sink-cost"\n[log]\nheartbeat = 0\n'
    cases = {
        "no sink": "",
        "file, native": f'[[sink]]\ntype = "file"\npath = "{work}/copy.jsonl"\n',
        "syslog over TCP, native": f'[[sink]]\ntype = "syslog"\naddress = "tcp://127.0.0.1:{port}"\n',
        "syslog over TCP, alerts only (filtered out)":
            f'[[sink]]\ntype = "syslog"\naddress = "tcp://127.0.0.1:{port}"\nkinds = ["alert"]\n',
        "journald, native": f'[[sink]]\ntype = "journald"\npath = "/run/systemd/journal.{namespace}/socket"\n',
        "file, ECS": f'[[sink]]\ntype = "file"\npath = "{work}/ecs.jsonl"\nformat = "ecs"\n',
        "file, OCSF": f'[[sink]]\ntype = "file"\npath = "{work}/ocsf.jsonl"\nformat = "ocsf"\n',
    }
    rows = []
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for name, sinks in cases.items():
                policy = work / f"{len(rows)}.toml"
                policy.write_text(base + sinks)
                small, large = pool.map(lambda n: instructions(binary, policy, work / f"{len(rows)}-{n}.jsonl", n),
                                        (SMALL, LARGE))
                rows.append((name, small, (large - small) / (LARGE - SMALL)))
                print(rows[-1], flush=True)
    finally:
        rsyslog.terminate()
        journald.terminate()
        rsyslog.wait()
        journald.wait()
        machine = open("/etc/machine-id").read().strip()
        shutil.rmtree(f"/run/log/journal/{machine}.{namespace}", ignore_errors=True)
        shutil.rmtree(f"/run/systemd/journal.{namespace}", ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    baseline_start, baseline_record = rows[0][1], rows[0][2]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=HERE).stdout.strip()
    lines = [
        "# What sinks cost",
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; commit {commit}",
        "- `bench/sink_cost.py`: the open/close storm under valgrind --tool=callgrind, PYTHONHASHSEED=0, "
        "with a policy without rules (so every record is one `open` event), without sinks and with one sink each",
        "- per record: (instructions at 2000 iterations − at 0) / 2000, all threads (the remote sink's "
        "delivery thread included); the kernel's and the daemons' work is not counted",
        "",
        "| sink | start-up, instructions | per record | added per record |",
        "|---|---:|---:|---:|",
    ]
    for name, start, record in rows:
        lines.append(f"| {name} | {start / 1e6:.1f} M ({start - baseline_start:+,.0f}) | {record:,.0f} | "
                     f"{record - baseline_record:+,.0f} |")
    pathlib.Path(options.output).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
