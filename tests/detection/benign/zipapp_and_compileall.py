# Shipping Python code the ordinary ways: a package byte-compiled with
# compileall (as Debian's py3compile does on install), an application
# bundled with zipapp and run from its .pyz, and a zipped library imported
# through zipimport.
import compileall, os, subprocess, sys, zipapp, zipfile

workdir = os.environ["BENIGN_WORKDIR"]
source = os.path.join(workdir, "app")
os.makedirs(os.path.join(source, "tool"), exist_ok=True)
with open(os.path.join(source, "tool", "__init__.py"), "w") as out:
    out.write("VERSION = '2.0'\n")
with open(os.path.join(source, "tool", "core.py"), "w") as out:
    out.write("import json\n\ndef run(argv):\n    return json.dumps({'args': argv})\n")
with open(os.path.join(source, "__main__.py"), "w") as out:
    out.write("import sys\nfrom tool import core\nprint(core.run(sys.argv[1:]))\n")
assert compileall.compile_dir(source, quiet=1, force=True)
subprocess.run([sys.executable, "-m", "compileall", "-q", "-o", "0", "-o", "1", source], check=True)
assert any(name.endswith(".opt-1.pyc") for name in os.listdir(os.path.join(source, "tool", "__pycache__")))
archive = os.path.join(workdir, "tool.pyz")
zipapp.create_archive(source, archive, interpreter="/usr/bin/env python3",
                      filter=lambda path: "__pycache__" not in path.parts)
assert subprocess.check_output([sys.executable, archive, "a", "b"], text=True) == '{"args": ["a", "b"]}\n'
library = os.path.join(workdir, "lib.zip")
with zipfile.PyZipFile(library, "w") as out:
    out.writepy(os.path.join(source, "tool"))
sys.path.insert(0, library)
import tool.core  # noqa: E402

assert tool.core.__file__.startswith(library) and tool.VERSION == "2.0"
