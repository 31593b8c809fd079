#!/usr/bin/env python3
"""Vigil's benchmark: the shipped vigil-python against the stock interpreter.

The same workloads run under

  (a) the stock interpreter of the version vigil-python is built for
      (--stock, else VIGIL_STOCK_PYTHON, else /usr/bin/python3.X of the
      version vigil-python reports), the limit;
  (b) vigil-python-floor: Vigil's hooks installed, recording nothing;
  (c) vigil-python as shipped: the built-in default policy, the hash chain
      on, every record written to a file;
  (d) vigil-python under the strict policy, verifying every code file
      against a trust database built by `vigil trust build`;
  (e) the stock interpreter with a Python-level sys.addaudithook JSON logger.

Instruction counts come from valgrind --tool=callgrind, which is repeatable
on a noisy machine, so its runs go in parallel (--jobs). Wall-clock medians
come from hyperfine, run alone afterwards, for context. The report begins
with the headline table (issue 22's goals), which --readme also copies into
README.md between its markers.
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORKLOAD_DIR = HERE / "workloads"

START_UP = "start-up (-c pass)"
IMPORTS = "import ~160 stdlib modules"
CPU_BOUND = "CPU-bound, no events"
WORKLOADS = {
    START_UP: ["-c", "pass"],
    IMPORTS: [str(WORKLOAD_DIR / "import_stdlib.py")],
    CPU_BOUND: [str(WORKLOAD_DIR / "cpu_bound.py")],
    "jinja2 rendering": [str(WORKLOAD_DIR / "jinja2_render.py")],
    "Django test-client requests": [str(WORKLOAD_DIR / "django_requests.py")],
}
QUICK_WORKLOADS = (START_UP, IMPORTS, CPU_BOUND)
OPEN_STORM = "open/close"
STORMS = {
    OPEN_STORM: "storm_open.py",
    "compile": "storm_compile.py",
    "socket": "storm_socket.py",
}
STORM_SIZES = (2000, 4000)
QUICK_STORM_SIZES = (500, 1000)

# Issue 22's goals for (c), the shipped vigil-python, against (a).
IMPORT_GOAL = 1.03
CPU_GOAL = 1.01
STORM_GOAL = 2.0
PER_EVENT_GOAL = 6000

# README.md and the report share the block between these lines.
HEADLINE_BEGIN = "<!-- bench/run_bench.py: headline begin -->"
HEADLINE_END = "<!-- bench/run_bench.py: headline end -->"


class Config:
    def __init__(self, key, label, executable, env, strict=False):
        self.key, self.label, self.executable, self.env = key, label, executable, env
        self.strict = strict

    def arguments(self, workload):
        """The workload as this config runs it; None when its policy forbids it."""
        if not self.strict:
            return workload
        # strict.toml refuses -c, so its start-up is an empty script; it
        # denies compiling text that no verified file holds, which is the
        # compile storm.
        if workload[0] == "-c":
            return [str(WORKLOAD_DIR / "empty.py")]
        if workload[0].endswith(STORMS["compile"]):
            return None
        return workload

    def run_env(self, scratch):
        """The environment of one run: the logs go to files of its own, so
        that parallel runs do not share one and each run's events can be
        counted."""
        env = dict(self.env)
        for variable in ("VIGIL_LOG", "PY_AUDIT_LOG"):
            if variable in env:
                env[variable] = str(scratch / f"{variable.lower()}.jsonl")
        return env


def stock_interpreter(requested, bin_dir, work):
    """--stock, else VIGIL_STOCK_PYTHON, else the python3.X whose version
    vigil-python reports."""
    if requested:
        return requested
    if os.environ.get("VIGIL_STOCK_PYTHON"):
        return os.environ["VIGIL_STOCK_PYTHON"]
    version = subprocess.run([str(bin_dir / "vigil-python-floor"), "-c",
                              "import sys; print('%d.%d' % sys.version_info[:2])"],
                             env=dict(os.environ, VIGIL_LOG=str(work / "version.jsonl")), capture_output=True,
                             text=True, check=True).stdout.strip()
    return f"/usr/bin/python{version}"


def strict_policies(bin_dir, work, stdlib):
    """strict.toml with a trust database of everything the workloads run,
    and the same policy without its [trust] table, for verification's cost."""
    # Stat keys count only in a trust file root alone can write, as
    # /etc/vigil/trust.d is; the temporary directory is under /tmp.
    trusted_dir = bin_dir.parent / "bench-trust"
    trusted_dir.mkdir(exist_ok=True)
    trusted_dir.chmod(0o755)
    database = trusted_dir / "bench.trust"
    subprocess.run([str(bin_dir / "vigil"), "trust", "build", "-o", str(database), stdlib,
                    "/usr/lib/python3/dist-packages", str(WORKLOAD_DIR)], check=True, stderr=subprocess.DEVNULL)
    text = (ROOT / "policies" / "strict.toml").read_text()
    # jinja2 compiles templates into Python: a code generator the
    # administrator has to name, like the stdlib's defaults.
    generators = [f"{stdlib}/{name}" for name in
                  ("collections/__init__.py", "dataclasses.py", "types.py", "typing.py")]
    generators.append("/usr/lib/python3/dist-packages/jinja2/environment.py")
    verified = work / "strict.toml"
    verified.write_text(text.replace('database = ["/etc/vigil/trust.d"]',
                                     f'database = ["{database}"]\ngenerators = {generators!r}'.replace("'", '"')))
    start = text.index("[trust]")
    unverified = work / "strict-unverified.toml"
    unverified.write_text(text[:start] + text[text.index("[[rule]]", start):])
    return str(verified), str(unverified)


def configs(bin_dir, work, stock):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIGIL_"))}
    base["PYTHONHASHSEED"] = "0"
    # VIGIL_LOG and PY_AUDIT_LOG name a file of each run's own (run_env).
    stock_name = os.path.basename(stock)
    verified, unverified = strict_policies(bin_dir, work, "/usr/lib/" + stock_name)
    strict = Config("d", "(d) vigil, strict", str(bin_dir / "vigil-python"),
                    dict(base, VIGIL_LOG="", VIGIL_POLICY=verified), strict=True)
    all_configs = [
        Config("a", f"(a) {stock_name}", stock, base),
        Config("b", "(b) floor", str(bin_dir / "vigil-python-floor"), dict(base, VIGIL_LOG="")),
        Config("c", "(c) vigil, default", str(bin_dir / "vigil-python"), dict(base, VIGIL_LOG="")),
        strict,
        Config("e", "(e) Python logger", stock,
               dict(base, PYTHONPATH=str(HERE / "python_logger"), PY_AUDIT_LOG="")),
    ]
    without_trust = Config("d0", "strict without [trust]", strict.executable,
                           dict(strict.env, VIGIL_POLICY=unverified), strict=True)
    return all_configs, without_trust


class Run:
    """One callgrind run: its instruction count, whether the program
    succeeded, the records it wrote and, when kept, its profile."""

    def __init__(self, count, succeeded, records, profile):
        self.count, self.succeeded, self.records, self.profile = count, succeeded, records, profile

    def events(self):
        return sum(1 for record in self.records if record.get("kind") == "event")

    def start(self):
        return next((record for record in self.records if record.get("kind") == "start"), {})


def read_records(path):
    records = []
    if path.exists():
        for line in path.read_text(errors="replace").splitlines():
            try:
                records.append(json.loads(line))
            except ValueError:
                pass
    return records


def callgrind(config, args, cwd, scratch, keep_profile):
    scratch.mkdir(parents=True)
    profile = scratch / "callgrind.out" if keep_profile else None
    env = config.run_env(scratch)
    completed = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={profile or '/dev/null'}", config.executable, *args],
        env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = re.search(r"Collected : (\d+)", completed.stderr)
    if not found:
        raise RuntimeError(f"callgrind failed for {config.label} {args}: {completed.stderr[-2000:]}")
    log = Path(env["VIGIL_LOG"]) if env.get("VIGIL_LOG") else None
    return Run(int(found.group(1)), completed.returncode == 0, read_records(log) if log else [],
               Profile(profile) if profile else None)


class Measurements:
    """Every callgrind run the report needs, run in parallel: instruction
    counts do not depend on what else the machine is doing."""

    def __init__(self, work, jobs):
        self.work, self.jobs = work, jobs
        self.wanted = {}
        self.runs = {}

    def want(self, key, config, args, keep_profile=False):
        if args is not None:
            self.wanted[key] = (config, args, keep_profile)

    def run(self):
        started = time.monotonic()
        done = 0
        with concurrent.futures.ThreadPoolExecutor(max_workers=self.jobs) as pool:
            futures = {pool.submit(callgrind, config, args, self.work, self.work / f"run{i}", keep): key
                       for i, (key, (config, args, keep)) in enumerate(self.wanted.items())}
            for future in concurrent.futures.as_completed(futures):
                key = futures[future]
                self.runs[key] = future.result()
                done += 1
                print(f"[{done}/{len(futures)}, {time.monotonic() - started:.0f} s] {' '.join(map(str, key))}: "
                      f"{self.runs[key].count / 1e6:.1f} M", file=sys.stderr, flush=True)

    def get(self, *key):
        return self.runs.get(key)


def bare_name(name):
    """A function's name from callgrind without its recursion mark, clone
    suffix or parameter list: what PARTS' patterns match."""
    name = re.sub(r"'\d+$", "", name)
    name = re.sub(r"( \[clone [^\]]*\])+$", "", name)
    name = name.replace("(anonymous namespace)", "{anonymous}")
    depth = 0
    for i, char in enumerate(name):
        if char == "<":
            depth += 1
        elif char == ">":
            depth -= 1
        elif char == "(" and depth == 0 and i > 0:
            return name[:i]
    return name


def short_name(name):
    bare = bare_name(name).replace("{anonymous}::", "")
    return bare[len("vigil::"):] if bare.startswith("vigil::") else bare


class Profile:
    """A callgrind output file read as calls between functions, each call
    with its inclusive instructions. Functions are keyed by name across
    objects and files, as inlining spreads one over several files."""

    def __init__(self, path):
        self.calls = defaultdict(int)
        names = {}
        function = callee = None
        in_call = False
        positions = 1
        with open(path) as profile:
            for line in profile:
                if line.startswith(("fn=", "cfn=")):
                    key, _, value = line.rstrip("\n").partition("=")
                    found = re.match(r"\((\d+)\)(?: (.*))?$", value)
                    if found:
                        if found.group(2) is not None:
                            names[found.group(1)] = found.group(2)
                        value = names[found.group(1)]
                    if key == "fn":
                        function = value
                    else:
                        callee = value
                elif line.startswith("calls="):
                    in_call = True
                elif line.startswith("positions:"):
                    positions = len(line.split()) - 1
                elif line[:1].isdigit() or line[:1] in "+-*":
                    if in_call:
                        fields = line.split()
                        self.calls[function, callee] += int(fields[positions]) if len(fields) > positions else 0
                        in_call = False
        self.bare = {name: bare_name(name) for pair in self.calls for name in pair}

    def inclusive(self, part):
        """Instructions in the functions part names, callees included, on
        calls from functions outside them (and, if part says so, only from
        those it names as callers), with the functions that took them;
        None when no function in the profile has such a name."""
        members = {name for name, bare in self.bare.items() if part.callee.search(bare)}
        if not members:
            return None, []
        total, by_function = 0, defaultdict(int)
        for (caller, callee), cost in self.calls.items():
            if callee in members and caller not in members and (
                    part.caller is None or part.caller.search(self.bare[caller])):
                total += cost
                by_function[short_name(callee)] += cost
        return total, sorted(by_function, key=by_function.get, reverse=True)


class Part:
    def __init__(self, label, callee, caller=None):
        self.label, self.callee = label, re.compile(callee)
        self.caller = re.compile(caller) if caller else None


# Vigil's own functions: C++ in namespace vigil, C named vigil_*.
VIGIL = r"^vigil(::|_)"
HOOK = r"\b(audit_callback|record_event)$"
# The hook's main parts, by function names found with callgrind_annotate
# --inclusive=yes on the import workload. Patterns are broad so that a
# renamed function is still found; a part whose names are all gone shows as
# "not found" (and tests/e2e/test_bench.py fails). Parts can overlap (the
# rules read the call site too).
PARTS = [
    Part("the audit hook, all of it", HOOK),
    Part("hashing (the chain's, and any other Vigil does)",
         VIGIL + r".*([Ss]ha256|SHA256|[Cc]hain|[Ss]eal|[Bb]lake)|^SHA256_|^sha256_block", VIGIL),
    Part("writing records: the line, its chain, the write (Recorder)", r"^vigil::Recorder::", VIGIL),
    Part("rendering arguments", VIGIL + r".*(ValueRenderer::|append_args$|render)", VIGIL),
    Part("the call site's line",
         r"^(PyFrame_GetLineNumber|PyCode_Addr2Line|_PyCode_CheckLineNumber)$|"
         + VIGIL + r".*(line_of|line_number|lineno|site_line|line_table|[Ll]ine[A-Z])", VIGIL),
    Part("judging: rules, views, trust", VIGIL + r".*\bjudge$|^vigil::PolicyEngine::evaluate$", VIGIL),
    Part("of which the rules (PolicyEngine::evaluate)", r"^vigil::PolicyEngine::evaluate$", VIGIL),
    Part("transcripts", r"^vigil::Transcripts::", VIGIL),
]
EVALUATE = Part("rules", r"^vigil::PolicyEngine::evaluate$", VIGIL)
VIEWS = Part("views", r"^vigil::ViewArguments::build$", VIGIL)


def millions(count):
    return f"{count / 1e6:.1f} M"


def met(ratio, goal):
    return "yes" if ratio <= goal else "**no**"


def storm_per_event(measurements, config, storm, sizes):
    runs = [measurements.get(config.key, "storm", storm, n) for n in sizes]
    if None in runs:
        return None
    return (runs[1].count - runs[0].count) / (sizes[1] - sizes[0])


class Report:
    def __init__(self, measurements, walls, all_configs, without_trust, stock, sizes, workloads, storms):
        self.m, self.walls = measurements, walls
        self.configs = {c.key: c for c in all_configs}
        self.all_configs, self.without_trust = all_configs, without_trust
        self.stock_name = os.path.basename(stock)
        self.sizes, self.workloads, self.storms = sizes, workloads, storms

    def headline(self, provenance):
        a, b, c = (self.configs[k] for k in "abc")
        rows = []
        for name, label, goal in ((IMPORTS, "import ~160 stdlib modules", IMPORT_GOAL),
                                  (CPU_BOUND, "CPU-bound", CPU_GOAL)):
            stock, floor, vigil = (self.m.get(k, name).count for k in "abc")
            rows.append(f"| {label} | {millions(stock)} | {millions(floor)} ({floor / stock:.3f}×) | "
                        f"{millions(vigil)} ({vigil / stock:.3f}×) | ≤ {goal:.2f}× | {met(vigil / stock, goal)} |")
        stock, floor, vigil = (storm_per_event(self.m, x, OPEN_STORM, self.sizes) for x in (a, b, c))
        rows.append(f"| open/close storm, per event | {stock:,.0f} | {floor:,.0f} ({floor / stock:.2f}×) | "
                    f"{vigil:,.0f} ({vigil / stock:.2f}×) | ≤ {STORM_GOAL:.0f}× {self.stock_name}'s | "
                    f"{met(vigil / stock, STORM_GOAL)} |")
        imports = self.m.get("c", IMPORTS)
        events = imports.events()
        floor_count = self.m.get("b", IMPORTS).count
        per_event = (imports.count - floor_count) / events
        start = imports.start()
        policy = start.get("policy", {})
        shipped = (f"`vigil-python` under the {policy.get('name', '?')} policy ({policy.get('source', '?')}), "
                   f"hash chain {'on' if start.get('chain') else '**off**'}, every record written to a file")
        lines = [HEADLINE_BEGIN, provenance, "",
                 f"Instructions (callgrind, `PYTHONHASHSEED=0`, all in one run); ratios to {self.stock_name}. "
                 f"Floor: `vigil-python-floor`, Vigil's hooks installed, recording nothing. As shipped: {shipped}.",
                 "",
                 f"| workload | {self.stock_name} | floor (hooks, no recording) | vigil-python as shipped | goal "
                 "| met |",
                 "|---|---:|---:|---:|---:|---|", *rows, "",
                 f"Instructions per event over the floor on the import workload: ({millions(imports.count)} − "
                 f"{millions(floor_count)}) / {events:,} events = **{per_event:,.0f}**; goal ≤ {PER_EVENT_GOAL:,}: "
                 f"{met(per_event, PER_EVENT_GOAL)}.", "", *self.wall_table(), HEADLINE_END]
        return lines

    def wall_table(self):
        keys = [k for k in "abcd" if (k, START_UP) in self.walls or (k, IMPORTS) in self.walls]
        runs = next(iter(self.walls.values()), {}).get("runs", "?") if self.walls else "?"
        lines = [f"Wall clock (hyperfine, median ± standard deviation of {runs} runs after warm-up, milliseconds; "
                 f"ratio of medians to {self.stock_name}). The machine is shared: wall times are context, the "
                 "instruction counts above are the measurement. (d)'s start-up runs an empty script, as strict.toml "
                 "refuses `-c`.", "",
                 "| workload | " + " | ".join(self.configs[k].label for k in keys) + " |",
                 "|---|" + "---:|" * len(keys)]
        for name in (START_UP, IMPORTS):
            stock = self.walls.get(("a", name))
            cells = []
            for k in keys:
                wall = self.walls.get((k, name))
                if wall is None:
                    cells.append("fails")
                    continue
                ratio = f" ({wall['median'] / stock['median']:.3f}×)" if stock and k != "a" else ""
                cells.append(f"{wall['median'] * 1000:.1f} ± {wall['stddev'] * 1000:.1f}{ratio}")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        return lines

    def rest(self):
        imports, floor = self.m.get("c", IMPORTS), self.m.get("b", IMPORTS)
        events = imports.events()
        over = imports.count - floor.count
        lines = ["", "## Where the rest goes", "",
                 f"(c) − (b) on the import workload: {millions(over)} for {events:,} events, {over / events:,.0f} "
                 "each. Inclusive instructions of the hook's main parts in (c)'s profile, matched by function name "
                 "(bench/run_bench.py's PARTS; \"not found\" when no function has such a name any more). Parts can "
                 "overlap; \"outside the hook\" is (c) − (b) less the hook, which includes work moved out of it.", "",
                 "| part | instructions | per event | share of (c) − (b) | functions |", "|---|---:|---:|---:|---|"]
        hook = None
        for part in PARTS:
            total, functions = imports.profile.inclusive(part)
            if part is PARTS[0]:
                hook = total
            if total is None:
                lines.append(f"| {part.label} | not found | | | |")
                continue
            shown = ", ".join(f"`{f}`" for f in functions[:3]) + (" …" if len(functions) > 3 else "")
            lines.append(f"| {part.label} | {millions(total)} | {total / events:,.0f} | {total / over:.0%} | "
                         f"{shown} |")
        if hook is not None:
            outside = over - hook
            lines.append(f"| outside the hook | {millions(outside)} | {outside / events:,.0f} | {outside / over:.0%} "
                         "| |")
        return lines

    def all_workloads(self):
        lines = ["", "## All workloads", "",
                 "Instructions; (a) absolute, the others as ratios to (a). (d) is strict.toml with verification; "
                 "(e) is the stock interpreter with a `sys.addaudithook` JSON logger.", "",
                 "| workload | " + " | ".join(c.label for c in self.all_configs) + " |",
                 "|---|" + "---:|" * len(self.all_configs)]
        for name in self.workloads:
            stock = self.m.get("a", name).count
            cells = [millions(stock)]
            for c in self.all_configs[1:]:
                run = self.m.get(c.key, name)
                cells.append("denied" if run is None else "fails" if not run.succeeded else
                             f"{run.count / stock:.3f}×")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        return lines

    def storm_table(self):
        small, large = self.sizes
        lines = ["", "## Event storms: instructions per event", "",
                 f"Each storm runs at {small:,} and {large:,} iterations; the difference divided by "
                 f"{large - small:,} is the cost of one iteration, which raises one audit event. "
                 "Recording cost is (c) minus (b).", "",
                 "| storm | " + " | ".join(c.label for c in self.all_configs) +
                 " | recording cost (c − b) | (c) / (b) |",
                 "|---|" + "---:|" * (len(self.all_configs) + 2)]
        for storm in self.storms:
            per_event = {c.key: storm_per_event(self.m, c, storm, self.sizes) for c in self.all_configs}
            lines.append(f"| {storm} | " + " | ".join("denied" if per_event[c.key] is None else
                                                     f"{per_event[c.key]:,.0f}" for c in self.all_configs) +
                         f" | {per_event['c'] - per_event['b']:,.0f} | {per_event['c'] / per_event['b']:.2f}× |")
        return lines

    def engine_share(self):
        small, large = self.sizes
        lines = ["", "## The policy engine's share, per event", "",
                 "Inclusive instructions of `PolicyEngine::evaluate` (judging the rules, their facts and conditions, "
                 "the views' included) and, apart from it, of `ViewArguments::build` (resolving paths and programs "
                 "for the views), in (c): on the import workload divided by the events recorded, in the open/close "
                 f"storm as the difference between {small:,} and {large:,} iterations.", "",
                 "| workload | events | rules per event | views per event |", "|---|---:|---:|---:|"]

        def per_event(part, profiles, events):
            """The part's instructions in the last profile less those in the
            first (if there are two), per event; "not found" without them."""
            totals = [profile.inclusive(part)[0] for profile in profiles]
            if None in totals:
                return "not found"
            return f"{(totals[-1] - (totals[0] if len(totals) > 1 else 0)) / events:,.0f}"

        imports = self.m.get("c", IMPORTS)
        events = imports.events()
        lines.append(f"| {IMPORTS} | {events:,} | {per_event(EVALUATE, [imports.profile], events)} | "
                     f"{per_event(VIEWS, [imports.profile], events)} |")
        storms = [self.m.get("c", "storm", OPEN_STORM, n).profile for n in self.sizes]
        lines.append(f"| open/close storm | {large - small:,} | {per_event(EVALUATE, storms, large - small)} | "
                     f"{per_event(VIEWS, storms, large - small)} |")
        return lines

    def verification_cost(self):
        with_trust, without = self.m.get("d", IMPORTS).count, self.m.get("d0", IMPORTS).count
        walls = self.walls.get(("d", IMPORTS)), self.walls.get(("d0", IMPORTS))
        wall_cells = [f"{w['median'] * 1000:.1f}" if w else "fails" for w in walls]
        wall_ratio = f"{walls[0]['median'] / walls[1]['median']:.3f}×" if all(walls) else "—"
        return ["", "## Verification cost", "",
                "The import workload under (d), and under the same policy without its [trust] table (wall: hyperfine "
                "medians, as above).", "",
                "| | instructions | wall ms |", "|---|---:|---:|",
                f"| strict with [trust] | {millions(with_trust)} | {wall_cells[0]} |",
                f"| strict without [trust] | {millions(without)} | {wall_cells[1]} |",
                f"| ratio | {with_trust / without:.3f}× | {wall_ratio} |"]


def hyperfine(config, args, cwd, scratch, runs, warmup):
    """hyperfine's result for one command (median, stddev and the times in
    seconds), or None when the command fails."""
    scratch.mkdir(parents=True)
    export = scratch / "hyperfine.json"
    completed = subprocess.run(
        ["hyperfine", "--shell=none", "--style", "none", "--warmup", str(warmup), "--runs", str(runs),
         "--export-json", str(export), shlex.join([config.executable, *args])],
        env=config.run_env(scratch), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if completed.returncode != 0:
        print(f"hyperfine: {config.label} {args} fails: {completed.stderr.strip()[-500:]}", file=sys.stderr)
        return None
    result = json.loads(export.read_text())["results"][0]
    return {"command": f"{config.label}: {shlex.join(args)}", "runs": len(result["times"]),
            "median": result["median"], "stddev": result["stddev"], "mean": result["mean"],
            "min": result["min"], "max": result["max"], "times": result["times"]}


def machine():
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                 platform.processor())
    return f"{os.cpu_count()} × {model}, Linux {platform.release()}"


def commit():
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + (" with uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def shown_path(path):
    """The path from the repository's root, where it is inside it."""
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def headline_block(text):
    """The lines from HEADLINE_BEGIN to HEADLINE_END, or None."""
    begin, end = text.find(HEADLINE_BEGIN), text.find(HEADLINE_END)
    if begin < 0 or end < begin:
        return None
    return text[begin:end + len(HEADLINE_END)]


def quote_in_readme(results, readme):
    """README.md's block between the markers becomes the results' headline."""
    block = headline_block(results.read_text())
    if block is None:
        raise SystemExit(f"{results} has no headline block: run the benchmark first")
    text = readme.read_text()
    if headline_block(text) is None:
        raise SystemExit(f"{readme} has no {HEADLINE_BEGIN} … {HEADLINE_END} block")
    readme.write_text(text.replace(headline_block(text), block))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=str(ROOT / "build" / "bin"),
                        help="the directory holding vigil-python, vigil-python-floor and vigil")
    parser.add_argument("--stock", help="the stock interpreter (default: VIGIL_STOCK_PYTHON, else /usr/bin/python3.X "
                                        "of vigil-python's version)")
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    parser.add_argument("--readme", help="also copy the headline block into this file (README.md)")
    parser.add_argument("--readme-only", action="store_true",
                        help="measure nothing: copy --output's headline block into --readme")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="callgrind runs at once")
    parser.add_argument("--runs", type=int, default=30, help="hyperfine runs per measurement")
    parser.add_argument("--warmup", type=int, default=3, help="hyperfine warm-up runs per measurement")
    parser.add_argument("--quick", action="store_true",
                        help="a check of this script, not a measurement: three workloads, the open storm at "
                             f"{QUICK_STORM_SIZES[0]} and {QUICK_STORM_SIZES[1]}, 5 hyperfine runs")
    parser.add_argument("--note", action="append", default=[], help="a line to add under the heading")
    args = parser.parse_args()
    if args.readme_only:
        if not args.readme:
            parser.error("--readme-only needs --readme")
        quote_in_readme(Path(args.output), Path(args.readme))
        return 0
    for tool in ("valgrind", "hyperfine"):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is not installed (make bench-deps)")
    workloads = {name: WORKLOADS[name] for name in (QUICK_WORKLOADS if args.quick else WORKLOADS)}
    storms = {OPEN_STORM: STORMS[OPEN_STORM]} if args.quick else STORMS
    sizes = QUICK_STORM_SIZES if args.quick else STORM_SIZES
    runs, warmup = (5, 1) if args.quick else (args.runs, args.warmup)

    began = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="vigil-bench-"))
    bin_dir = Path(args.bin).resolve()
    stock = stock_interpreter(args.stock, bin_dir, work)
    all_configs, without_trust = configs(bin_dir, work, stock)
    # Bytecode is cached for every workload before anything is measured.
    for workload in workloads.values():
        subprocess.run([stock, *workload], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    measurements = Measurements(work, args.jobs)
    # The longest runs first, so that the last ones to finish are short.
    for name, workload in reversed(workloads.items()):
        for c in all_configs:
            # (c)'s profile on the import workload is where the rest goes.
            measurements.want((c.key, name), c, c.arguments(workload), keep_profile=c.key == "c" and name == IMPORTS)
    measurements.want(("d0", IMPORTS), without_trust, without_trust.arguments(workloads[IMPORTS]))
    for storm, script in storms.items():
        for c in all_configs:
            for n in sizes:
                arguments = c.arguments([str(WORKLOAD_DIR / script)])
                measurements.want((c.key, "storm", storm, n), c, arguments and [*arguments, str(n)],
                                  keep_profile=c.key == "c" and storm == OPEN_STORM)
    measurements.run()

    # Wall clock, once nothing else of this benchmark runs.
    walls = {}
    for name in (START_UP, IMPORTS):
        for c in [*all_configs[:4], *([without_trust] if name == IMPORTS else [])]:
            walls[c.key, name] = hyperfine(c, c.arguments(workloads[name]), work, work / f"wall-{c.key}-{len(walls)}",
                                           runs, warmup)
            if walls[c.key, name]:
                print(f"hyperfine {c.label} {name}: {walls[c.key, name]['median'] * 1000:.1f} ms", file=sys.stderr)
    walls = {key: wall for key, wall in walls.items() if wall is not None}

    report = Report(measurements, walls, all_configs, without_trust, stock, sizes, workloads, storms)
    output = Path(args.output)
    wall_json = output.with_name(output.stem + "-wall.json")
    minutes = (time.monotonic() - began) / 60
    stock_name = os.path.basename(stock)
    date, revision = datetime.datetime.now(datetime.timezone.utc), commit()
    lines = ["# Benchmark results", "",
             "Written by `bench/run_bench.py` (`make bench`); do not edit by hand.", "",
             f"- date: {date:%Y-%m-%d %H:%M} UTC",
             f"- machine: {machine()}", f"- commit: {revision}",
             f"- binaries: {bin_dir}; stock interpreter: {stock}",
             "- instruction counts: valgrind --tool=callgrind, PYTHONHASHSEED=0, ratios to (a) from the same run",
             f"- wall: hyperfine, {warmup} warm-up runs and {runs} runs, run alone after the callgrind runs; every "
             f"run's times are in {wall_json.name}",
             "- (d) strict.toml (enforce mode, rules, entry restrictions and [trust]), its database built by "
             "`vigil trust build` over the stdlib, dist-packages and bench/workloads, and jinja2's template compiler "
             "added to the default generators. It refuses -c, so its start-up "
             "row runs an empty script; it ignores PYTHON* variables, so PYTHONHASHSEED=0 does not apply to it. It "
             "denies ctypes, so its import row loads one module fewer, and unverified compiles, so it has no compile "
             "storm",
             f"- this run took {minutes:.0f} minutes ({args.jobs} callgrind runs at once)",
             *(["- **--quick: a check of the script, not a measurement**"] if args.quick else []),
             *(f"- {note}" for note in args.note), "",
             f"## Headline: vigil-python as shipped against {stock_name}", "",
             *report.headline(f"Measured {date:%Y-%m-%d} at commit {revision} on {machine()}, against {stock} "
                              f"(`{shown_path(output)}` has the rest)."
                              + (" **--quick: a check of the script, not a measurement.**" if args.quick else "")),
             *report.rest(), *report.all_workloads(), *report.storm_table(), *report.engine_share(),
             *report.verification_cost()]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    output.write_text(text)
    wall_json.write_text(json.dumps({f"{key} / {name}": wall for (key, name), wall in walls.items()}, indent=1) + "\n")
    print(f"written to {output} and {wall_json} in {minutes:.1f} minutes", file=sys.stderr)
    if args.readme:
        quote_in_readme(output, Path(args.readme))
        print(f"headline copied into {args.readme}", file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
