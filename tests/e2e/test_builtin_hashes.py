"""hashlib's built-in modules in vigil-python compute what the stock
interpreter's compute. Debian's static libpython3.13.a and 3.14.a have the
modules but not all of the HACL* code they call, which src/runtime/hacl/
provides (OpenSSL underneath, BLAKE2 written anew): every algorithm, SHAKE
length, BLAKE2 parameter, stream split, mid-stream copy and digest must
give the stock interpreter's bytes, sizes and refusals."""

import os
import subprocess
from pathlib import Path

import pytest

from conftest import STOCK_PYTHON, VIGIL_PYTHON

DIGESTS = str(Path(__file__).with_name("builtin_hash_digests.py"))


def digests(executable, seed, log):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["VIGIL_LOG"] = str(log)
    completed = subprocess.run([executable, DIGESTS, str(seed), "1"], capture_output=True, env=env, timeout=300)
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")
    return completed.stdout.decode().splitlines()


@pytest.mark.parametrize("seed", [1, 2])
def test_builtin_hash_modules_compute_what_python3s_do(seed, tmp_path):
    expected = digests(STOCK_PYTHON, seed, tmp_path / "stock.jsonl")
    actual = digests(VIGIL_PYTHON, seed, tmp_path / "vigil.jsonl")
    # The first line names the constructors found: the same modules, all there.
    assert actual[0] == expected[0]
    for constructor in ["_md5.md5", "_sha1.sha1", "_sha3.sha3_256", "_sha3.shake_128",
                        "_blake2.blake2b", "_blake2.blake2s"]:
        assert constructor in expected[0].split()
    first_difference = next(((number, line, stock) for number, (line, stock) in enumerate(zip(actual, expected))
                             if line != stock), None)
    assert first_difference is None, "line %d differs:\nvigil-python: %s\npython3:      %s" % first_difference
    assert len(actual) == len(expected)
