# expect: startup-persistence
import os, tempfile

site_packages = tempfile.mkdtemp()
with open(os.path.join(site_packages, "zz-persist.pth"), "w") as pth:
    pth.write("import os; os.system('true')\n")
with open(os.path.join(site_packages, "sitecustomize.py"), "a") as hook:
    hook.write("pass\n")
