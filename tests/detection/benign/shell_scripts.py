# Shell scripts run through subprocess, as deployment and admin tools do:
# a script file with arguments and environment, a pipeline between
# processes, a here-document on stdin, exit codes, and a timeout.
import os, subprocess

workdir = os.environ["BENIGN_WORKDIR"]
script = os.path.join(workdir, "deploy.sh")
with open(script, "w") as out:
    out.write("""#!/bin/sh
set -eu
release="$1"
mkdir -p "$TARGET/releases/$release"
echo "$release" > "$TARGET/releases/$release/VERSION"
ln -sfn "$TARGET/releases/$release" "$TARGET/current"
for f in "$TARGET"/releases/*; do basename "$f"; done | sort | tail -n 1
""")
os.chmod(script, 0o755)
environment = dict(os.environ, TARGET=os.path.join(workdir, "app"))
assert subprocess.run([script, "1.2.0"], env=environment, capture_output=True, text=True, check=True).stdout == "1.2.0\n"
assert subprocess.run(["bash", script, "1.3.0"], env=environment, capture_output=True, text=True,
                      check=True).stdout == "1.3.0\n"
producer = subprocess.Popen(["ls", "-1", "/usr/bin"], stdout=subprocess.PIPE)
counter = subprocess.Popen(["wc", "-l"], stdin=producer.stdout, stdout=subprocess.PIPE, text=True)
producer.stdout.close()
assert int(counter.communicate()[0]) > 10
assert subprocess.run(["sh"], input="cat <<EOF\nhello $USER_NAME\nEOF\n", env={"USER_NAME": "ops", "PATH": "/usr/bin:/bin"},
                      capture_output=True, text=True).stdout == "hello ops\n"
assert subprocess.run("grep -c root /etc/passwd | awk '{print ($1 > 0)}'", shell=True, capture_output=True,
                      text=True).stdout == "1\n"
assert subprocess.run(["sh", "-c", "exit 3"]).returncode == 3
try:
    subprocess.run(["sleep", "5"], timeout=0.2)
except subprocess.TimeoutExpired:
    pass
assert os.readlink(os.path.join(workdir, "app", "current")).endswith("1.3.0")
