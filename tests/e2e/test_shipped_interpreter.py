"""vigil-python is the release's own python3.X, copied, with one change: its
first DT_NEEDED entry names Vigil's runtime library by absolute path
(packaging/make-vigil-python; docs/operation.md, "The shipped
interpreter"). Without that library it does not run at all, rather than
run unhooked, and the library shows the process nothing but its entry
point and interpositions."""

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from conftest import BIN, ROOT, STOCK_PYTHON, VIGIL_PYTHON

MAKE_COPY = ROOT / "packaging" / "make-vigil-python"
LIBRARY = BIN.parent / "lib" / "libvigil-python.so"
EXPORTS = {"__libc_start_main", "fopen64", "read_history", "write_history", "append_history", "rl_read_init_file"}


def sections(path):
    """{name: bytes} of an ELF64 little-endian file's sections."""
    data = Path(path).read_bytes()
    assert data[:6] == b"\x7fELF\x02\x01", path
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    names_offset = headers[shstrndx][4]
    result = {}
    for name, kind, _, _, offset, size, *_ in headers:
        end = data.index(b"\0", names_offset + name)
        title = data[names_offset + name:end].decode()
        result[title] = b"" if kind == 8 else data[offset:offset + size]  # SHT_NOBITS holds nothing
    return result


def needed(path):
    output = subprocess.run(["readelf", "-dW", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split("[", 1)[1].rstrip("]") for line in output.splitlines() if "(NEEDED)" in line]


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON") and not k.startswith("LD_")}
    return {**env, **extra}


def test_vigil_python_is_the_stock_interpreter_loading_vigil_first():
    stock = os.path.realpath(STOCK_PYTHON)
    added = needed(VIGIL_PYTHON)[:len(needed(VIGIL_PYTHON)) - len(needed(stock))]
    assert needed(VIGIL_PYTHON)[len(added):] == needed(stock)
    # Vigil's library by absolute path, last of what was put in front (an
    # ASan tree puts the sanitizers' runtime before it).
    assert added[-1] == str(LIBRARY.resolve()), added
    assert all(os.path.basename(name).startswith("libasan.") for name in added[:-1]), added
    copy, original = sections(VIGIL_PYTHON), sections(stock)
    # patchelf rewrites the dynamic section and the strings it names, and
    # may move them (which renumbers the sections .dynsym points into);
    # every other section is python3.X's, byte for byte.
    rewritten = {".dynamic", ".dynstr", ".dynsym", ""}
    for name, content in original.items():
        if name not in rewritten:
            assert copy.get(name) == content, name
    assert len(copy[".text"]) > 1_000_000


def test_the_runtime_library_shows_only_its_entry_point_and_interpositions():
    output = subprocess.run(["nm", "-D", "--defined-only", str(LIBRARY)], capture_output=True, text=True,
                            check=True).stdout
    defined = {line.split()[-1] for line in output.splitlines() if line.strip()}
    # Not OpenSSL's, libstdc++'s or Vigil's own: an extension module's
    # libcrypto never binds to the copy linked into the library.
    assert "__libc_start_main" in defined and "fopen64" in defined
    assert defined <= EXPORTS, defined - EXPORTS


@pytest.fixture
def own_copy(tmp_path):
    """A copy made by the package's script, loading a library of its own."""
    library = tmp_path / "lib" / "libvigil-python.so"
    library.parent.mkdir()
    shutil.copy(LIBRARY, library)
    copy = tmp_path / "vigil-python"
    first = [name for name in needed(VIGIL_PYTHON) if os.path.basename(name).startswith("libasan.")]
    subprocess.run([str(MAKE_COPY), os.path.realpath(STOCK_PYTHON), str(library), str(copy), *first], check=True)
    return copy, library


def test_without_its_library_the_copy_does_not_run_at_all(own_copy, tmp_path):
    copy, library = own_copy
    marker = tmp_path / "ran"
    program = f"open({str(marker)!r}, 'w').close()"
    log = tmp_path / "log.jsonl"
    ran = subprocess.run([str(copy), "-c", program], capture_output=True, env=clean_env(VIGIL_LOG=str(log)))
    assert ran.returncode == 0, ran.stderr
    assert marker.exists() and log.read_text().count('"kind":"start"') == 1
    marker.unlink()
    log.unlink()

    # Another file of that name elsewhere is never looked for: the entry is
    # a path, which LD_LIBRARY_PATH does not search.
    decoy = tmp_path / "decoy"
    decoy.mkdir()
    library.rename(decoy / library.name)
    refused = subprocess.run([str(copy), "-c", program], capture_output=True,
                             env=clean_env(VIGIL_LOG=str(log), LD_LIBRARY_PATH=str(decoy)))
    assert refused.returncode == 127
    assert f"{library}: cannot open shared object file".encode() in refused.stderr
    assert not marker.exists() and not log.exists()


def test_the_script_leaves_no_copy_without_the_library_in_front(tmp_path):
    output = tmp_path / "vigil-python"
    relative = subprocess.run([str(MAKE_COPY), STOCK_PYTHON, "libvigil-python.so", str(output)],
                              capture_output=True, text=True)
    assert relative.returncode == 2 and "absolute path" in relative.stderr
    missing = subprocess.run([str(MAKE_COPY), STOCK_PYTHON, str(tmp_path / "none.so"), str(output)],
                             capture_output=True, text=True)
    assert missing.returncode == 1 and "no such library" in missing.stderr
    assert list(tmp_path.iterdir()) == []
