#!/usr/bin/env python3
"""Vigil's benchmark: the same workloads under

  (a) the stock interpreter of the version vigil-python embeds
      (VIGIL_STOCK_PYTHON, /usr/bin/python3.11 by default), the limit;
  (b) vigil-python-floor: Vigil's launcher and hooks, recording nothing;
  (c) vigil-python under the default policy, recording everything to a file;
  (d) vigil-python under the strict policy, verifying every code file
      against a trust database built by `vigil trust build`;
  (e) that interpreter with a Python-level sys.addaudithook JSON logger.

Instruction counts come from valgrind --tool=callgrind, which is
repeatable on a noisy machine; they are reported as ratios to (a). Wall
time medians are given for context. Storms are run at two sizes, and the
difference gives the instructions one event costs.
"""

import argparse
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STOCK = os.environ.get("VIGIL_STOCK_PYTHON", "/usr/bin/python3.11")
STOCK_NAME = os.path.basename(STOCK)
STDLIB = "/usr/lib/" + STOCK_NAME

WORKLOADS = {
    "start-up (-c pass)": ["-c", "pass"],
    "import ~160 stdlib modules": [str(HERE / "workloads/import_stdlib.py")],
    "CPU-bound, no events": [str(HERE / "workloads/cpu_bound.py")],
    "jinja2 rendering": [str(HERE / "workloads/jinja2_render.py")],
    "Django test-client requests": [str(HERE / "workloads/django_requests.py")],
    "CPython tests (test_json, test_bisect)": ["-m", "test", "-q", "test_json", "test_bisect"],
}
STORMS = {
    "open/close": "storm_open.py",
    "compile": "storm_compile.py",
    "socket": "storm_socket.py",
}
STORM_SIZES = (2000, 4000)


class Config:
    def __init__(self, key, label, executable, env, strict=False):
        self.key, self.label, self.executable, self.env = key, label, executable, env
        self.strict = strict

    def arguments(self, workload):
        """The workload as this config runs it; None when its policy forbids it."""
        if not self.strict:
            return workload
        # strict.toml refuses -c, so its start-up is an empty script; it
        # denies _testcapi, which CPython's test suite imports, and compiling
        # text that no verified file holds, which is the compile storm.
        if workload[0] == "-c":
            return [str(HERE / "workloads" / "empty.py")]
        if workload[:2] == ["-m", "test"] or workload[0].endswith(STORMS["compile"]):
            return None
        return workload


def strict_policies(bin_dir, work):
    """strict.toml with a trust database of everything the workloads run,
    and the same policy without its [trust] table, for verification's cost."""
    # Stat keys count only in a trust file root alone can write, as
    # /etc/vigil/trust.d is; the temporary directory is under /tmp.
    trusted_dir = bin_dir.parent / "bench-trust"
    trusted_dir.mkdir(exist_ok=True)
    trusted_dir.chmod(0o755)
    database = trusted_dir / "bench.trust"
    subprocess.run([str(bin_dir / "vigil"), "trust", "build", "-o", str(database), STDLIB,
                    "/usr/lib/python3/dist-packages", str(HERE / "workloads")], check=True, stderr=subprocess.DEVNULL)
    text = (ROOT / "policies" / "strict.toml").read_text()
    # jinja2 compiles templates into Python: a code generator the
    # administrator has to name, like the stdlib's defaults.
    generators = [f"{STDLIB}/{name}" for name in
                  ("collections/__init__.py", "dataclasses.py", "types.py", "typing.py")]
    generators.append("/usr/lib/python3/dist-packages/jinja2/environment.py")
    verified = work / "strict.toml"
    verified.write_text(text.replace('database = ["/etc/vigil/trust.d"]',
                                     f'database = ["{database}"]\ngenerators = {generators!r}'.replace("'", '"')))
    start = text.index("[trust]")
    unverified = work / "strict-unverified.toml"
    unverified.write_text(text[:start] + text[text.index("[[rule]]", start):])
    return str(verified), str(unverified)


def configs(bin_dir, work):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIGIL_"))}
    base["PYTHONHASHSEED"] = "0"
    log = str(work / "records.jsonl")
    verified, _ = strict_policies(bin_dir, work)
    return [
        Config("a", f"(a) {STOCK_NAME}", STOCK, base),
        Config("b", "(b) floor", str(bin_dir / "vigil-python-floor"), dict(base, VIGIL_LOG=log)),
        Config("c", "(c) vigil, default", str(bin_dir / "vigil-python"), dict(base, VIGIL_LOG=log)),
        Config("d", "(d) vigil, strict", str(bin_dir / "vigil-python"),
               dict(base, VIGIL_LOG=log, VIGIL_POLICY=verified), strict=True),
        Config("e", "(e) Python logger", STOCK,
               dict(base, PYTHONPATH=str(HERE / "python_logger"), PY_AUDIT_LOG=str(work / "python-logger.jsonl"))),
    ]


def instructions(config, args, cwd):
    completed = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", config.executable, *args],
        env=config.env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = re.search(r"Collected : (\d+)", completed.stderr)
    if not found:
        raise RuntimeError(f"callgrind failed for {config.label} {args}: {completed.stderr[-2000:]}")
    return int(found.group(1))


def wall_median(config, args, cwd, runs):
    """Milliseconds, or None when the run fails: the table says so rather
    than the whole benchmark stopping."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        completed = subprocess.run([config.executable, *args], env=config.env, cwd=cwd, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        if completed.returncode != 0:
            return None
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def verification_cost(all_configs, work, runs):
    """(d) against the same policy without [trust], on the import workload."""
    verified = next(c for c in all_configs if c.key == "d")
    unverified = Config("d0", "strict without [trust]", verified.executable,
                        dict(verified.env, VIGIL_POLICY=str(work / "strict-unverified.toml")), strict=True)
    workload = WORKLOADS["import ~160 stdlib modules"]
    with_trust, without = (instructions(c, workload, work) for c in (verified, unverified))
    walls = [wall_median(c, workload, work, max(runs, 10)) for c in (verified, unverified)]
    lines = ["", "## Verification cost", "",
             "The import workload under (d), and under the same policy without its [trust] table.", "",
             "| | instructions | wall ms |", "|---|---:|---:|",
             f"| strict with [trust] | {with_trust / 1e6:.1f} M | {walls[0]:.1f} |",
             f"| strict without [trust] | {without / 1e6:.1f} M | {walls[1]:.1f} |",
             f"| ratio | {with_trust / without:.3f}× | {walls[0] / walls[1]:.3f}× |"]
    print("\n".join(lines), flush=True)
    return lines


# The policy engine's own functions: judging an event (rules, facts, views'
# conditions) and building its views.
ENGINE_FUNCTIONS = {"evaluate": "vigil::PolicyEngine::evaluate(", "views": "vigil::ViewArguments::build("}


def inclusive_instructions(config, args, cwd, work):
    """Instructions in each of ENGINE_FUNCTIONS, callees included, and the
    events the run recorded."""
    out = work / "engine.callgrind"
    log = work / "engine.jsonl"
    log.unlink(missing_ok=True)
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", config.executable, *args],
                   env=dict(config.env, VIGIL_LOG=str(log)), cwd=cwd, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    annotated = subprocess.run(["callgrind_annotate", "--inclusive=yes", str(out)], capture_output=True,
                               text=True, check=True).stdout
    found = {}
    for name, function in ENGINE_FUNCTIONS.items():
        counts = [int(line.split()[0].replace(",", "")) for line in annotated.splitlines()
                  if function in line and line.strip()[:1].isdigit()]
        found[name] = max(counts, default=0)
    events = sum(1 for line in log.read_text().splitlines() if '"kind":"event"' in line)
    return found, events


def engine_cost(all_configs, work):
    """What the policy engine costs per event in (c): on the import workload
    its total over the events recorded, in the open storm per `open`."""
    vigil = next(c for c in all_configs if c.key == "c")
    lines = ["", "## The policy engine's share, per event",
             "",
             "Inclusive instructions of `PolicyEngine::evaluate` (judging the rules, their facts and conditions, the "
             "views' included) and, apart from it, of `ViewArguments::build` (resolving paths and programs for the "
             "views), in (c): on the import "
             "workload divided by the events recorded, in the open/close storm as the difference between "
             f"{STORM_SIZES[0]} and {STORM_SIZES[1]} iterations.", "",
             "| workload | events | rules per event | views per event |", "|---|---:|---:|---:|"]
    found, events = inclusive_instructions(vigil, WORKLOADS["import ~160 stdlib modules"], work, work)
    lines.append(f"| import ~160 stdlib modules | {events:,} | {found['evaluate'] / events:,.0f} | "
                 f"{found['views'] / events:,.0f} |")
    storm = str(HERE / "workloads" / STORMS["open/close"])
    (small, _), (large, _) = (inclusive_instructions(vigil, [storm, str(n)], work, work) for n in STORM_SIZES)
    iterations = STORM_SIZES[1] - STORM_SIZES[0]
    lines.append(f"| open/close storm | {iterations:,} | {(large['evaluate'] - small['evaluate']) / iterations:,.0f} | "
                 f"{(large['views'] - small['views']) / iterations:,.0f} |")
    print("\n".join(lines[-2:]), flush=True)
    return lines


def machine():
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                 platform.processor())
    return f"{os.cpu_count()} × {model}, Linux {platform.release()}"


def commit():
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=str(ROOT / "build" / "bin"))
    parser.add_argument("--runs", type=int, default=5, help="wall-clock runs per measurement")
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    parser.add_argument("--note", action="append", default=[], help="a line to add under the heading")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vigil-bench-"))
    all_configs = configs(Path(args.bin).resolve(), work)
    # Bytecode is cached for every workload before anything is measured.
    for workload in WORKLOADS.values():
        subprocess.run([STOCK, *workload], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    lines = [f"# Benchmark results", "",
             f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
             f"- machine: {machine()}", f"- commit: {commit()}",
             "- instruction counts: valgrind --tool=callgrind, PYTHONHASHSEED=0; ratios to (a) from the same run",
             f"- wall: median of {args.runs} runs, milliseconds, for context only",
             "- (d) strict.toml (enforce mode, rules, entry restrictions and [trust]), its database built by "
             "`vigil trust build` over the stdlib, dist-packages and bench/workloads, and jinja2's template compiler "
             "added to the default generators. It refuses -c, so its start-up "
             "row runs an empty script; it ignores PYTHON* variables, so PYTHONHASHSEED=0 does not apply to it. It "
             "denies ctypes, so its import row loads one module fewer; _testcapi, so it cannot run CPython's tests; "
             "and unverified compiles, so it has no compile storm",
             *(f"- {note}" for note in args.note), ""]
    header = "| workload | " + " | ".join(f"{c.label} instr" for c in all_configs) + " | " + \
             " | ".join(f"{c.label} wall ms" for c in all_configs) + " |"
    lines += [header, "|---|" + "---:|" * (2 * len(all_configs))]
    for name, workload in WORKLOADS.items():
        runnable = [c for c in all_configs if c.arguments(workload) is not None]
        counts = {c.key: instructions(c, c.arguments(workload), work) for c in runnable}
        walls = {c.key: wall_median(c, c.arguments(workload), work, args.runs) for c in runnable}
        failed = {key for key, wall in walls.items() if wall is None}
        walls = {key: wall for key, wall in walls.items() if wall is not None}
        cells = [f"{counts['a'] / 1e6:.1f} M"] + ["fails" if c.key in failed else
                                                f"{counts[c.key] / counts['a']:.3f}×" if c.key in counts else "denied"
                                                for c in all_configs[1:]]
        lines.append(f"| {name} | " + " | ".join(cells) + " | " +
                     " | ".join(f"{walls[c.key]:.1f}" if c.key in walls else "—" for c in all_configs) + " |")
        print(lines[-1], flush=True)

    lines += ["", "## Event storms: instructions per event",
              "",
              f"Each storm runs at {STORM_SIZES[0]} and {STORM_SIZES[1]} iterations; the difference divided by "
              f"{STORM_SIZES[1] - STORM_SIZES[0]} is the cost of one iteration, which raises one audit event. "
              "Recording cost is (c) minus (b).", "",
              "| storm | " + " | ".join(c.label for c in all_configs) + " | recording cost (c − b) | (c) / (b) |",
              "|---|" + "---:|" * (len(all_configs) + 2)]
    for name, script in STORMS.items():
        per_event = {}
        for c in all_configs:
            if c.arguments([str(HERE / "workloads" / script)]) is None:
                continue
            small, large = (instructions(c, [str(HERE / "workloads" / script), str(n)], work) for n in STORM_SIZES)
            per_event[c.key] = (large - small) / (STORM_SIZES[1] - STORM_SIZES[0])
        lines.append(f"| {name} | " + " | ".join(f"{per_event[c.key]:,.0f}" if c.key in per_event else "denied"
                                               for c in all_configs) +
                     f" | {per_event['c'] - per_event['b']:,.0f} | {per_event['c'] / per_event['b']:.2f}× |")
        print(lines[-1], flush=True)

    lines += engine_cost(all_configs, work)
    lines += verification_cost(all_configs, work, args.runs)
    Path(args.output).write_text("\n".join(lines) + "\n")
    print(f"written to {args.output}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
