#!/usr/bin/env python3
"""Runs the libFuzzer harnesses of tests/fuzz for a bounded time each.

Each harness first runs every input of its seed corpus (corpus/<name>/,
crash regressions included), then new inputs for --seconds. New inputs
go to <work>/corpus/<name>/, never into the repository; a crash, leak or
hang leaves its input in <work>/artifacts/. Prints one line per harness
(executions per second, coverage as libFuzzer counts it) and, for each
that failed, the end of its log. Exit 1 when any failed.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
HARNESSES = ["policy", "log_records", "log_commands", "json_text", "trust", "record_formats", "query_text",
             "spool_frames", "code_texts"]
# A slower input than this is a hang: every reader must stay linear.
TIMEOUT_SECONDS = 10


def run(name, args):
    work = Path(args.work)
    new_inputs = work / "corpus" / name
    artifacts = work / "artifacts"
    new_inputs.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    log = work / f"{name}.log"
    command = [
        str(Path(args.bin) / f"{name}_fuzz"),
        f"-max_total_time={args.seconds}",
        f"-timeout={TIMEOUT_SECONDS}",
        "-rss_limit_mb=2048",
        "-print_final_stats=1",
        f"-artifact_prefix={artifacts}/{name}-",
        str(new_inputs),
        str(HERE / "corpus" / name),
    ]
    started = time.monotonic()
    with open(log, "w") as out:
        status = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT).returncode
    return name, status, time.monotonic() - started, log


def stats(log):
    text = log.read_text(errors="replace")
    found = {}
    for key, pattern in [("runs", r"stat::number_of_executed_units:\s+(\d+)"),
                         ("exec/s", r"stat::average_exec_per_sec:\s+(\d+)"),
                         ("seeds", r"INFO: seed corpus: files: (\d+)")]:
        match = re.search(pattern, text)
        found[key] = match.group(1) if match else "?"
    # The last status line carries the coverage reached.
    status_lines = re.findall(r"^#\d+\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)", text, re.M)
    found["cov"], found["ft"], found["corpus"] = status_lines[-1] if status_lines else ("?", "?", "?")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="the fuzz tree's bin/ (make fuzz-build)")
    parser.add_argument("--seconds", type=int, default=60, help="new inputs per harness, after its corpus")
    parser.add_argument("--jobs", type=int, default=2, help="harnesses run at once")
    parser.add_argument("--work", help="new inputs, artifacts and logs (default: <bin>/../fuzz)")
    parser.add_argument("harness", nargs="*", help=f"default: all of {', '.join(HARNESSES)}")
    args = parser.parse_args()
    unknown = set(args.harness) - set(HARNESSES)
    if unknown:
        parser.error(f"no harness {', '.join(sorted(unknown))}")
    args.work = args.work or str(Path(args.bin).resolve().parent / "fuzz")
    names = args.harness or HARNESSES

    started = time.monotonic()
    print(f"Fuzzing {len(names)} harnesses, {args.seconds} s each after their corpus, {args.jobs} at a time")
    failed = []
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for name, status, seconds, log in pool.map(lambda name: run(name, args), names):
            s = stats(log)
            verdict = "ok" if status == 0 else f"FAILED (exit {status})"
            print(f"  {name:15} {verdict:8} {s['runs']:>10} runs {s['exec/s']:>6} exec/s  cov {s['cov']:>5}  "
                  f"ft {s['ft']:>6}  corpus {s['corpus']:>5} (seeds {s['seeds']})  {seconds:.0f} s", flush=True)
            if status != 0:
                failed.append((name, log))
    for name, log in failed:
        print(f"\n== {name}: the end of {log} ==")
        print("\n".join(log.read_text(errors="replace").splitlines()[-60:]))
    print(f"Fuzzing took {time.monotonic() - started:.0f} s; {len(failed)} harnesses failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
