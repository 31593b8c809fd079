"""`vigil log verify`: every record carries `prev`, the SHA-256 of its
process's line before it, and the verifier finds gaps, reordering and
edits in real logs."""

import json
import subprocess

from conftest import VIGIL

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
    assert records[0]["chain"] is True and "prev" not in records[0]
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
    assert f"seq {edited['seq'] + 1}: `prev` is not the SHA-256 of seq {edited['seq']}'s line" in result.stdout


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
