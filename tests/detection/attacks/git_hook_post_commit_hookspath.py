# technique: T1546
# gap: writing git hooks is what project set-up scripts and the pre-commit framework do; Vigil records it at low severity only (docs/detection.md, precision)
"""Event Triggered Execution (T1546) through a git hook, then triggered.

Creates a repository under HOME (git init), writes .git/hooks/post-commit
with os.open(mode 0o755) so it is executable from birth, and also sets
core.hooksPath in the repository config to a second, hidden hooks
directory (a spelling that leaves .git/hooks untouched). `git commit`
then runs the hook (a shell script, T1059.004), which writes a marker.

A good detector raises a medium or high alert: an executable git hook is
written (or core.hooksPath redirected) and a shell runs it.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import shutil
import subprocess

if shutil.which("git"):
    home = os.path.expanduser("~")
    repo = os.path.join(home, "src", "tool")
    os.makedirs(repo, exist_ok=True)
    env = dict(os.environ, GIT_AUTHOR_NAME="a", GIT_AUTHOR_EMAIL="a@b",
               GIT_COMMITTER_NAME="a", GIT_COMMITTER_EMAIL="a@b")
    subprocess.run(["git", "init", "-q", repo], check=True, timeout=5, env=env)
    hook = os.path.join(repo, ".git", "hooks", "post-commit")
    fd = os.open(hook, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o755)
    os.write(fd, b"#!/bin/sh\necho pwned > \"$HOME/.hook-ran\"\n")
    os.close(fd)
    hidden = os.path.join(repo, ".git", ".objects-cache")
    os.makedirs(hidden, exist_ok=True)
    shutil.copy2(hook, os.path.join(hidden, "pre-push"))
    subprocess.run(["git", "-C", repo, "commit", "-q", "--allow-empty", "-m", "init"],
                   timeout=5, env=env)
    subprocess.run(["git", "-C", repo, "config", "core.hooksPath", hidden], timeout=5, env=env)
    print("hook ran:", os.path.exists(os.path.join(home, ".hook-ran")))
