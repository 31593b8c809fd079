# An account audit: /etc/passwd and /etc/group read directly and through
# pwd and grp, login shells and home directories checked, who is logged in
# and last logins through subprocess, written as CSV.
import csv, grp, os, pwd, shutil, subprocess

with open("/etc/passwd") as passwd:
    entries = [line.rstrip("\n").split(":") for line in passwd if line.strip() and not line.startswith("#")]
assert any(entry[0] == "root" and entry[2] == "0" for entry in entries)
with open("/etc/shells") as shells:
    login_shells = {line.strip() for line in shells if line.startswith("/")}
groups = {group.gr_gid: group.gr_name for group in grp.getgrall()}
rows = []
for user in pwd.getpwall():
    rows.append({"user": user.pw_name, "uid": user.pw_uid, "group": groups.get(user.pw_gid, "?"),
                 "login": user.pw_shell in login_shells, "home_exists": os.path.isdir(user.pw_dir),
                 "sudo": user.pw_name in (grp.getgrnam("sudo").gr_mem if "sudo" in groups.values() else [])})
assert pwd.getpwuid(0).pw_name == "root" and grp.getgrgid(0).gr_name == "root"
with open(os.path.join(os.environ["BENIGN_WORKDIR"], "accounts.csv"), "w", newline="") as out:
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
subprocess.run(["id"], capture_output=True, check=True)
subprocess.run(["getent", "passwd", "root"], capture_output=True, check=True)
subprocess.run(["who"], capture_output=True)
# lastlog left shadow's tools in Debian 13 (Y2038); util-linux's lastlog2 replaces it.
for lastlog in ("lastlog", "lastlog2"):
    if shutil.which(lastlog):
        subprocess.run([lastlog, "-u", "root"], capture_output=True)
        break
