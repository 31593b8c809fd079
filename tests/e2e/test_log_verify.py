"""`vigil log verify`: every record carries `prev`, the hash of its
process's line before it (BLAKE2b-256, as its start record's `chain_hash`
says; SHA-256 in logs written before it did), and the verifier finds gaps,
reordering and edits in real logs, and in old ones."""

import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import CHAIN_HASHES, VIGIL, VIGIL_PYTHON, read_records

PROGRAM = """
import os, threading
def work(n):
    open(os.devnull).close()
threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
for t in threads: t.start()
for t in threads: t.join()
pid = os.fork()
if pid == 0:
    open(os.devnull).close()
    os._exit(0)
os.waitpid(pid, 0)
"""


def verify(*paths):
    return subprocess.run([VIGIL, "log", "verify", *map(str, paths)], capture_output=True, text=True, timeout=60)


def logged(vigil_run, log):
    run = vigil_run(["-c", PROGRAM])
    run.checked_records()
    return log.read_bytes().split(b"\n")[:-1]


def write(path, lines):
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


def index_of(lines, predicate):
    return next(i for i, line in enumerate(lines) if predicate(json.loads(line)))


def test_a_whole_log_verifies(vigil_run, log):
    lines = logged(vigil_run, log)
    records = [json.loads(line) for line in lines]
    assert records[0]["chain"] is True and records[0]["chain_hash"] == "blake2b-256" and "prev" not in records[0]
    assert all("prev" in r for r in records if r["seq"] > 1)
    assert len({r["pid"] for r in records}) == 2  # the forked child has a chain of its own
    result = verify(log)
    assert result.returncode == 0, result.stdout
    assert f"{len(lines)} records from 2 process runs; 0 problems" in result.stdout


def test_an_edited_record_breaks_the_link_after_it(vigil_run, log, tmp_path):
    lines = logged(vigil_run, log)
    i = index_of(lines, lambda r: r.get("event") == "open" and r["args"]["path"] == "/dev/null")
    edited = json.loads(lines[i])
    lines[i] = lines[i].replace(b'"/dev/null"', b'"/dev/zero"')
    result = verify(write(tmp_path / "edited.jsonl", lines))
    assert result.returncode == 1
    assert f"seq {edited['seq'] + 1}: `prev` is not the BLAKE2b-256 of seq {edited['seq']}'s line" in result.stdout


def test_a_removed_record_is_a_gap(vigil_run, log, tmp_path):
    lines = logged(vigil_run, log)
    removed = json.loads(lines.pop(3))
    result = verify(write(tmp_path / "cut.jsonl", lines))
    assert result.returncode == 1
    assert f"seq {removed['seq'] + 1}: seq {removed['seq']} is missing before it" in result.stdout


def test_swapped_records_are_out_of_order(vigil_run, log, tmp_path):
    lines = logged(vigil_run, log)
    first = json.loads(lines[4])
    lines[4], lines[5] = lines[5], lines[4]
    result = verify(write(tmp_path / "swapped.jsonl", lines))
    assert result.returncode == 1
    assert f"seq {first['seq']}: out of order" in result.stdout


def test_a_forged_record_without_prev_is_found(vigil_run, log, tmp_path):
    lines = logged(vigil_run, log)
    record = json.loads(lines[6])
    del record["prev"]
    lines[6] = json.dumps(record, separators=(",", ":")).encode()
    result = verify(write(tmp_path / "forged.jsonl", lines))
    assert result.returncode == 1
    assert f"seq {record['seq']}: no `prev` in a chained log" in result.stdout


def test_rotated_files_verify_together_in_order(vigil_run, log, tmp_path):
    lines = logged(vigil_run, log)
    older = write(tmp_path / "python.jsonl.1", lines[:10])
    newer = write(tmp_path / "python.jsonl", lines[10:])
    assert verify(older, newer).returncode == 0
    alone = verify(newer)
    assert alone.returncode == 1
    assert "without their start" in alone.stdout


def test_a_cut_last_line_is_reported(vigil_run, log, tmp_path):
    lines = logged(vigil_run, log)
    cut = tmp_path / "cut-short.jsonl"
    cut.write_bytes(b"".join(line + b"\n" for line in lines) + lines[-1][:20])
    result = verify(cut)
    assert result.returncode == 1
    assert "the last line has no newline" in result.stdout


def test_without_a_chain_only_the_sequence_is_checked(vigil_run, log, tmp_path):
    policy = tmp_path / "unchained.toml"
    policy.write_text('version = 1\nname = "unchained"\n[log]\nchain = false\n')
    run = vigil_run(["-c", "open('/dev/null').close()"], env={"VIGIL_POLICY": str(policy)})
    records = run.checked_records()
    assert records[0]["chain"] is False and not any("prev" in r for r in records)
    result = verify(log)
    assert result.returncode == 0, result.stdout
    assert "1 run wrote no hash chain" in result.stdout


@pytest.fixture
def log_key():
    """A key the policy may use: root's alone, in directories only root may write."""
    directory = Path(tempfile.mkdtemp(dir="/run", prefix="vigil-key-"))
    key = directory / "log.key"
    key.write_bytes(os.urandom(32))
    key.chmod(0o600)
    yield key
    shutil.rmtree(directory)


def sealed_policy(tmp_path, key):
    policy = tmp_path / "sealed.toml"
    policy.write_text(f'version = 1\nname = "sealed"\n[log]\nhmac_key = "{key}"\n')
    return policy


def rechained(lines, pid=None, chain_hash="blake2b-256"):
    """The lines with every `prev` of `pid` (of every process when None)
    recomputed with `chain_hash`: what someone who can write the log but has
    no key can do after editing a record."""
    out, last = [], {}
    for line in lines:
        record = json.loads(line)
        if pid is None or record["pid"] == pid:
            if record["pid"] in last and "prev" in record:
                line = re.sub(rb'"prev":"[0-9a-f]{64}"', b'"prev":"' + last[record["pid"]].encode() + b'"', line)
            last[record["pid"]] = CHAIN_HASHES[chain_hash](line)
        out.append(line)
    return out


def written_before_chain_hash(lines):
    """The log as vigil-python wrote it before the start record named the
    hash: no `chain_hash`, and every `prev` a SHA-256."""
    return rechained([line.replace(b',"chain_hash":"blake2b-256"', b"") for line in lines], chain_hash="sha256")


def test_a_log_chained_with_sha256_before_chain_hash_still_verifies(vigil_run, log, tmp_path):
    old = written_before_chain_hash(logged(vigil_run, log))
    assert not any(b"chain_hash" in line for line in old)
    result = verify(write(tmp_path / "old.jsonl", old))
    assert result.returncode == 0, result.stdout
    assert f"{len(old)} records from 2 process runs; 0 problems" in result.stdout
    # Read as BLAKE2b-256, every link would break: the start's silence decides.
    assert verify(write(tmp_path / "mislabelled.jsonl", rechained(old, chain_hash="blake2b-256"))).returncode == 1


def test_an_edit_in_a_sha256_log_is_found(vigil_run, log, tmp_path):
    old = written_before_chain_hash(logged(vigil_run, log))
    i = index_of(old, lambda r: r.get("event") == "open" and r["args"]["path"] == "/dev/null")
    edited = json.loads(old[i])
    old[i] = old[i].replace(b'"/dev/null"', b'"/dev/zero"')
    result = verify(write(tmp_path / "edited-old.jsonl", old))
    assert result.returncode == 1
    assert f"seq {edited['seq'] + 1}: `prev` is not the SHA-256 of seq {edited['seq']}'s line" in result.stdout


@pytest.mark.parametrize("chain_hash", ["blake2b-256", "sha256"])
def test_a_run_without_its_start_is_checked_with_the_hash_its_links_show(vigil_run, log, tmp_path, chain_hash):
    """The newer of two rotated files has no start record to name the hash:
    its first link that matches shows it, and an edit after that is found."""
    lines = logged(vigil_run, log)
    if chain_hash == "sha256":
        lines = written_before_chain_hash(lines)
    newer = lines[10:]
    alone = verify(write(tmp_path / "newer.jsonl", newer))
    assert alone.returncode == 1
    assert "without their start" in alone.stdout and "`prev` is not" not in alone.stdout
    own = [i for i, line in enumerate(newer) if json.loads(line)["pid"] == json.loads(newer[0])["pid"]]
    i = own[-2]
    edited = json.loads(newer[i])
    newer[i] = newer[i][:-1] + b',"x":1}'
    result = verify(write(tmp_path / "newer-edited.jsonl", newer))
    title = {"blake2b-256": "BLAKE2b-256", "sha256": "SHA-256"}[chain_hash]
    assert f"seq {edited['seq'] + 1}: `prev` is not the {title} of seq {edited['seq']}'s line" in result.stdout


def test_a_start_naming_an_unknown_hash_is_reported(vigil_run, log, tmp_path):
    lines = [line.replace(b'"chain_hash":"blake2b-256"', b'"chain_hash":"md5"') for line in logged(vigil_run, log)]
    result = verify(write(tmp_path / "unknown.jsonl", lines))
    assert result.returncode == 1
    assert "`chain_hash` names a hash this vigil does not know (md5)" in result.stdout


def test_records_carry_an_hmac_of_their_line(vigil_run, log, tmp_path, log_key):
    run = vigil_run(["-c", PROGRAM], env={"VIGIL_POLICY": str(sealed_policy(tmp_path, log_key))})
    records = run.checked_records()
    assert records[0]["sealed"] is True
    key = log_key.read_bytes()
    for line in log.read_bytes().split(b"\n")[:-1]:
        head, mac = line[:-75] + b"}", line[-66:-2].decode()
        assert line[-75:-66] == b',"hmac":"' and hmac.new(key, head, "sha256").hexdigest() == mac
    checked = verify("--key", log_key, log)
    assert checked.returncode == 0, checked.stdout
    unchecked = verify(log)
    assert unchecked.returncode == 0 and "carry `hmac`; give --key to check them" in unchecked.stdout


def test_the_hmac_finds_an_edit_the_rechained_log_hides(vigil_run, log, tmp_path, log_key):
    vigil_run(["-c", PROGRAM], env={"VIGIL_POLICY": str(sealed_policy(tmp_path, log_key))}).checked_records()
    lines = log.read_bytes().split(b"\n")[:-1]
    i = index_of(lines, lambda r: r.get("event") == "open" and r["args"]["path"] == "/dev/null")
    edited = json.loads(lines[i])
    lines[i] = lines[i].replace(b'"/dev/null"', b'"/dev/zero"')
    forged = write(tmp_path / "forged.jsonl", rechained(lines, edited["pid"]))
    assert verify(forged).returncode == 0  # the chain alone cannot tell
    result = verify("--key", log_key, forged)
    assert result.returncode == 1
    first = next(line for line in result.stdout.splitlines() if "`hmac`" in line)
    assert f"seq {edited['seq']}: `hmac` does not match the line" in first


def test_a_key_others_can_read_is_not_used(vigil_run, tmp_path, log_key):
    log_key.chmod(0o644)
    run = vigil_run(["-c", "pass"], env={"VIGIL_POLICY": str(sealed_policy(tmp_path, log_key))})
    records = run.checked_records()
    assert records[0]["sealed"] is False
    assert "readable by its group or by others" in records[0]["sealed_error"]
    assert not any("hmac" in r for r in records[1:])


def test_a_rotated_log_goes_on_in_a_new_file_and_verifies_with_the_old(vigil_run, log, tmp_path):
    """logrotate renames the log away; within a second the records go on in
    a new file at the path, and the two verify as one stream."""
    ready, rotated = tmp_path / "ready", tmp_path / "rotated"
    code = ("import os, sys, time\n"
            "open(os.devnull).close()\n"
            f"open({str(ready)!r}, 'w').close()\n"
            f"while not os.path.exists({str(rotated)!r}): time.sleep(0.01)\n"
            "time.sleep(1.1)\n"
            "for i in range(3): sys.audit('after.rotation', i)\n")
    process = subprocess.Popen([VIGIL_PYTHON, "-c", code], env=dict(os.environ, VIGIL_LOG=str(log)))
    deadline = time.monotonic() + 30
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    old = tmp_path / "vigil.jsonl.1"
    log.rename(old)
    rotated.touch()
    assert process.wait(timeout=60) == 0
    before, after = read_records(old), read_records(log)
    assert before[0]["kind"] == "start" and not any(r.get("event") == "after.rotation" for r in before)
    assert [r["args"][0] for r in after if r.get("event") == "after.rotation"] == [0, 1, 2]
    assert after[-1]["kind"] == "stop" and after[0]["seq"] == before[-1]["seq"] + 1
    result = verify(old, log)
    assert result.returncode == 0, result.stdout


def test_a_record_appended_after_the_stop_is_found(vigil_run, log, tmp_path):
    """The red team continued a finished run's chain after its stop record
    with a forged alert; vigil-python writes nothing after a stop."""
    lines = logged(vigil_run, log)
    stop = json.loads(next(line for line in lines if json.loads(line)["kind"] == "stop"))
    own = [line for line in lines if json.loads(line)["pid"] == stop["pid"]]
    forged = {"ts": stop["ts"], "seq": stop["seq"] + 1, "kind": "alert", "pid": stop["pid"], "host": stop["host"],
              "rule": "forged", "severity": "critical", "attack": [], "message": "x", "seq_ref": 2,
              "prev": hashlib.blake2b(own[-1], digest_size=32).hexdigest()}
    lines.append(json.dumps(forged, separators=(",", ":")).encode())
    result = verify(write(tmp_path / "after-stop.jsonl", lines))
    assert result.returncode == 1
    assert f"seq {forged['seq']}: after the run's stop record" in result.stdout
