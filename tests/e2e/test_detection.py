"""The detection suites: every attack script in tests/detection/attacks must
raise the alerts its `# expect:` line names under the built-in default
policy, and no benign workload in tests/detection/benign may raise an
alert of severity medium or above."""
import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT, alerts

SUITES = ROOT / "tests" / "detection"
ATTACKS = sorted((SUITES / "attacks").glob("*.py"))
BENIGN = sorted((SUITES / "benign").glob("*.py"))
SERIOUS = {"medium", "high", "critical"}


def expected_rules(script):
    first = script.read_text().splitlines()[0]
    assert first.startswith("# expect: "), f"{script.name} must start with `# expect: rule ...`"
    return set(first.removeprefix("# expect: ").split())


@pytest.fixture
def workdir():
    """Scratch space only root can write: files benign workloads create there
    are not code from a world-writable directory."""
    directory = Path(tempfile.mkdtemp(prefix="vigil-benign-", dir="/run"))
    yield directory
    shutil.rmtree(directory)


def describe(found):
    return sorted(f"{a['rule']} ({a['severity']}): {a['message']}" for a in found)


@pytest.mark.parametrize("script", ATTACKS, ids=lambda path: path.stem)
def test_attack_raises_its_alerts(vigil_run, script):
    run = vigil_run([str(script)], env={"VIGIL_POLICY": "default"}, timeout=120)
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    raised = {a["rule"] for a in alerts(run.checked_records())}
    assert expected_rules(script) <= raised, describe(alerts(run.records))


@pytest.mark.parametrize("script", BENIGN, ids=lambda path: path.stem)
def test_benign_workload_raises_nothing_serious(vigil_run, script, workdir):
    run = vigil_run([str(script)], env={"VIGIL_POLICY": "default", "BENIGN_WORKDIR": str(workdir)}, timeout=600,
                    cwd=workdir)
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    serious = [a for a in alerts(run.checked_records()) if a["severity"] in SERIOUS]
    assert serious == [], describe(serious)


def test_the_suites_cover_every_family():
    assert len(ATTACKS) >= 12 and len(BENIGN) >= 42


def test_conditions_see_non_ascii_text(vigil_run, tmp_path):
    """A name outside ASCII is matched on its UTF-8 bytes, not read as empty."""
    target = tmp_path / "zé.pth"
    run = vigil_run(["-c", f"open({str(target)!r}, 'w').close()"], env={"VIGIL_POLICY": "default"})
    found = alerts(run.checked_records(), "startup-persistence")
    assert len(found) == 1, describe(alerts(run.records))
