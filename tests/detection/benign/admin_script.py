# What administrators' scripts do: run commands, read and write files.
import os, shutil, subprocess, tempfile

assert subprocess.run(["uname", "-s"], capture_output=True, text=True, check=True).stdout.strip() == "Linux"
assert subprocess.check_output("echo $((1 + 1))", shell=True) == b"2\n"
workdir = tempfile.mkdtemp(dir=os.environ.get("BENIGN_WORKDIR"))
with open(os.path.join(workdir, "report.txt"), "w") as report:
    report.write(subprocess.check_output(["df", "-h", "/"], text=True))
shutil.copy(os.path.join(workdir, "report.txt"), os.path.join(workdir, "copy.txt"))
os.system("true")
