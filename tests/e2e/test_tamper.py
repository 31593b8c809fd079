"""The tamper suite: every script in tests/detection/tamper tries one way to
blind, unlink, bypass or overwrite Vigil from inside the process. Each must
leave the alerts its `# expect:` line names under the built-in default
policy, and the log it leaves must still be whole: every line JSON, every
process's records numbered without a gap and chained, and `vigil log
verify` content with it. A script whose second line is `# leaves: gap`
tries something only a gap can show (docs/detection.md says why): there
`vigil log verify` must report the log as not clean, or the run as one
that ended without its stop record."""
import json
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, VIGIL, alerts, assert_contract

TAMPER = sorted((ROOT / "tests" / "detection" / "tamper").glob("*.py"))


def expected_rules(script):
    first = script.read_text().splitlines()[0]
    assert first.startswith("# expect: "), f"{script.name} must start with `# expect: rule ...`"
    return set(first.removeprefix("# expect: ").split())


def leaves_only_a_gap(script):
    lines = script.read_text().splitlines()
    return len(lines) > 1 and lines[1].strip() == "# leaves: gap"


def describe(found):
    return sorted(f"{a['rule']} ({a['severity']}): {a['message']}" for a in found)


@pytest.mark.parametrize("script", TAMPER, ids=lambda path: path.stem)
def test_tampering_leaves_its_alerts(vigil_run, log, script):
    run = vigil_run([str(script)], env={"VIGIL_POLICY": "default"}, timeout=120)
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    lines = Path(log).read_bytes().split(b"\n")
    assert lines[-1] == b"", "the log ends inside a line"
    records = [json.loads(line) for line in lines[:-1]]
    raised = {a["rule"] for a in alerts(records)}
    assert expected_rules(script) <= raised, describe(alerts(records))
    verify = subprocess.run([VIGIL, "log", "verify", str(log)], capture_output=True, text=True)
    if leaves_only_a_gap(script):
        assert verify.returncode == 1 or "without a stop record" in verify.stdout, verify.stdout + verify.stderr
        return
    assert_contract(records)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_the_tamper_suite_is_there():
    assert TAMPER, "tests/detection/tamper holds no script"
