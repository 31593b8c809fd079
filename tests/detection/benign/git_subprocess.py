# git driven through subprocess, as release scripts and CI tools do: init,
# config, commits, a branch and merge, tags, log and diff parsing, a bare
# clone over the local file protocol, a hook, and archive.
import os, subprocess, tarfile

workdir = os.environ["BENIGN_WORKDIR"]
repository = os.path.join(workdir, "repo")
environment = dict(os.environ, HOME=workdir, GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_DATE="2024-01-01T00:00:00Z",
                   GIT_COMMITTER_DATE="2024-01-01T00:00:00Z")


def git(*arguments, cwd=repository):
    return subprocess.run(["git", *arguments], cwd=cwd, env=environment, capture_output=True, text=True,
                          check=True).stdout


os.makedirs(repository)
git("init", "-q", "-b", "main")
git("config", "user.name", "Release Bot")
git("config", "user.email", "bot@localhost")
hook = os.path.join(repository, ".git", "hooks", "pre-commit")
with open(hook, "w") as out:
    out.write("#!/bin/sh\necho ran >> .git/hook.log\n")
os.chmod(hook, 0o755)
for n in range(3):
    with open(os.path.join(repository, "CHANGELOG"), "a") as out:
        out.write(f"change {n}\n")
    git("add", "-A")
    git("commit", "-q", "-m", f"change {n}")
git("checkout", "-q", "-b", "feature")
with open(os.path.join(repository, "feature.txt"), "w") as out:
    out.write("new\n")
git("add", "feature.txt")
git("commit", "-q", "-m", "a feature")
git("checkout", "-q", "main")
git("merge", "-q", "--no-ff", "-m", "merge feature", "feature")
git("tag", "-a", "v1.0", "-m", "release 1.0")
log = git("log", "--format=%H%x09%s", "-n", "10").splitlines()
assert log[0].split("\t")[1] == "merge feature" and len(log) == 5
assert "feature.txt" in git("diff", "--stat", "HEAD~1", "HEAD")
assert git("describe", "--tags").strip() == "v1.0"
assert git("rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
git("clone", "-q", "--bare", repository, os.path.join(workdir, "mirror.git"), cwd=workdir)
assert git("--git-dir", os.path.join(workdir, "mirror.git"), "tag", cwd=workdir).strip() == "v1.0"
git("archive", "--format=tar.gz", "--prefix=repo-1.0/", "-o", os.path.join(workdir, "repo-1.0.tar.gz"), "v1.0")
with tarfile.open(os.path.join(workdir, "repo-1.0.tar.gz")) as archive:
    assert "repo-1.0/feature.txt" in archive.getnames()
assert git("status", "--porcelain") == ""
with open(os.path.join(repository, ".git", "hook.log")) as hook_log:
    assert hook_log.read().count("ran") == 4
