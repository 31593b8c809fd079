"""The Debian package from `make deb`, installed on this machine: it must
install, run, keep an edited conffile, make vigil-python the system's
python3 on request, and remove and purge cleanly, giving python3 back.

These tests change the machine (dpkg, /etc/vigil, /usr/bin/python3) and
undo every change, so they run as root, one after another, from
`make package-tests`."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEB_DIR = Path(os.environ.get("VIGIL_DEB_DIR", ROOT / "build-deb")).resolve()
SYSTEM_PYTHON = Path("/usr/bin/python3")
# The CPython release the package was built against (make exports it).
STOCK_PYTHON = os.environ.get("VIGIL_STOCK_PYTHON", "/usr/bin/python3")
PYTHON_VERSION = subprocess.run(
    [STOCK_PYTHON, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
    capture_output=True, text=True, check=True).stdout.strip()
STDLIB_PACKAGE = f"libpython{PYTHON_VERSION}-stdlib"
POLICY = Path("/etc/vigil/policy.toml")
INTERPRETER = os.path.realpath(STOCK_PYTHON)
# What the postinst makes: python3.X's copy, loading the library first.
COPY = Path("/usr/lib/vigil/vigil-python")
LIBRARY = "/usr/lib/vigil/libvigil-python.so"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="installing a package needs root; run `make test` as root")


def run(*command, check=True, **options):
    result = subprocess.run(command, capture_output=True, text=True, **options)
    if check:
        assert result.returncode == 0, f"{command}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def installed():
    status = run("dpkg-query", "-W", "-f=${Status}", "vigil", check=False)
    return status.returncode == 0 and "installed" in status.stdout and "not-installed" not in status.stdout


def give_python3_back():
    if shutil.which("vigil-system-python"):
        run("vigil-system-python", "disable", check=False)
    run("dpkg", "--purge", "vigil", check=False)


@pytest.fixture(scope="module")
def deb():
    debs = sorted(DEB_DIR.glob("vigil_*.deb"))
    if not debs:
        pytest.fail(f"no package in {DEB_DIR}: run `make deb` first")
    if installed():
        pytest.skip("a vigil package is already installed here; these tests would replace and purge it")
    if POLICY.exists():
        pytest.skip(f"{POLICY} exists; the package would adopt it and purging would delete it")
    assert Path(os.path.realpath(SYSTEM_PYTHON)).name.startswith("python3"), "python3 is not the distribution's"
    yield debs[-1]
    give_python3_back()
    assert not installed()
    assert os.path.realpath(SYSTEM_PYTHON).startswith("/usr/bin/python3.")


@pytest.fixture(scope="module")
def package(deb):
    # apt resolves the dependencies dpkg-shlibdeps found (libsimdjson14…).
    run("apt-get", "install", "-y", "-qq", "--no-install-recommends", str(deb),
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return deb


def test_control_declares_conffile_and_dependencies(deb):
    control = run("dpkg-deb", "-f", str(deb)).stdout
    assert "Package: vigil" in control
    # One package name on every release; the version names the CPython.
    assert f"Version: 0.1.0+py{PYTHON_VERSION}\n" in control
    assert deb.name.startswith(f"vigil_0.1.0+py{PYTHON_VERSION}_")
    # The standard library it runs, at least as new as the one built against.
    built_against = run("dpkg-query", "-W", "-f=${Version}", STDLIB_PACKAGE).stdout
    assert f"{STDLIB_PACKAGE} (>= {built_against})" in control
    # The interpreter it copies, at least as new, and what copies it.
    interpreter_package = run("dpkg-query", "-S", INTERPRETER).stdout.split(":")[0]
    interpreter_version = run("dpkg-query", "-W", "-f=${Version}", interpreter_package).stdout
    assert f"{interpreter_package} (>= {interpreter_version})" in control
    assert re.search(r"Depends:.*\bpatchelf\b", control)
    triggers = run("sh", "-c", f"dpkg-deb --info {deb} triggers").stdout
    assert triggers.split() == ["interest-noawait", INTERPRETER]
    for dependency in ("libsimdjson", "libaudit1", "libsodium", "libc6"):
        assert dependency in control
    assert run("dpkg-deb", "--ctrl-tarfile", str(deb)).returncode == 0
    conffiles = run("sh", "-c", f"dpkg-deb --info {deb} conffiles").stdout.split()
    assert conffiles == ["/etc/vigil/policy.toml"]


def test_installs_the_programs_pages_and_completion(package):
    files = set(run("dpkg", "-L", "vigil").stdout.split())
    for path in ("/usr/bin/vigil", "/usr/bin/vigil-python", LIBRARY, "/usr/lib/vigil/make-vigil-python",
                 "/usr/sbin/vigil-system-python",
                 "/etc/vigil/policy.toml", "/usr/share/man/man8/vigil.8.gz", "/usr/share/man/man1/vigil-python.1.gz",
                 "/usr/share/man/man5/vigil-policy.5.gz", "/usr/share/bash-completion/completions/vigil",
                 "/usr/share/vigil/policies/strict.toml"):
        assert path in files, path
        assert Path(path).exists(), path
    assert run("vigil", "--version").stdout.strip() == "0.1.0"
    for page in ("8 vigil", "1 vigil-python", "5 vigil-policy"):
        section, name = page.split()
        shown = run("man", "--warnings", section, name, env={**os.environ, "MANWIDTH": "80", "LC_ALL": "C.UTF-8"})
        assert name.upper() in shown.stdout
        assert shown.stderr == "", shown.stderr
    assert Path("/var/log/vigil").is_dir()


def needed(path):
    return run("patchelf", "--print-needed", str(path)).stdout.split()


def test_the_postinst_made_the_copy_and_the_trigger_remakes_it(package):
    # The command is the package's link to the copy, which dpkg does not own.
    assert os.readlink("/usr/bin/vigil-python") == "../lib/vigil/vigil-python"
    assert str(COPY) not in run("dpkg", "-L", "vigil").stdout.split()
    assert needed(COPY) == [LIBRARY, *needed(INTERPRETER)]
    assert COPY.stat().st_mode & 0o777 == 0o755
    # An update of python3.X activates the trigger: the copy is made again.
    COPY.unlink()
    run("dpkg-trigger", "--no-await", INTERPRETER)
    run("dpkg", "--triggers-only", "--pending")
    assert needed(COPY) == [LIBRARY, *needed(INTERPRETER)]
    assert run("/usr/bin/vigil-python", "-c", "print(6 * 7)", env={**os.environ, "VIGIL_LOG": os.devnull}).stdout == "42\n"


def test_the_installed_python_records_under_the_system_policy(package, tmp_path):
    log = tmp_path / "installed.jsonl"
    result = run("/usr/bin/vigil-python", "-c", "import json; print(json.dumps([1]))",
                 env={**os.environ, "VIGIL_LOG": str(log)})
    assert result.stdout == "[1]\n"
    records = [json.loads(line) for line in log.read_text().splitlines()]
    start = records[0]
    assert start["kind"] == "start" and start["exe"] == str(COPY)
    assert start["versions"]["python"].startswith(f"{PYTHON_VERSION}.")
    assert start["policy"]["source"] == "/etc/vigil/policy.toml"
    assert any(r["kind"] == "event" and r["event"] == "import" and r["args"]["module"] == "json" for r in records)
    assert records[-1]["kind"] == "stop"
    assert run("vigil", "policy", "check", "/etc/vigil/policy.toml").returncode == 0
    assert run("vigil", "log", "-k", "stop", str(log)).stdout.count("exit 0") == 1


def test_installed_completion_completes_subcommands(package):
    script = ("source /usr/share/bash-completion/bash_completion; "
              "COMP_LINE='vigil rep'; COMP_POINT=9; COMP_WORDS=(vigil rep); COMP_CWORD=1; "
              "_completion_loader vigil; _vigil vigil rep vigil; echo ${COMPREPLY[@]}")
    assert run("bash", "-c", script).stdout.split() == ["report"]


def test_an_edited_conffile_survives_reinstalling(package):
    edited = POLICY.read_text() + "\n# edited by the administrator\n"
    POLICY.write_text(edited)
    run("dpkg", "--force-confold", "-i", str(package))
    assert POLICY.read_text() == edited


def test_system_python_alternative_and_removal_give_python3_back(package, tmp_path):
    distribution = os.path.realpath(SYSTEM_PYTHON)
    enabled = run("vigil-system-python", "enable")
    assert "now runs /usr/bin/vigil-python" in enabled.stdout
    assert os.path.realpath(SYSTEM_PYTHON) == str(COPY)
    assert "diversion of /usr/bin/python3 to /usr/bin/python3.distrib by vigil" in run(
        "dpkg-divert", "--list", "/usr/bin/python3").stdout
    assert re.search(r"Value: /usr/bin/vigil-python", run("update-alternatives", "--query", "python3").stdout)
    assert run("vigil-system-python", "status").returncode == 0

    # Every python3 program is now audited, the ones in #! lines included.
    log = tmp_path / "system.jsonl"
    script = tmp_path / "tool"
    script.write_text("#!/usr/bin/python3\nimport sys\nprint(sys.version_info[:2])\n")
    script.chmod(0o755)
    result = run(str(script), env={**os.environ, "VIGIL_LOG": str(log)})
    assert result.stdout == "(%s)\n" % PYTHON_VERSION.replace(".", ", ")
    start = json.loads(log.read_text().splitlines()[0])
    assert start["argv"][-1] == str(script) and start["entry"]["mode"] == "file"

    # Removing the package gives python3 back before its files go.
    run("dpkg", "-r", "vigil")
    assert os.path.realpath(SYSTEM_PYTHON) == distribution
    assert run("dpkg-divert", "--list", "/usr/bin/python3").stdout.strip() == ""
    assert run("update-alternatives", "--query", "python3", check=False).returncode != 0
    assert run("/usr/bin/python3", "-c", "print(40 + 2)").stdout == "42\n"
    assert not Path("/usr/bin/vigil-python").is_symlink() and not Path("/usr/bin/vigil").exists()
    assert not COPY.exists() and not COPY.parent.exists()
    # A removed package leaves its conffile; purging removes it.
    assert POLICY.exists()
    run("dpkg", "--purge", "vigil")
    assert not POLICY.exists()
    assert not installed()
