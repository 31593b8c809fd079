#!/usr/bin/python3
"""The detection matrix of docs/detection.md, generated from the detection
suites' results.

tests/e2e/test_detection.py runs every attack script and benign workload
of tests/detection/ under vigil-python and writes one JSON line per script
to a results file (VIGIL_DETECTION_RESULTS, by default
build/detection-results.jsonl). This tool reads that file and rewrites the
part of docs/detection.md between `<!-- matrix:begin -->` and
`<!-- matrix:end -->`: one row per ATT&CK technique the attack scripts
name, in the manner of the MITRE ATT&CK evaluations, and the totals.

    make detection-matrix
    /usr/bin/python3 tools/detection_matrix.py [--results FILE] [--doc FILE]

The runner and this tool share the definitions below (what a technique
line is, when an alert counts as a detection), so the matrix says what the
tests assert.
"""

import argparse
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RESULTS = ROOT / "build" / "detection-results.jsonl"
DEFAULT_DOC = ROOT / "docs" / "detection.md"
BEGIN = "<!-- matrix:begin -->"
END = "<!-- matrix:end -->"

SEVERITIES = ["info", "low", "medium", "high", "critical"]
# Severity is confidence (docs/detection.md): medium and above is a detection.
DETECTING = {"medium", "high", "critical"}
TECHNIQUE_ID = re.compile(r"T\d{4}(\.\d{3})?")

# The names of the ATT&CK (Enterprise) techniques the suites may name, so
# the matrix reads without a browser. An id missing here shows without a
# name; add it when a script names a new one.
TECHNIQUE_NAMES = {
    "T1001": "Data Obfuscation",
    "T1003": "OS Credential Dumping",
    "T1003.007": "OS Credential Dumping: Proc Filesystem",
    "T1003.008": "OS Credential Dumping: /etc/passwd and /etc/shadow",
    "T1005": "Data from Local System",
    "T1007": "System Service Discovery",
    "T1014": "Rootkit",
    "T1016": "System Network Configuration Discovery",
    "T1018": "Remote System Discovery",
    "T1020": "Automated Exfiltration",
    "T1021": "Remote Services",
    "T1021.004": "Remote Services: SSH",
    "T1027": "Obfuscated Files or Information",
    "T1027.002": "Obfuscated Files or Information: Software Packing",
    "T1027.004": "Obfuscated Files or Information: Compile After Delivery",
    "T1027.009": "Obfuscated Files or Information: Embedded Payloads",
    "T1027.010": "Obfuscated Files or Information: Command Obfuscation",
    "T1027.011": "Obfuscated Files or Information: Fileless Storage",
    "T1027.013": "Obfuscated Files or Information: Encrypted/Encoded File",
    "T1029": "Scheduled Transfer",
    "T1030": "Data Transfer Size Limits",
    "T1033": "System Owner/User Discovery",
    "T1036": "Masquerading",
    "T1036.003": "Masquerading: Rename Legitimate Utilities",
    "T1036.004": "Masquerading: Masquerade Task or Service",
    "T1036.005": "Masquerading: Match Legitimate Resource Name or Location",
    "T1036.009": "Masquerading: Break Process Trees",
    "T1037": "Boot or Logon Initialization Scripts",
    "T1037.004": "Boot or Logon Initialization Scripts: RC Scripts",
    "T1040": "Network Sniffing",
    "T1041": "Exfiltration Over C2 Channel",
    "T1046": "Network Service Discovery",
    "T1048": "Exfiltration Over Alternative Protocol",
    "T1048.003": "Exfiltration Over Alternative Protocol: Exfiltration Over Unencrypted Non-C2 Protocol",
    "T1049": "System Network Connections Discovery",
    "T1053": "Scheduled Task/Job",
    "T1053.002": "Scheduled Task/Job: At",
    "T1053.003": "Scheduled Task/Job: Cron",
    "T1053.006": "Scheduled Task/Job: Systemd Timers",
    "T1055": "Process Injection",
    "T1055.008": "Process Injection: Ptrace System Calls",
    "T1055.009": "Process Injection: Proc Memory",
    "T1056": "Input Capture",
    "T1056.001": "Input Capture: Keylogging",
    "T1057": "Process Discovery",
    "T1059": "Command and Scripting Interpreter",
    "T1059.004": "Command and Scripting Interpreter: Unix Shell",
    "T1059.006": "Command and Scripting Interpreter: Python",
    "T1068": "Exploitation for Privilege Escalation",
    "T1069": "Permission Groups Discovery",
    "T1070": "Indicator Removal",
    "T1070.002": "Indicator Removal: Clear Linux or Mac System Logs",
    "T1070.003": "Indicator Removal: Clear Command History",
    "T1070.004": "Indicator Removal: File Deletion",
    "T1070.006": "Indicator Removal: Timestomp",
    "T1071": "Application Layer Protocol",
    "T1071.001": "Application Layer Protocol: Web Protocols",
    "T1071.002": "Application Layer Protocol: File Transfer Protocols",
    "T1071.003": "Application Layer Protocol: Mail Protocols",
    "T1071.004": "Application Layer Protocol: DNS",
    "T1072": "Software Deployment Tools",
    "T1074": "Data Staged",
    "T1074.001": "Data Staged: Local Data Staging",
    "T1082": "System Information Discovery",
    "T1083": "File and Directory Discovery",
    "T1087": "Account Discovery",
    "T1087.001": "Account Discovery: Local Account",
    "T1090": "Proxy",
    "T1095": "Non-Application Layer Protocol",
    "T1098": "Account Manipulation",
    "T1098.004": "Account Manipulation: SSH Authorized Keys",
    "T1102": "Web Service",
    "T1105": "Ingress Tool Transfer",
    "T1106": "Native API",
    "T1110": "Brute Force",
    "T1113": "Screen Capture",
    "T1115": "Clipboard Data",
    "T1119": "Automated Collection",
    "T1124": "System Time Discovery",
    "T1129": "Shared Modules",
    "T1132": "Data Encoding",
    "T1132.001": "Data Encoding: Standard Encoding",
    "T1136": "Create Account",
    "T1136.001": "Create Account: Local Account",
    "T1140": "Deobfuscate/Decode Files or Information",
    "T1190": "Exploit Public-Facing Application",
    "T1195": "Supply Chain Compromise",
    "T1195.001": "Supply Chain Compromise: Compromise Software Dependencies and Development Tools",
    "T1201": "Password Policy Discovery",
    "T1202": "Indirect Command Execution",
    "T1203": "Exploitation for Client Execution",
    "T1204": "User Execution",
    "T1217": "Browser Information Discovery",
    "T1219": "Remote Access Tools",
    "T1222": "File and Directory Permissions Modification",
    "T1222.002": "File and Directory Permissions Modification: Linux and Mac File and Directory Permissions "
                 "Modification",
    "T1480": "Execution Guardrails",
    "T1480.001": "Execution Guardrails: Environmental Keying",
    "T1485": "Data Destruction",
    "T1486": "Data Encrypted for Impact",
    "T1489": "Service Stop",
    "T1496": "Resource Hijacking",
    "T1497": "Virtualization/Sandbox Evasion",
    "T1497.001": "Virtualization/Sandbox Evasion: System Checks",
    "T1497.003": "Virtualization/Sandbox Evasion: Time Based Evasion",
    "T1505": "Server Software Component",
    "T1505.003": "Server Software Component: Web Shell",
    "T1518": "Software Discovery",
    "T1528": "Steal Application Access Token",
    "T1529": "System Shutdown/Reboot",
    "T1543": "Create or Modify System Process",
    "T1543.002": "Create or Modify System Process: Systemd Service",
    "T1546": "Event Triggered Execution",
    "T1546.004": "Event Triggered Execution: Unix Shell Configuration Modification",
    "T1546.005": "Event Triggered Execution: Trap",
    "T1546.016": "Event Triggered Execution: Installer Packages",
    "T1546.017": "Event Triggered Execution: Udev Rules",
    "T1546.018": "Event Triggered Execution: Python Startup Hooks",
    "T1547": "Boot or Logon Autostart Execution",
    "T1547.006": "Boot or Logon Autostart Execution: Kernel Modules and Extensions",
    "T1547.013": "Boot or Logon Autostart Execution: XDG Autostart Entries",
    "T1548": "Abuse Elevation Control Mechanism",
    "T1548.001": "Abuse Elevation Control Mechanism: Setuid and Setgid",
    "T1548.003": "Abuse Elevation Control Mechanism: Sudo and Sudo Caching",
    "T1552": "Unsecured Credentials",
    "T1552.001": "Unsecured Credentials: Credentials In Files",
    "T1552.003": "Unsecured Credentials: Bash History",
    "T1552.004": "Unsecured Credentials: Private Keys",
    "T1552.005": "Unsecured Credentials: Cloud Instance Metadata API",
    "T1552.007": "Unsecured Credentials: Container API",
    "T1554": "Compromise Host Software Binary",
    "T1555": "Credentials from Password Stores",
    "T1555.003": "Credentials from Password Stores: Credentials from Web Browsers",
    "T1556": "Modify Authentication Process",
    "T1556.003": "Modify Authentication Process: Pluggable Authentication Modules",
    "T1557": "Adversary-in-the-Middle",
    "T1560": "Archive Collected Data",
    "T1560.001": "Archive Collected Data: Archive via Utility",
    "T1560.002": "Archive Collected Data: Archive via Library",
    "T1562": "Impair Defenses",
    "T1562.001": "Impair Defenses: Disable or Modify Tools",
    "T1562.003": "Impair Defenses: Impair Command History Logging",
    "T1562.006": "Impair Defenses: Indicator Blocking",
    "T1564": "Hide Artifacts",
    "T1564.001": "Hide Artifacts: Hidden Files and Directories",
    "T1565": "Data Manipulation",
    "T1565.001": "Data Manipulation: Stored Data Manipulation",
    "T1567": "Exfiltration Over Web Service",
    "T1568": "Dynamic Resolution",
    "T1569": "System Services",
    "T1569.003": "System Services: Systemctl",
    "T1570": "Lateral Tool Transfer",
    "T1571": "Non-Standard Port",
    "T1572": "Protocol Tunneling",
    "T1573": "Encrypted Channel",
    "T1573.001": "Encrypted Channel: Symmetric Cryptography",
    "T1573.002": "Encrypted Channel: Asymmetric Cryptography",
    "T1574": "Hijack Execution Flow",
    "T1574.006": "Hijack Execution Flow: Dynamic Linker Hijacking",
    "T1574.007": "Hijack Execution Flow: Path Interception by PATH Environment Variable",
    "T1574.009": "Hijack Execution Flow: Path Interception by Unquoted Path",
    "T1611": "Escape to Host",
    "T1613": "Container and Resource Discovery",
    "T1614": "System Location Discovery",
    "T1620": "Reflective Code Loading",
    "T1622": "Debugger Evasion",
    "T1678": "Delay Execution",
}


def technique_matches(named, alerted):
    """An alert's id counts for a technique a script names when it is that
    technique, one of its sub-techniques, or its parent (T1059 ↔ T1059.004);
    siblings (T1059.004, T1059.006) do not."""
    return named == alerted or alerted.startswith(named + ".") or named.startswith(alerted + ".")


def detecting_alerts(alerts, techniques):
    """The alerts of severity medium or above that carry one of `techniques`."""
    return [alert for alert in alerts if alert.get("severity") in DETECTING and
            any(technique_matches(named, str(alerted)) for named in techniques for alerted in alert.get("attack") or [])]


def read_header(path):
    """The comment lines a suite script starts with: `# technique: T… …`
    (attack scripts, line 1), `# expect: rule …` (rules that must also be
    raised), `# gap: …` (why CPython's hooks cannot show the technique).
    Returns {"techniques": [...], "expect": [...], "gap": str or None,
    "technique_line": the first line if it is one, else None}."""
    header = {"techniques": [], "expect": [], "gap": None, "technique_line": None}
    lines = Path(path).read_text(errors="replace").splitlines()
    for number, line in enumerate(lines):
        if not line.startswith("#"):
            break
        name, _, value = line[1:].strip().partition(":")
        if name == "technique" and number == 0:
            header["technique_line"] = line
            header["techniques"] = [word for word in value.split() if TECHNIQUE_ID.fullmatch(word)]
        elif name == "expect":
            header["expect"] = value.split()
        elif name == "gap":
            header["gap"] = value.strip()
    return header


def read_results(path):
    """The results file's records, the latest per script (a test run twice
    appends twice)."""
    latest = {}
    for line in Path(path).read_text().splitlines():
        if line.strip():
            record = json.loads(line)
            latest[(record["suite"], record["script"])] = record
    return list(latest.values())


def severity_rank(severity):
    return SEVERITIES.index(severity) if severity in SEVERITIES else -1


def cell(text):
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def script_name(record):
    return Path(record["script"]).stem


def technique_rows(attacks):
    rows = []
    techniques = sorted({t for record in attacks for t in record.get("techniques", [])})
    for technique in techniques:
        scripts = [r for r in attacks if technique in r.get("techniques", [])]
        detected, rules, highest, gaps, missed, broken = 0, set(), None, [], [], []
        for record in scripts:
            alerts = record.get("alerts", [])
            related = [a for a in alerts if any(technique_matches(technique, str(i)) for i in a.get("attack") or [])]
            for alert in related:
                if highest is None or severity_rank(alert.get("severity")) > severity_rank(highest):
                    highest = alert.get("severity")
            found = detecting_alerts(alerts, [technique])
            rules.update(a["rule"] for a in found)
            if found:
                detected += 1
            elif record.get("gap"):
                gaps.append(f"`{script_name(record)}`: {record['gap']}")
            elif record.get("returncode") != 0:
                broken.append(f"`{script_name(record)}`")
            else:
                missed.append(f"`{script_name(record)}`")
        # Why each undetected script was: its gap line, else a plain miss, else a run that failed.
        why = gaps + ([f"missed (no gap named): {', '.join(missed)}"] if missed else []) + \
            ([f"did not run to the end: {', '.join(broken)}"] if broken else [])
        rows.append({"technique": technique, "name": TECHNIQUE_NAMES.get(technique, ""), "scripts": len(scripts),
                     "detected": detected, "highest": highest or "none", "rules": sorted(rules), "why": why})
    return rows


def render(results):
    """The Markdown between the markers."""
    attacks = sorted((r for r in results if r["suite"] == "attack"), key=lambda r: r["script"])
    benign = sorted((r for r in results if r["suite"] == "benign"), key=lambda r: r["script"])
    rows = technique_rows(attacks)
    detected_attacks = [r for r in attacks if detecting_alerts(r.get("alerts", []), r.get("techniques", []))]
    covered = [row for row in rows if row["detected"] > 0]
    noisy = [r for r in benign if any(a.get("severity") in DETECTING for a in r.get("alerts", []))]
    noisy_rules = sorted({a["rule"] for r in noisy for a in r.get("alerts", []) if a.get("severity") in DETECTING})

    lines = [BEGIN,
             "<!-- Generated by tools/detection_matrix.py from the detection suites' results "
             "(`make detection-matrix`); do not edit by hand. -->",
             "",
             f"- **Attacks detected**: {len(detected_attacks)} of {len(attacks)} scripts raised an alert of severity "
             "medium or above carrying one of the techniques they perform.",
             f"- **Techniques covered**: {len(covered)} of {len(rows)} techniques detected in at least one script.",
             f"- **Benign workloads with a medium+ alert**: {len(noisy)} of {len(benign)}"
             + (f" (rules: {', '.join(f'`{rule}`' for rule in noisy_rules)}; workloads: "
                f"{', '.join(f'`{script_name(r)}`' for r in noisy)})" if noisy else "") + ".",
             "",
             "| technique | name | scripts | detected | highest severity | rules (medium+) | not detected: why |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        lines.append("| " + " | ".join(cell(value) for value in (
            row["technique"], row["name"], row["scripts"], f"{row['detected']}/{row['scripts']}", row["highest"],
            ", ".join(f"`{rule}`" for rule in row["rules"]) or "–", "; ".join(row["why"]) or "–")) + " |")
    if not rows:
        lines.append("| – | no attack results | 0 | – | – | – | – |")
    lines += ["", END]
    return "\n".join(lines)


def rewrite(document, results):
    """`document` with the text between the markers (markers included)
    replaced by the matrix of `results`."""
    start = document.find(BEGIN)
    end = document.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the document has no `{BEGIN}` … `{END}` section")
    return document[:start] + render(results) + document[end + len(END):]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=None,
                        help="the suites' results (default: $VIGIL_DETECTION_RESULTS or build/detection-results.jsonl)")
    parser.add_argument("--doc", type=Path, default=DEFAULT_DOC, help="the document to rewrite (docs/detection.md)")
    parser.add_argument("--stdout", action="store_true", help="print the matrix instead of rewriting the document")
    options = parser.parse_args(argv)
    results_path = options.results or Path(os.environ.get("VIGIL_DETECTION_RESULTS", DEFAULT_RESULTS))
    if not results_path.exists():
        print(f"detection_matrix: {results_path}: no results; run `make detection-matrix`", file=sys.stderr)
        return 2
    results = read_results(results_path)
    if options.stdout:
        print(render(results))
        return 0
    try:
        text = rewrite(options.doc.read_text(), results)
    except ValueError as error:
        print(f"detection_matrix: {options.doc}: {error}", file=sys.stderr)
        return 2
    options.doc.write_text(text)
    attacks = sum(1 for r in results if r["suite"] == "attack")
    benign = sum(1 for r in results if r["suite"] == "benign")
    print(f"detection_matrix: {options.doc}: {attacks} attack and {benign} benign results")
    return 0


if __name__ == "__main__":
    sys.exit(main())
