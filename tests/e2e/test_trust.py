"""Verified execution: the [trust] table, the open-code hook's checks, the
script reader, native libraries, provenance and `vigil trust`."""
import hashlib
import marshal
import os
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from conftest import CACHE_TAG, STOCK_PYTHON, STOCK_VERSION, VIGIL, alerts, events, trust_files

STDLIB = "/usr/lib/python%d.%d" % STOCK_VERSION


@pytest.fixture
def app(tmp_path):
    directory = tmp_path / "app"
    directory.mkdir()
    return directory


@pytest.fixture
def trust_policy(tmp_path, stdlib_trust):
    """Writes a policy with a [trust] table; returns its path."""

    def write(mode="enforce", extra="", rules=""):
        path = tmp_path / f"trust-{mode}.toml"
        path.write_text(
            f'version = 1\nname = "trust-{mode}"\nmode = "{mode}"\n'
            f'[trust]\ndatabase = ["{stdlib_trust}", "{tmp_path}/app.trust"]\n{extra}\n{rules}')
        return str(path)

    return write


def trust(tmp_path, *files):
    trust_files(tmp_path / "app.trust", *files)


def write(path, text):
    Path(path).write_text(text)
    return str(path)


def run_under(vigil_run, policy, *args, env=None):
    return vigil_run(["-S", *args], env={"VIGIL_POLICY": policy, **(env or {})})


def test_trusted_script_and_module_run_with_their_hashes_recorded(vigil_run, trust_policy, tmp_path, app):
    main = write(app / "main.py", "import helper\nprint('main', helper.VALUE)\n")
    helper = write(app / "helper.py", "VALUE = 42\n")
    trust(tmp_path, main, helper)
    run = run_under(vigil_run, trust_policy(), main)
    assert run.stdout == b"main 42\n", run.stderr
    records = run.checked_records()
    assert alerts(records) == []
    opened = {e["args"]["path"]: e["trust"] for e in events(records, "open") if "trust" in e}
    assert opened[main]["verdict"] == "trusted" and opened[main]["by"] == "database"
    assert opened[main]["sha256"] == hashlib.sha256(Path(main).read_bytes()).hexdigest()
    assert opened[helper]["verdict"] == "trusted"
    compiled = [e for e in events(records, "compile") if e["args"]["filename"] == helper]
    assert compiled[0]["provenance"] == {"verified": True, "origin": "file", "file": helper}


@pytest.mark.parametrize("mode", ["audit", "enforce"])
def test_a_module_with_one_byte_changed(vigil_run, trust_policy, tmp_path, app, mode):
    main = write(app / "main.py", "import helper\nprint('value', helper.VALUE)\n")
    helper = write(app / "helper.py", "VALUE = 42\n")
    trust(tmp_path, main, helper)
    write(helper, "VALUE = 43\n")
    run = run_under(vigil_run, trust_policy(mode), main)
    found = alerts(run.records, "trust.code")
    assert [a["message"] for a in found] == \
        [f"code file is not trusted: {helper}: no trust source vouches for its SHA-256"]
    assert found[0]["enforced"] is (mode == "enforce") and found[0]["severity"] == "high"
    if mode == "audit":
        assert run.stdout == b"value 43\n"
    else:
        assert run.returncode == 1 and run.stdout == b""
        assert b"PermissionError: vigil: code file is not trusted" in run.stderr


def test_a_changed_script_is_not_run_in_enforce_mode(vigil_run, trust_policy, tmp_path, app):
    main = write(app / "main.py", "print('trusted')\n")
    trust(tmp_path, main)
    write(main, "print('trusted')\nprint('added')\n")
    policy = trust_policy()
    run = run_under(vigil_run, policy, main)
    # Vigil's refusal of the whole run, not CPython's "can't open file:
    # [Errno 13] Permission denied" (exit 2), which reads like a file mode.
    assert run.returncode == 78 and run.stdout == b""
    assert run.stderr.decode() == (
        f"vigil-python: refusing to run: code file is not trusted: {main}: no trust source vouches for its "
        f"SHA-256 (rule trust.code); see `vigil trust status --policy {policy} {main}`\n")
    alert = alerts(run.records, "trust.code")[-1]
    assert alert["message"].startswith(f"code file is not trusted: {main}")
    assert alert["hint"] == f"vigil trust status --policy {policy} {main}"
    assert run.records[-1]["kind"] == "stop" and run.records[-1]["status"] == 78
    assert run.records[-1]["reason"] == "script refused by the policy"


SWAPPING_MAIN = """
import os, sys
def swap(event, args):
    if event == "open" and str(args[0]).endswith("victim.py"):
        {action}
sys.addaudithook(swap)
import victim
"""


@pytest.mark.parametrize("how", ["rename", "symlink"])
def test_a_swap_between_check_and_use_cannot_run_other_bytes(vigil_run, trust_policy, tmp_path, app, how):
    """A Python hook swaps the module while its `open` event is raised. The
    stock interpreter opens the file after the event and runs the swapped
    bytes; vigil-python raised it after reading and checking the file."""
    trusted = write(app / "trusted_victim.py", "print('trusted bytes ran')\n")
    evil = write(app / "evil.py", "print('swapped bytes ran')\n")
    victim = app / "victim.py"
    if how == "rename":
        shutil.copy(trusted, victim)
        action = f"os.rename({evil!r}, {str(victim)!r})"
    else:
        victim.symlink_to(trusted)
        action = f"os.unlink({str(victim)!r}); os.symlink({evil!r}, {str(victim)!r})"
    main = write(app / "main.py", SWAPPING_MAIN.format(action=action))
    trust(tmp_path, main, trusted, victim)
    pristine = {p: Path(p).read_bytes() for p in (trusted, evil)}

    stock = subprocess.run([STOCK_PYTHON, "-S", main], capture_output=True, cwd=app)
    assert stock.stdout == b"swapped bytes ran\n", stock.stderr  # the attack works on python3

    victim.unlink()
    if how == "rename":
        write(evil, pristine[evil].decode())
        shutil.copy(trusted, victim)
    else:
        victim.symlink_to(trusted)
    run = run_under(vigil_run, trust_policy(), main)
    assert run.stdout == b"trusted bytes ran\n", run.stderr
    assert Path(victim).read_bytes() == pristine[evil]  # the swap did happen


# Flags 0: CPython's open of the script itself, not the zipimport probe of
# the same path before it (io.open_code, O_RDONLY | O_CLOEXEC).
SWAPPING_SITECUSTOMIZE = """
import os, sys
def swap(event, args):
    if event == "open" and str(args[0]) == {main!r} and args[2] == 0 and os.path.exists({evil!r}):
        os.rename({evil!r}, {main!r})
sys.addaudithook(swap)
"""


def test_a_script_swapped_at_its_open_event_cannot_run_other_bytes(vigil_run, trust_policy, tmp_path, app):
    """sitecustomize's hook swaps the script on the command line while the
    `open` event CPython raises for it is being raised, just before CPython
    fopen()s it. python3 runs the swapped bytes; vigil-python read and
    checked the script at that event, and the fopen64 CPython calls next
    gets exactly those bytes (a sealed memfd), not the path's."""
    main = write(app / "main.py", "print('trusted bytes ran')\n")
    evil = write(app / "evil.py", "print('swapped bytes ran')\n")
    site = write(app / "sitecustomize.py", SWAPPING_SITECUSTOMIZE.format(main=main, evil=evil))
    trust(tmp_path, main, site)
    pristine = {p: Path(p).read_bytes() for p in (main, evil)}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}

    stock = subprocess.run([STOCK_PYTHON, main], capture_output=True, env={**env, "PYTHONPATH": str(app)})
    assert stock.stdout == b"swapped bytes ran\n", stock.stderr  # the attack works on python3

    for path, content in pristine.items():
        Path(path).write_bytes(content)
    run = vigil_run([main], env={"VIGIL_POLICY": trust_policy("audit"), "PYTHONPATH": str(app)})
    assert run.stdout == b"trusted bytes ran\n", run.stderr
    assert Path(main).read_bytes() == pristine[evil]  # the swap did happen
    opened = [e for e in events(run.records, "open") if e["args"]["path"] == main and e["args"]["flags"] == 0]
    assert len(opened) == 1 and opened[0]["trust"]["verdict"] == "trusted", opened


@pytest.mark.parametrize("mode", ["audit", "enforce"])
def test_an_untrusted_pth_file(vigil_run, trust_policy, tmp_path, app, mode):
    site_dir = app / "site"
    site_dir.mkdir()
    write(site_dir / "evil.pth", "import sys; print('pth ran')\n")
    main = write(app / "main.py", f"import site\nsite.addsitedir({str(site_dir)!r})\nprint('main ran')\n")
    trust(tmp_path, main)
    run = run_under(vigil_run, trust_policy(mode), main)
    found = alerts(run.records, "trust.code")
    assert [a["event"] for a in found] == ["open"] and "evil.pth" in found[0]["message"]
    expected = b"main ran\n" if mode == "enforce" else b"pth ran\nmain ran\n"
    assert run.stdout == expected, run.stderr


def test_an_untrusted_sitecustomize_does_not_run(vigil_run, trust_policy, tmp_path, app):
    custom = app / "custom"
    custom.mkdir()
    write(custom / "sitecustomize.py", "print('customized')\n")
    main = write(app / "main.py", "print('main ran')\n")
    trust(tmp_path, main)
    run = vigil_run([main], env={"VIGIL_POLICY": trust_policy(), "PYTHONPATH": str(custom)})
    assert run.stdout == b"main ran\n"
    assert b"Error in sitecustomize" in run.stderr and b"code file is not trusted" in run.stderr
    assert any("sitecustomize.py" in a["message"] for a in alerts(run.records, "trust.code"))


def make_zip(path, text, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        archive.writestr("zipped.py", text)
    return str(path)


def test_zipimport_of_a_compressed_member(vigil_run, trust_policy, tmp_path, app):
    # \r\n: zipimport compiles the member with its line endings made \n.
    archive = make_zip(app / "lib.zip", "import sys\r\nprint('compressed module ran', __name__)\r\n",
                       zipfile.ZIP_DEFLATED)
    main = write(app / "main.py", f"import sys\nsys.path.insert(0, {archive!r})\nimport zipped\n")
    trust(tmp_path, main, archive)
    run = run_under(vigil_run, trust_policy(), main)
    assert run.stdout == b"compressed module ran zipped\n", run.stderr
    assert alerts(run.checked_records()) == []


ZIPIMPORT_AS_A_COMPILER = """
import marshal, sys, zipimport
archive = sys.argv[1]
sys.path.insert(0, archive)
import zipped  # zipimport has just read a verified archive
payload = "print('payload ran')"
for name, attempt in [
        ("compile_source", lambda: exec(zipimport._compile_source(archive + "/zipped.py", payload.encode()))),
        ("unmarshal_code", lambda: exec(zipimport._unmarshal_code(
            None, archive + "/x.pyc", archive + "/x.pyc", "x",
            bytes([*zipimport._bootstrap_external.MAGIC_NUMBER, 1, 0, 0, 0]) + b"\\0" * 8
            + open(sys.argv[2], "rb").read()))),
        ("marshal_load", lambda: exec(marshal.load(open(sys.argv[2], "rb"))))]:
    try:
        attempt()
    except (PermissionError, ImportError) as denied:
        print(name, "denied")
"""


def test_zipimport_and_marshal_load_run_no_text_of_the_caller(vigil_run, trust_policy, tmp_path, app):
    """zipimport's functions compile whatever text they are given, and
    marshal.load reads bytes no event names: neither may turn text the
    program holds into running code (red team, issue 21)."""
    archive = make_zip(app / "lib.zip", "pass\n", zipfile.ZIP_DEFLATED)
    blob = app / "blob.bin"
    blob.write_bytes(marshal.dumps(compile("print('payload ran')", "/usr/lib/python3/os.py", "exec")))
    main = write(app / "main.py", ZIPIMPORT_AS_A_COMPILER)
    trust(tmp_path, main, archive)
    run = run_under(vigil_run, trust_policy(), main, archive, str(blob))
    assert run.stdout.decode().split("\n") == ["compile_source denied", "unmarshal_code denied", "marshal_load denied",
                                               ""], run.stderr
    found = alerts(run.checked_records(), "trust.provenance")
    assert {a["event"] for a in found} == {"compile", "marshal.loads", "marshal.load"}, found


def test_zipimport_of_a_trusted_and_of_a_changed_archive(vigil_run, trust_policy, tmp_path, app):
    archive = make_zip(app / "lib.zip", "print('zipped module ran')\n")
    main = write(app / "main.py", f"import sys\nsys.path.insert(0, {archive!r})\nimport zipped\n")
    trust(tmp_path, main, archive)
    run = run_under(vigil_run, trust_policy(), main)
    assert run.stdout == b"zipped module ran\n", run.stderr
    records = run.checked_records()
    assert alerts(records) == []
    compiled = [e for e in events(records, "compile") if e["args"]["filename"].startswith(archive)]
    assert compiled and compiled[0]["provenance"]["verified"] is True

    make_zip(archive, "print('changed zipped module ran')\n")
    run = run_under(vigil_run, trust_policy(), main)
    assert b"ModuleNotFoundError: No module named 'zipped'" in run.stderr and run.stdout == b""
    assert any(archive in a["message"] for a in alerts(run.records, "trust.code"))


EXTENSION = f"xxlimited.{CACHE_TAG}-x86_64-linux-gnu.so"


@pytest.mark.parametrize("mode", ["audit", "enforce"])
def test_an_extension_module_outside_the_trust_store(vigil_run, trust_policy, tmp_path, app, mode):
    copied = app / "ext"
    copied.mkdir()
    shutil.copy(f"{STDLIB}/lib-dynload/{EXTENSION}", copied / EXTENSION)
    main = write(app / "main.py", f"import sys\nsys.path.insert(0, {str(copied)!r})\nimport xxlimited\n"
                                  "print('loaded', xxlimited.__file__)\n")
    trust(tmp_path, main)
    run = run_under(vigil_run, trust_policy(mode), main)
    found = alerts(run.records, "trust.native")
    assert len(found) == 1 and f"{copied}/{EXTENSION}" in found[0]["message"]
    assert found[0]["attack"] == ["T1129"]
    imported = [e for e in events(run.records, "import") if e["args"]["module"] == "xxlimited" and e["args"]["filename"]]
    assert imported[0]["trust"]["verdict"] == "untrusted"
    if mode == "audit":
        assert run.stdout == f"loaded {copied}/{EXTENSION}\n".encode()
    else:
        assert run.stdout == b"" and b"ImportError: vigil: native library is not trusted" in run.stderr


def test_a_trusted_extension_module_loads(vigil_run, trust_policy, tmp_path, app):
    main = write(app / "main.py", "import xxlimited\nprint('loaded')\n")
    trust(tmp_path, main)
    run = run_under(vigil_run, trust_policy(), main)
    assert run.stdout == b"loaded\n", run.stderr
    imported = [e for e in events(run.checked_records(), "import")
                if e["args"]["module"] == "xxlimited" and e["args"]["filename"]]
    assert imported[0]["trust"]["verdict"] == "trusted"


def test_the_kernel_refuses_a_script_on_a_noexec_mount(vigil_run, tmp_path, app, noexec_mount):
    if tuple(map(int, os.uname().release.split(".")[:2])) < (6, 14):
        pytest.skip("AT_EXECVE_CHECK needs Linux 6.14")
    policy = write(tmp_path / "kernel.toml", 'version = 1\nname = "kernel"\nmode = "enforce"\n'
                                             '[trust]\nsources = []\nkernel = "script"\n')
    runnable = write(app / "script.py", "print('ran')\n")
    os.chmod(runnable, 0o755)
    assert run_under(vigil_run, policy, runnable).stdout == b"ran\n"

    not_executable = write(app / "plain.py", "print('ran')\n")
    run = run_under(vigil_run, policy, not_executable)
    assert run.returncode == 78 and run.stdout == b""

    on_noexec = write(noexec_mount / "script.py", "print('ran')\n")
    os.chmod(on_noexec, 0o755)
    run = run_under(vigil_run, policy, on_noexec)
    assert run.returncode == 78 and run.stdout == b""
    opened = [e for e in events(run.records, "open") if e["args"]["path"] == on_noexec]
    assert opened[-1]["trust"]["kernel"] == "denied"
    assert "the kernel refuses its execution: Permission denied" in alerts(run.records, "trust.code")[-1]["message"]


def test_xattr_trust_and_a_user_xattr_that_does_not_count(vigil_run, stdlib_trust, tmp_path, app):
    policy = write(tmp_path / "xattr.toml", 'version = 1\nname = "xattr"\nmode = "enforce"\n'
                                            f'[trust]\nsources = ["xattr", "database"]\ndatabase = ["{stdlib_trust}"]\n')
    marked = write(app / "marked.py", "print('marked ran')\n")
    subprocess.run([VIGIL, "trust", "mark", marked], check=True, capture_output=True)
    run = run_under(vigil_run, policy, marked)
    assert run.stdout == b"marked ran\n", run.stderr
    opened = [e for e in events(run.records, "open") if e["args"]["path"] == marked]
    assert opened[-1]["trust"]["by"] == "xattr"

    forged = write(app / "forged.py", "print('forged ran')\n")
    os.setxattr(forged, "user.vigil.sha256", hashlib.sha256(Path(forged).read_bytes()).hexdigest().encode())
    run = run_under(vigil_run, policy, forged)
    assert run.returncode == 78 and run.stdout == b""
    status = subprocess.run([VIGIL, "trust", "status", "--policy", policy, forged], capture_output=True, text=True)
    assert status.returncode == 1
    assert "user.vigil.sha256 is set but never counts" in status.stdout
    assert "verdict   not trusted: no trust source vouches for its SHA-256" in status.stdout

    write(marked, "print('marked ran')\nprint('and more')\n")
    assert run_under(vigil_run, policy, marked).returncode == 78


def test_refused_bytecode_falls_back_to_the_verified_source(vigil_run, trust_policy, tmp_path, app):
    main = write(app / "main.py", "import json\nprint(json.dumps([1]))\n")
    trust(tmp_path, main)
    run = run_under(vigil_run, trust_policy(extra='pyc = "refuse"'), main)
    assert run.stdout == b"[1]\n", run.stderr
    records = run.checked_records()
    assert alerts(records) == []
    verdicts = {e["args"]["path"]: e["trust"]["verdict"] for e in events(records, "open") if "trust" in e}
    assert verdicts[f"{STDLIB}/json/__pycache__/__init__.{CACHE_TAG}.pyc"] == "refused"
    assert verdicts[f"{STDLIB}/json/__init__.py"] == "trusted"


PROVENANCE = """
import collections, dataclasses, marshal
@dataclasses.dataclass
class Point:
    x: int
Pair = collections.namedtuple("Pair", "a b")
print(Point(1), Pair(1, 2))
for name, attempt in [("exec", lambda: exec("print('payload ran')")),
                      ("marshal", lambda: marshal.loads(marshal.dumps(1)))]:
    try:
        attempt()
    except PermissionError as denied:
        print(name, "denied")
"""


@pytest.mark.parametrize("mode", ["audit", "enforce"])
def test_code_built_at_run_time_needs_a_verified_origin(vigil_run, trust_policy, tmp_path, app, mode):
    main = write(app / "main.py", PROVENANCE)
    trust(tmp_path, main)
    run = run_under(vigil_run, trust_policy(mode), main)
    lines = run.stdout.decode().splitlines()
    assert lines[0] == "Point(x=1) Pair(a=1, b=2)", run.stderr
    if mode == "enforce":
        assert lines[1:] == ["exec denied", "marshal denied"]
    else:
        assert lines[1:] == ["payload ran"]
    found = alerts(run.records, "trust.provenance")
    # The stdlib's generated code is recognised by its verified call site.
    assert sorted(a["event"] for a in found) == ["compile", "marshal.loads"], found
    generated = [e for e in events(run.records, "compile") if (e["site"] or {}).get("file", "").endswith("dataclasses.py")]
    assert generated[0]["provenance"]["origin"] == "generator"


def test_site_verified_is_true_only_for_verified_code(vigil_run, trust_policy, tmp_path, app):
    rule = ('[[rule]]\nid = "unverified-listing"\nevent = "os.listdir"\nsite.verified = false\n'
            'action = "alert"\n')
    main = write(app / "main.py", "import os\nos.listdir('/')\nexec(\"import os; os.listdir('/')\", {})\n")
    trust(tmp_path, main)
    run = run_under(vigil_run, trust_policy("audit", rules=rule), main)
    found = alerts(run.records, "unverified-listing")
    listings = [e for e in events(run.records, "os.listdir") if e["args"]["path"] == "/"]
    assert [e["site"]["file"] for e in listings] == [main, "<string>"]
    assert [a["seq_ref"] for a in found] == [listings[1]["seq"]]


def test_trust_build_add_remove_and_verify(tmp_path, app):
    tree = app / "tree"
    (tree / "pkg").mkdir(parents=True)
    kept = write(tree / "pkg" / "kept.py", "A = 1\n")
    changed = write(tree / "pkg" / "changed.py", "B = 1\n")
    gone = write(tree / "gone.py", "C = 1\n")
    write(tree / "notes.txt", "not code\n")
    database = tmp_path / "tree.trust"
    built = subprocess.run([VIGIL, "trust", "build", "-o", str(database), str(tree)], capture_output=True, text=True)
    assert built.returncode == 0 and "3 entries written" in built.stderr
    lines = [line for line in database.read_text().splitlines() if not line.startswith("#")]
    assert [line.split(" ")[0] for line in lines] == sorted([changed, kept, gone])
    assert lines[2].split(" ")[:3] == [kept, "6", hashlib.sha256(b"A = 1\n").hexdigest()]

    write(changed, "B = 2\n")
    os.unlink(gone)
    new = write(tree / "new.py", "D = 1\n")
    verify = [VIGIL, "trust", "verify", "--database", str(database), "--path", str(tree)]
    result = subprocess.run(verify, capture_output=True, text=True)
    assert result.returncode == 1
    reported = sorted(line.split(" ")[:2] for line in result.stdout.splitlines())
    assert reported == sorted([["changed", changed], ["missing", gone], ["untrusted", changed], ["untrusted", new]])

    subprocess.run([VIGIL, "trust", "add", "--database", str(database), changed, new], check=True, capture_output=True)
    subprocess.run([VIGIL, "trust", "remove", "--database", str(database), gone], check=True, capture_output=True)
    assert subprocess.run(verify, capture_output=True).returncode == 0
    status = subprocess.run([VIGIL, "trust", "status", "--database", str(database), new], capture_output=True, text=True)
    assert status.returncode == 0 and "verdict   trusted by the database" in status.stdout


def test_trust_verify_checks_the_embedded_releases_sys_path_by_default(tmp_path):
    # Without --path, verify walks the sys.path of the stock interpreter of
    # the release vigil-python embeds (3.13's in Debian 13), not 3.11's.
    database = tmp_path / "empty.trust"
    database.write_text("")
    stock = os.path.realpath(STOCK_PYTHON)
    described = subprocess.run([VIGIL, "trust", "verify", "--help"], capture_output=True, text=True).stdout
    assert f"the sys.path of {stock})" in " ".join(described.split())
    result = subprocess.run([VIGIL, "trust", "verify", "--database", str(database)], capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    untrusted = {line.split(" ")[1] for line in result.stdout.splitlines() if line.startswith("untrusted ")}
    assert f"{STDLIB}/os.py" in untrusted
    assert all(f"/python{other}/" not in path for path in untrusted for other in ("3.11", "3.13", "3.14")
               if other != "%d.%d" % STOCK_VERSION)


KEEPS_CTIME = ("ext2/ext3", "xfs", "btrfs")


def filesystem_of(path):
    return subprocess.run(["stat", "-f", "-c", "%T", str(path)], capture_output=True, text=True).stdout.strip()


@pytest.fixture
def disk_dir():
    """A directory on a filesystem where `vigil trust build` records stat keys."""
    directory = Path(tempfile.mkdtemp(prefix="vigil-keys-", dir="/var/tmp"))
    if filesystem_of(directory) not in KEEPS_CTIME:
        shutil.rmtree(directory)
        pytest.skip(f"/var/tmp is on {filesystem_of('/var/tmp')}; stat keys are recorded only on ext4, XFS and Btrfs")
    yield directory
    shutil.rmtree(directory)


@pytest.fixture
def root_only_dir():
    """A directory only root can write, where trust files' stat keys count."""
    directory = Path(tempfile.mkdtemp(prefix="vigil-trust-", dir="/run"))
    yield directory
    shutil.rmtree(directory)


def stat_key(path):
    status = os.stat(path)
    return f"stat={status.st_dev}:{status.st_ino}:{status.st_ctime_ns}"


def settle():
    """Stat keys are recorded only for files whose ctime is over a second old."""
    time.sleep(1.2)


def test_trust_build_records_stat_keys_only_where_they_can_vouch(disk_dir, tmp_path):
    settled = write(disk_dir / "settled.py", "A = 1\n")
    held = write(disk_dir / "held.py", "B = 1\n")
    shared_memory = Path(tempfile.mkdtemp(dir="/dev/shm"))
    in_memory = write(shared_memory / "tmpfs.py", "C = 1\n")
    settle()
    fresh = write(disk_dir / "fresh.py", "D = 1\n")
    database = tmp_path / "keys.trust"
    # A writer's descriptor (or shared mapping) is open: the read lease is
    # refused, so no key for that file.
    with open(held, "r+b") as writer:
        built = subprocess.run([VIGIL, "trust", "build", "-o", str(database), str(disk_dir), str(shared_memory)],
                               capture_output=True, text=True)
        writer.write(b"B = 2\n")
    shutil.rmtree(shared_memory)
    assert built.returncode == 0, built.stderr
    fields = {line.split(" ")[0]: line.split(" ")[3:] for line in database.read_text().splitlines()
              if not line.startswith("#")}
    assert fields == {settled: [stat_key(settled)], held: [], in_memory: [], fresh: []}


def test_vigil_python_believes_stat_keys_only_from_root_only_trust_files(vigil_run, stdlib_trust, disk_dir,
                                                                          root_only_dir, tmp_path):
    script = write(disk_dir / "main.py", "print('ran')\n")
    settle()
    content = Path(script).read_bytes()
    # A key that matches the file with the digest of other bytes of the same
    # length shows whether the key was believed or the file hashed.
    other = hashlib.sha256(content.upper()).hexdigest()
    line = f"{script} {len(content)} {other} {stat_key(script)}\n"

    def run_with(trust_file):
        trust_file.write_text(line)
        policy = write(trust_file.with_suffix(".toml"), f'version = 1\nname = "keys"\nmode = "audit"\n'
                                                       f'[trust]\ndatabase = ["{stdlib_trust}", "{trust_file}"]\n')
        run = vigil_run(["-S", script], env={"VIGIL_POLICY": policy})
        assert run.returncode == 0, run.stderr
        opened = [e for e in events(run.checked_records(), "open") if e["args"]["path"] == script]
        return opened[-1]["trust"]  # the log holds every run of the test

    believed = run_with(root_only_dir / "keys.trust")
    assert (believed["verdict"], believed["sha256"]) == ("trusted", other)
    not_believed = run_with(tmp_path / "keys.trust")
    assert (not_believed["verdict"], not_believed["sha256"]) == ("untrusted", hashlib.sha256(content).hexdigest())

    # Any write moves the ctime: the key no longer matches and the bytes
    # are hashed, whatever they are.
    write(script, "print('RAN')\n")
    changed = run_with(root_only_dir / "keys.trust")
    assert (changed["verdict"], changed["sha256"]) == ("untrusted", hashlib.sha256(b"print('RAN')\n").hexdigest())


def test_trust_table_errors_carry_line_and_column(tmp_path):
    policy = write(tmp_path / "bad.toml", 'version = 1\nname = "bad"\n[trust]\nkernel = "sometimes"\n'
                                          'sources = ["database", "dns"]\ncache = true\n'
                                          '[[rule]]\nid = "trust.mine"\nevent = "open"\n')
    checked = subprocess.run([VIGIL, "policy", "check", policy], capture_output=True, text=True)
    assert checked.returncode == 1
    output = checked.stdout + checked.stderr
    assert f"{policy}:4:10: error: `trust.kernel` must be" in output
    assert f"{policy}:5:11: error: `trust.sources` names" in output
    assert "unknown key `trust.cache`" in output or "unknown key `cache`" in output
    assert 'rule ids starting with "entry." or "trust." are reserved' in output


def test_start_refuses_a_locked_policy_whose_trust_file_others_can_write(vigil_run, system_policy, tmp_path,
                                                                         stdlib_trust):
    writable = tmp_path / "open.trust"
    shutil.copy(stdlib_trust, writable)
    os.chmod(writable, 0o666)
    system_policy(f'version = 1\nname = "locked"\nlocked = true\n[trust]\ndatabase = ["{writable}"]\n')
    run = vigil_run(["-S", "-c", "pass"])
    assert run.returncode == 78
    assert b"trust file" in run.stderr and b"writable by its group or by others" in run.stderr
