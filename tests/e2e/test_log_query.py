"""`vigil log`: filters checked against the records themselves, JSON
passthrough, standard input, terminal safety, follow mode across rotation,
and streaming a large log in bounded memory."""

import os
import re
import subprocess
import time

import pytest

from conftest import VIGIL, read_records

WORKLOAD = r"""
import os, socket, subprocess, sys
s = socket.socket()
try:
    s.connect(("127.0.0.1", 9))
except OSError:
    pass
open(os.path.join(os.environ["OUT"], "written.txt"), "w").write("x")
subprocess.run([sys.executable, "-c", "import json"], check=True)
exec(compile("x = 1", "<string>", "exec"))
try:
    open("/nonexistent/\x1b]0;pwned\x07\u202ename")
except OSError:
    pass
"""


def vigil_log(*args, input=None):
    return subprocess.run([VIGIL, "log", *args], capture_output=True, input=input, timeout=120)


@pytest.fixture
def workload_log(vigil_run, script, tmp_path):
    path = script(WORKLOAD)
    result = vigil_run([path], env={"OUT": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    return result.log


def shown(result):
    """(pid, seq) of each readable line."""
    return [tuple(map(int, m.groups())) for m in re.finditer(rb"\[(\d+)\]#(\d+) ", result.stdout)]


def expected(records, keep):
    return [(r["pid"], r["seq"]) for r in records if keep(r)]


def test_filters_select_exactly_the_matching_records(workload_log):
    records = read_records(workload_log)
    parent = records[0]["pid"]
    child = next(r["pid"] for r in records if r["kind"] == "start" and r["ppid"] == parent)
    connect_line = next(r["site"]["line"] for r in records if r.get("event") == "socket.connect")
    cases = [
        (["-e", "socket.*"], lambda r: r.get("event", "").startswith("socket.")),
        (["-e", "socket.connect", "-e", "subprocess.Popen"],
         lambda r: r.get("event") in ("socket.connect", "subprocess.Popen")),
        (["-k", "start", "-k", "stop"], lambda r: r["kind"] in ("start", "stop")),
        (["-p", str(child)], lambda r: r["pid"] == child),
        (["--tree", str(parent), "-k", "start"], lambda r: r["kind"] == "start"),
        (["-a", "module=json"], lambda r: isinstance(r.get("args"), dict) and r["args"].get("module") == "json"),
        (["--field", f"site.line={connect_line}", "-p", str(parent)],
         lambda r: r["pid"] == parent and isinstance(r.get("site"), dict) and r["site"]["line"] == connect_line),
        (["-a", "address.0=127.*"],
         lambda r: isinstance(r.get("args"), dict) and isinstance(r["args"].get("address"), list)
         and str(r["args"]["address"][0]).startswith("127.")),
        (["-e", "open", "-a", "mode=w"],
         lambda r: r.get("event") == "open" and r.get("args", {}).get("mode") == "w"),
    ]
    for options, keep in cases:
        result = vigil_log("--color", "never", *options, str(workload_log))
        assert result.returncode == 0, (options, result.stderr)
        assert shown(result) == expected(records, keep), options


def test_severity_and_time_bounds(workload_log, tmp_path):
    records = read_records(workload_log)
    alerts = [r for r in records if r["kind"] == "alert"]
    assert alerts, "the workload raises alerts"
    result = vigil_log("--color", "never", "-s", "low", str(workload_log))
    assert shown(result) == [(r["pid"], r["seq"]) for r in alerts]
    assert vigil_log("-s", "critical", str(workload_log)).returncode == 1

    middle = records[len(records) // 2]["ts"]
    since = vigil_log("--color", "never", "--since", middle, str(workload_log))
    until = vigil_log("--color", "never", "--until", middle, str(workload_log))
    assert shown(since) == expected(records, lambda r: r["ts"] >= middle)
    assert shown(until) == expected(records, lambda r: r["ts"] < middle)
    assert vigil_log("--since", "1d", str(workload_log)).returncode == 0
    assert vigil_log("--until", "2000-01-01", str(workload_log)).returncode == 1
    bad = vigil_log("--since", "yesterday", str(workload_log))
    assert bad.returncode == 2 and b"is not a time" in bad.stderr


def test_json_passthrough_and_standard_input(workload_log):
    lines = workload_log.read_bytes().splitlines(keepends=True)
    wanted = [line for line in lines if b'"event":"socket.connect"' in line]
    assert vigil_log("-j", "-e", "socket.connect", str(workload_log)).stdout == b"".join(wanted)
    piped = vigil_log("-j", "-e", "socket.connect", "-", input=workload_log.read_bytes())
    assert piped.stdout == b"".join(wanted)
    assert vigil_log("-j", str(workload_log)).stdout == workload_log.read_bytes()


def test_logged_text_cannot_drive_the_terminal(workload_log):
    hostile = vigil_log("--color", "never", "-e", "open", "-a", "path=/nonexistent/*", str(workload_log))
    assert b"path=/nonexistent/\\x1b]0;pwned\\x07\\u202ename" in hostile.stdout
    everything = vigil_log("--color", "never", str(workload_log)).stdout
    assert b"\x1b" not in everything and b"\x07" not in everything
    assert "\u202e".encode() not in everything
    # Colour adds SGR sequences and nothing else.
    coloured = vigil_log("--color", "always", str(workload_log)).stdout
    assert re.sub(rb"\x1b\[[0-9;]*m", b"", coloured) == everything


def test_a_cut_line_is_held_back_with_a_warning(workload_log, tmp_path):
    cut = tmp_path / "cut.jsonl"
    data = workload_log.read_bytes()
    cut.write_bytes(data + b'{"ts":"2026-01-01T00:00:00.000000Z","seq":999,"kind":"ev')
    result = vigil_log("-j", str(cut))
    assert result.stdout == data
    assert b"no newline" in result.stderr


def test_follow_prints_new_records_across_rotation(vigil_run, log, tmp_path):
    assert vigil_run(["-c", "pass"]).returncode == 0
    follower = subprocess.Popen([VIGIL, "log", "-f", "--color", "never", "-k", "start", str(log)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        os.set_blocking(follower.stdout.fileno(), False)

        def next_lines(count, timeout=20):
            got = b""
            deadline = time.monotonic() + timeout
            while got.count(b"\n") < count and time.monotonic() < deadline:
                chunk = follower.stdout.read()
                if chunk:
                    got += chunk
                else:
                    time.sleep(0.05)
            return got.decode().splitlines()

        assert len(next_lines(1)) == 1  # the history: the last start
        assert vigil_run(["-c", "print('again')"]).returncode == 0
        (line,) = next_lines(1)
        assert "start command" in line
        log.rename(tmp_path / "rotated.jsonl")
        assert vigil_run(["-c", "print('after rotation')"]).returncode == 0
        (line,) = next_lines(1)
        assert "after rotation" in line
    finally:
        follower.kill()
        follower.wait()


def test_a_large_log_streams_in_bounded_memory(workload_log, tmp_path):
    """The peak of vigil log does not grow with the log: a 256 MiB log takes
    what a 32 MiB one takes, and both stay under 64 MiB. An ASan build adds
    its shadow memory and allocator caches, a fixed cost that does not
    grow either, so there only the growth is bounded."""
    data = workload_log.read_bytes()

    def peak_for(megabytes):
        log = tmp_path / f"{megabytes}.jsonl"
        copies = (megabytes << 20) // len(data) + 1
        with log.open("wb") as out:
            for _ in range(copies):
                out.write(data)
        output = tmp_path / "connects.jsonl"
        # GNU time reports the peak of vigil log alone: a child forked from
        # this (large) pytest process would count the parent's pages too.
        usage = tmp_path / "usage"
        # ASan's quarantine keeps freed memory up to 256 MiB by default, so
        # its peak would grow with the bytes freed until that cap: keep the
        # quarantine small, so that the ASan build's cost is fixed.
        env = dict(os.environ)
        if "ASAN_OPTIONS" in env:
            env["ASAN_OPTIONS"] += ":quarantine_size_mb=4"
        with output.open("wb") as out:
            result = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(usage), VIGIL, "log", "-j", "-e",
                                     "socket.connect", str(log)], stdout=out, env=env)
        assert result.returncode == 0
        assert output.read_bytes().count(b"\n") == data.count(b'"event":"socket.connect"') * copies
        log.unlink()
        return int(usage.read_text().split()[-1])

    small, big = peak_for(32), peak_for(256)
    assert small > 0 and big - small < 8 * 1024, f"32 MiB: {small} KiB, 256 MiB: {big} KiB"
    if "ASAN_OPTIONS" not in os.environ:
        assert big < 64 * 1024, f"vigil log used {big} KiB for a 256 MiB log"
