"""make bench's report (bench/run_bench.py): README.md quotes its headline
block unchanged, and "where the rest goes" still finds every part of the
hook in a profile of this build."""

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, VIGIL, VIGIL_PYTHON

spec = importlib.util.spec_from_file_location("run_bench", ROOT / "bench" / "run_bench.py")
run_bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_bench)

# valgrind cannot run what AddressSanitizer instruments.
SANITIZED = b"__asan_init" in Path(VIGIL).read_bytes()


def test_readme_only_copies_the_results_headline_between_the_markers(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text(f"# Benchmark results\n\n{run_bench.HEADLINE_BEGIN}\n| new | table |\n"
                       f"{run_bench.HEADLINE_END}\n\n## Where the rest goes\n")
    readme = tmp_path / "README.md"
    readme.write_text(f"## Performance\n\nBefore.\n\n{run_bench.HEADLINE_BEGIN}\n| old | table |\n"
                      f"{run_bench.HEADLINE_END}\n\nAfter.\n")
    subprocess.run([sys.executable, str(ROOT / "bench" / "run_bench.py"), "--output", str(results),
                    "--readme", str(readme), "--readme-only"], check=True)
    assert readme.read_text() == (f"## Performance\n\nBefore.\n\n{run_bench.HEADLINE_BEGIN}\n| new | table |\n"
                                  f"{run_bench.HEADLINE_END}\n\nAfter.\n")


def test_readme_only_refuses_a_readme_without_markers(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text(f"{run_bench.HEADLINE_BEGIN}\nx\n{run_bench.HEADLINE_END}\n")
    readme = tmp_path / "README.md"
    readme.write_text("## Performance\n")
    completed = subprocess.run([sys.executable, str(ROOT / "bench" / "run_bench.py"), "--output", str(results),
                                "--readme", str(readme), "--readme-only"], capture_output=True, text=True)
    assert completed.returncode != 0 and "has no" in completed.stderr
    assert readme.read_text() == "## Performance\n"


def test_readme_quotes_the_committed_results_unchanged():
    results = (ROOT / "bench" / "RESULTS.md").read_text()
    readme = (ROOT / "README.md").read_text()
    assert run_bench.headline_block(readme) is not None, "README.md has lost its headline markers"
    if run_bench.headline_block(results) is None:
        pytest.skip("bench/RESULTS.md predates its headline block: `make bench` writes both")
    assert run_bench.headline_block(readme) == run_bench.headline_block(results), \
        "README.md's headline differs from bench/RESULTS.md's: run bench/run_bench.py --readme README.md --readme-only"


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed (make bench-deps)")
@pytest.mark.skipif(SANITIZED, reason="valgrind cannot run an AddressSanitizer build")
def test_where_the_rest_goes_finds_every_part_of_the_hook(tmp_path):
    profile = tmp_path / "callgrind.out"
    # Module bodies' import statements: call sites no line cache holds.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIGIL_"))}
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={profile}", VIGIL_PYTHON, "-c",
                    "import json, email.parser, http.client\nopen('/dev/null').close()"],
                   env=dict(env, VIGIL_LOG=str(tmp_path / "log.jsonl")), cwd=tmp_path, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parsed = run_bench.Profile(profile)
    for part in [*run_bench.PARTS, run_bench.EVALUATE, run_bench.VIEWS]:
        total, functions = parsed.inclusive(part)
        assert total is not None, f"no function of {part.label!r} in the profile: update PARTS in bench/run_bench.py"
        assert total > 0, f"{part.label!r}: {functions} were not called from Vigil's code"
