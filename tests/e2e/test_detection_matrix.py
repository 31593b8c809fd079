"""tools/detection_matrix.py: the detection matrix of docs/detection.md,
generated from the detection suites' results file. Checked on a small
results file written here, through the tool's command line."""
import json
import subprocess
import sys

from conftest import ROOT

TOOL = ROOT / "tools" / "detection_matrix.py"
DOC = ROOT / "docs" / "detection.md"
BEGIN, END = "<!-- matrix:begin -->", "<!-- matrix:end -->"


def alert(rule, severity, *attack, subject=None):
    return {"rule": rule, "severity": severity, "attack": list(attack), "subject": subject}


RESULTS = [
    # Detected at its sub-technique; a second, lower alert does not lower the severity.
    {"script": "attacks/shell_a.py", "suite": "attack", "techniques": ["T1059.004"], "gap": None, "returncode": 0,
     "alerts": [alert("reverse-shell", "critical", "T1059.004", "T1071", subject="/bin/sh"),
                alert("ctypes", "low", "T1106")]},
    # Detected through the parent id an alert carries.
    {"script": "attacks/shell_b.py", "suite": "attack", "techniques": ["T1059.004", "T1071.001"], "gap": None,
     "returncode": 0, "alerts": [alert("shell-wired", "high", "T1059")]},
    # Only a low alert: not detected, and the script's gap line says why.
    {"script": "attacks/mmap_rwx.py", "suite": "attack", "techniques": ["T1620"],
     "gap": "mmap's event has no prot argument", "returncode": 0,
     "alerts": [alert("ctypes", "low", "T1620")]},
    # A run that failed is told apart from a miss.
    {"script": "attacks/crashed.py", "suite": "attack", "techniques": ["T1620"], "gap": None, "returncode": 1,
     "alerts": []},
    # A sibling sub-technique does not count; no gap line.
    {"script": "attacks/sibling.py", "suite": "attack", "techniques": ["T1055.009"], "gap": None, "returncode": 0,
     "alerts": [alert("ptrace", "critical", "T1055.008")]},
    {"script": "benign/quiet.py", "suite": "benign", "techniques": [], "gap": None, "returncode": 0,
     "alerts": [alert("ctypes", "low", "T1106")]},
    {"script": "benign/noisy.py", "suite": "benign", "techniques": [], "gap": None, "returncode": 0,
     "alerts": [alert("code-object", "medium", "T1027")]},
]


def generate(tmp_path, document, results=RESULTS):
    results_file = tmp_path / "results.jsonl"
    results_file.write_text("".join(json.dumps(r) + "\n" for r in results))
    doc = tmp_path / "detection.md"
    doc.write_text(document)
    run = subprocess.run([sys.executable, str(TOOL), "--results", str(results_file), "--doc", str(doc)],
                         capture_output=True, text=True, timeout=60)
    return run, doc


def rows_of(text):
    """The matrix's rows as {technique: [cells]}."""
    rows = {}
    for line in text.splitlines():
        if line.startswith("| T"):
            cells = [cell.strip() for cell in line.strip("|").split(" | ")]
            rows[cells[0]] = cells
    return rows


def test_the_matrix_has_a_row_per_technique_with_what_was_detected(tmp_path):
    run, doc = generate(tmp_path, f"# Detection\n\nbefore\n\n{BEGIN}\nold matrix\n{END}\n\nafter\n")
    assert run.returncode == 0, run.stderr
    text = doc.read_text()
    assert text.startswith("# Detection\n\nbefore\n\n" + BEGIN) and text.endswith(END + "\n\nafter\n")
    assert "old matrix" not in text
    rows = rows_of(text)
    assert list(rows) == ["T1055.009", "T1059.004", "T1071.001", "T1620"]  # sorted, one per technique named
    shell = rows["T1059.004"]
    assert shell[1] == "Command and Scripting Interpreter: Unix Shell"
    assert shell[2:5] == ["2", "2/2", "critical"]
    assert "`reverse-shell`" in shell[5] and "`shell-wired`" in shell[5] and "ctypes" not in shell[5]
    assert shell[6] == "–"
    assert rows["T1071.001"][3:6] == ["0/1", "none", "–"]
    assert rows["T1071.001"][6] == "missed (no gap named): `shell_b`"
    memory = rows["T1620"]
    assert memory[1] == "Reflective Code Loading" and memory[2:5] == ["2", "0/2", "low"]
    assert memory[6] == "`mmap_rwx`: mmap's event has no prot argument; did not run to the end: `crashed`"
    sibling = rows["T1055.009"]
    assert sibling[3:5] == ["0/1", "none"] and sibling[6] == "missed (no gap named): `sibling`"
    assert "1 of 4 techniques" in text
    assert "2 of 5 scripts" in text
    assert "1 of 2" in text and "`code-object`" in text and "`noisy`" in text and "`quiet`" not in text


def test_the_latest_result_of_a_script_counts(tmp_path):
    undetected = dict(RESULTS[2], alerts=[])
    detected = dict(RESULTS[2], alerts=[alert("rwx-memory", "high", "T1620")])
    assert RESULTS[2]["script"] == "attacks/mmap_rwx.py"
    run, doc = generate(tmp_path, f"{BEGIN}\n{END}\n", [undetected, detected])
    assert run.returncode == 0, run.stderr
    assert rows_of(doc.read_text())["T1620"][3:6] == ["1/1", "high", "`rwx-memory`"]


def test_a_document_without_markers_is_refused_unchanged(tmp_path):
    run, doc = generate(tmp_path, "# Detection\n")
    assert run.returncode == 2 and "matrix:begin" in run.stderr
    assert doc.read_text() == "# Detection\n"


def test_detection_md_has_the_matrix_section():
    text = DOC.read_text()
    assert text.count(BEGIN) == 1 and text.count(END) == 1 and text.index(BEGIN) < text.index(END)
    assert "make detection-matrix" in text


def test_the_rules_table_is_the_default_policy():
    """docs/detection.md's rule table is generated from policies/default.toml;
    a rule changed without regenerating it fails here."""
    check = subprocess.run([sys.executable, str(ROOT / "tools" / "policy_rules_table.py"), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
