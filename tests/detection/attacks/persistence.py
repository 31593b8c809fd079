# technique: T1546.018
# expect: startup-persistence
"""Event Triggered Execution: Python Startup Hooks (T1546.018): a `.pth` file
with an `import` line and a `sitecustomize.py`, written into a directory
of the script's own, as they would be into site-packages to run code at
every start of the interpreter. `sitecustomize.py` is opened for appending
rather than writing.

A good detector raises a high alert: a Python start-up file is written
(`startup-persistence`)."""
import os, tempfile

site_packages = tempfile.mkdtemp()
with open(os.path.join(site_packages, "zz-persist.pth"), "w") as pth:
    pth.write("import os; os.system('true')\n")
with open(os.path.join(site_packages, "sitecustomize.py"), "a") as hook:
    hook.write("pass\n")
