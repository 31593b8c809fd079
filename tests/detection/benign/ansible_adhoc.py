# Ansible ad-hoc commands against localhost: every module ships to the
# target as a zipped, base64-encoded AnsiballZ payload that the interpreter
# unpacks and runs, here with vigil-python as both controller and target.
import json, os, subprocess, sys

workdir = os.environ["BENIGN_WORKDIR"]
managed = os.path.join(workdir, "managed")
os.makedirs(managed, exist_ok=True)
with open(os.path.join(managed, "motd"), "w") as motd:
    motd.write("welcome\n")
environment = dict(os.environ, HOME=workdir, ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "ansible-local"),
                   ANSIBLE_REMOTE_TEMP=os.path.join(workdir, "ansible-remote"), ANSIBLE_NOCOLOR="1",
                   ANSIBLE_HOST_KEY_CHECKING="0",
                   ANSIBLE_RETRY_FILES_ENABLED="0")


tree = os.path.join(workdir, "results")


def ansible(module, arguments="", *extra):
    command = [sys.executable, "/usr/bin/ansible", "localhost", "-i", "localhost,", "-c", "local", "-t", tree,
               "-e", f"ansible_python_interpreter={sys.executable}", "-m", module, *extra]
    if arguments:
        command += ["-a", arguments]
    completed = subprocess.run(command, env=environment, cwd=workdir, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, (module, completed.stdout[-2000:], completed.stderr[-2000:])
    with open(os.path.join(tree, "localhost")) as saved:  # the tree callback's copy of the result
        result = json.load(saved)
    assert not result.get("failed"), result
    return result


assert ansible("ping")["ping"] == "pong"
assert ansible("command", "uname -s")["stdout"] == "Linux"
ansible("copy", f"src={managed}/motd dest={managed}/motd.copy mode=0644")
ansible("file", f"path={managed}/conf.d state=directory mode=0755")
ansible("lineinfile", f"path={managed}/motd line='managed by ansible'")
ansible("cron", f"name=nightly minute=5 hour=3 job='/bin/true' cron_file=vigil-benign-{os.getpid()} user=root",
        "--check")
ansible("user", "name=vigil-benign-user shell=/bin/sh", "--check")
facts = ansible("setup", "gather_subset=min")["ansible_facts"]
assert facts["ansible_system"] == "Linux"
with open(os.path.join(managed, "motd")) as motd:
    assert "managed by ansible" in motd.read()
