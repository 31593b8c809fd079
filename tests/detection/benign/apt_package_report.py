# A host inventory job on Debian: installed packages and versions read with
# python-apt from the local cache (no update, no network), dpkg queried
# through subprocess, the package status file parsed, and a JSON inventory.
import json, os, subprocess, sys

import apt
import apt_pkg

python = f"python{sys.version_info[0]}.{sys.version_info[1]}"  # the package of the running version
cache = apt.Cache()
installed = {package.name: package.installed.version for package in cache if package.is_installed}
assert python in installed and "dpkg" in installed
essential = sorted(name for name in installed if cache[name].essential)
assert "dpkg" in essential
upgradable = [package.name for package in cache if package.is_upgradable]
apt_pkg.init_system()
assert apt_pkg.version_compare("1.0-1", "1.0-2") < 0
with open("/var/lib/dpkg/status") as status:
    stanzas = status.read().split("\n\n")
assert len([s for s in stanzas if "Status: install ok installed" in s]) >= len(installed) - 5
listing = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\t${Version}\n", python], capture_output=True,
                         text=True, check=True).stdout
assert listing.split("\t")[1].strip() == installed[python]
subprocess.run(["apt-cache", "policy", python], capture_output=True, check=True)
with open(os.path.join(os.environ["BENIGN_WORKDIR"], "inventory.json"), "w") as out:
    json.dump({"installed": len(installed), "essential": essential, "upgradable": upgradable}, out)
