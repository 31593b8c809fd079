"""The start record says what keeps a run's records from the process that
writes them (issue 18, defect 10): the chain, the seal, an append-only log
file, and the sinks whose copies the process cannot rewrite."""
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import VIGIL, VIGIL_PYTHON, read_records


def start_of(log):
    return read_records(log)[0]


def sanitizer_settings():
    """An ASan build's settings (make test exports them) pass through."""
    return {name: value for name, value in os.environ.items() if name.endswith("SAN_OPTIONS")}


def run_as(uid, policy, log, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "VIGIL_POLICY": policy, "VIGIL_LOG": str(log), "HOME": "/nonexistent",
           **sanitizer_settings()}
    return subprocess.run([VIGIL_PYTHON, "-c", "pass"], env=env, capture_output=True, text=True, timeout=60,
                          user=uid, group=uid, extra_groups=[], cwd=tmp_path)


def policy_with(tmp_path, sinks):
    lines = ["version = 1", 'name = "protections"', "[log]", "heartbeat = 0"]
    for sink in sinks:
        lines.append("[[sink]]")
        lines.extend(f"{key} = {json.dumps(value)}" for key, value in sink.items())
    path = tmp_path / "protections.toml"
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o644)
    return str(path)


@pytest.fixture
def public_directory():
    """A directory nobody can reach, unlike pytest's tmp_path under root's
    private /tmp/pytest-of-root."""
    directory = Path(tempfile.mkdtemp(prefix="vigil-protections-", dir="/var/tmp"))
    directory.chmod(0o755)
    yield directory
    shutil.rmtree(directory)


def test_a_plain_log_is_rewritable_by_its_writer(vigil_run, log):
    run = vigil_run(["-c", "pass"], env={"VIGIL_POLICY": "default"})
    assert run.returncode == 0, run.stderr
    assert start_of(log)["protections"] == {"chain": True, "sealed": False, "append_only": False,
                                            "out_of_reach": [], "rewritable": True}
    summary = subprocess.run([VIGIL, "summary", str(log)], capture_output=True, text=True)
    assert "protections: chain; REWRITABLE in place by a program of its user" in summary.stdout
    assert "Protection: 1 of 1 processes had no copy of their records out of their own reach" in summary.stdout


def test_a_remote_collector_is_out_of_reach_even_of_root(vigil_run, log, tmp_path):
    policy = policy_with(tmp_path, [{"type": "syslog", "name": "siem", "address": "tcp://127.0.0.1:9",
                                     "flush_ms": 0}])
    run = vigil_run(["-c", "pass"], env={"VIGIL_POLICY": policy})
    assert run.returncode == 0, run.stderr
    protections = start_of(log)["protections"]
    assert protections["out_of_reach"] == ["siem"] and protections["rewritable"] is False
    summary = subprocess.run([VIGIL, "summary", str(log)], capture_output=True, text=True)
    assert "protections: chain, copies out of its reach: siem\n" in summary.stdout
    assert "Protection:" not in summary.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="chattr +a and switching users need root; make test runs as root")
def test_an_append_only_log_protects_against_an_ordinary_user(public_directory):
    tmp_path = public_directory
    log = tmp_path / "append-only.jsonl"
    log.touch()
    os.chown(log, 65534, 65534)
    subprocess.run(["chattr", "+a", str(log)], check=True)
    try:
        policy = policy_with(tmp_path, [{"type": "journald", "name": "journal"}])
        run = run_as(65534, policy, log, tmp_path)
        assert run.returncode == 0, run.stderr
        protections = start_of(log)["protections"]
        assert protections["append_only"] is True
        assert protections["out_of_reach"] == ["journal"]
        assert protections["rewritable"] is False
        # The attribute is what it claims: the writer itself cannot take
        # away O_APPEND or open the file to rewrite it.
        rewrite = subprocess.run([VIGIL_PYTHON, "-c", f"open({str(log)!r}, 'r+b').write(b'x')"],
                                 env={"VIGIL_LOG": str(tmp_path / "other.jsonl"), "HOME": "/nonexistent",
                                      "VIGIL_POLICY": "default", **sanitizer_settings()},
                                 capture_output=True, text=True, user=65534, group=65534, extra_groups=[],
                                 cwd=tmp_path)
        assert "PermissionError" in rewrite.stderr or "Operation not permitted" in rewrite.stderr
    finally:
        subprocess.run(["chattr", "-a", str(log)], check=True)
