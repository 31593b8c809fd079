# doctest over a module's docstrings and a text file, and timeit measuring
# snippets from the command line and in process (timeit compiles its timing
# loop from a template).
import doctest, os, subprocess, sys, timeit

workdir = os.environ["BENIGN_WORKDIR"]
with open(os.path.join(workdir, "fractions_util.py"), "w") as out:
    out.write('''"""Helpers for fractions.

>>> simplify(4, 8)
(1, 2)
"""
import math


def simplify(numerator, denominator):
    """Reduce a fraction.

    >>> simplify(10, 4)
    (5, 2)
    >>> simplify(1, 0)
    Traceback (most recent call last):
        ...
    ZeroDivisionError: denominator is zero
    """
    if denominator == 0:
        raise ZeroDivisionError("denominator is zero")
    divisor = math.gcd(numerator, denominator)
    return numerator // divisor, denominator // divisor
''')
with open(os.path.join(workdir, "guide.txt"), "w") as out:
    out.write("The guide\n=========\n\n>>> from fractions_util import simplify\n>>> simplify(3, 9)\n(1, 3)\n")
sys.path.insert(0, workdir)
import fractions_util  # noqa: E402

assert doctest.testmod(fractions_util).failed == 0
assert doctest.testfile(os.path.join(workdir, "guide.txt"), module_relative=False).failed == 0
subprocess.run([sys.executable, "-m", "doctest", "-v", os.path.join(workdir, "fractions_util.py")], check=True,
               stdout=subprocess.DEVNULL, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
assert timeit.timeit("sorted(data)", setup="data = list(range(1000))[::-1]", number=200) > 0
assert min(timeit.repeat(lambda: sum(range(100)), number=1000, repeat=3)) > 0
subprocess.run([sys.executable, "-m", "timeit", "-n", "1000", "-s", "import json", "json.dumps({'a': [1, 2, 3]})"],
               check=True, stdout=subprocess.DEVNULL)
