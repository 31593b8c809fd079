# Tools developers run on their code: coverage measuring a script, the
# trace module counting lines, pdb driven by commands on stdin, py_compile
# checking syntax, and pydoc writing a module's documentation.
import os, subprocess, sys

workdir = os.environ["BENIGN_WORKDIR"]
program = os.path.join(workdir, "fizz.py")
with open(program, "w") as out:
    out.write("def fizz(n):\n    return 'fizz' if n % 3 == 0 else str(n)\n\n\n"
              "if __name__ == '__main__':\n    print(','.join(fizz(n) for n in range(1, 10)))\n")
environment = dict(os.environ, HOME=workdir, COVERAGE_FILE=os.path.join(workdir, ".coverage"),
                   PYTHONDONTWRITEBYTECODE="1")


def run(*arguments, **kwargs):
    return subprocess.run([sys.executable, *arguments], cwd=workdir, env=environment, capture_output=True, text=True,
                          check=True, timeout=60, **kwargs).stdout


run("-m", "coverage", "run", "--branch", program)
assert "fizz.py" in run("-m", "coverage", "report", "-m")
run("-m", "coverage", "html", "-d", os.path.join(workdir, "htmlcov"))
run("-m", "trace", "--count", "--missing", "--coverdir", os.path.join(workdir, "trace"), program)
assert os.path.exists(os.path.join(workdir, "trace", "fizz.cover"))
debugged = run("-m", "pdb", program, input="break fizz\ncontinue\np n\nwhere\nclear 1\ncontinue\nquit\n")
assert "(Pdb)" in debugged and "fizz,2,fizz" not in debugged.split("(Pdb)")[0]
run("-m", "py_compile", program)
run("-m", "pydoc", "-w", "fizz")
assert os.path.exists(os.path.join(workdir, "fizz.html"))
