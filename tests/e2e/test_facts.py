"""The behaviour model under the default policy: views that see one
behaviour through every API, facts that later rules are given (across
fork and exec too), content origins, and the subject and because chain
each alert carries (docs/detection.md)."""
import os
import sys
import textwrap

from conftest import VIGIL, VIGIL_PYTHON, alerts, by_pid

DEFAULT = {"VIGIL_POLICY": "default"}

# A loopback HTTP server in a thread, serving BODY; the payload's source.
SERVE = textwrap.dedent("""
    import http.server, threading
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(BODY)
        def log_message(self, *args):
            pass
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    URL = "http://127.0.0.1:%d/" % server.server_port
""")


def rules_of(records):
    return {a["rule"] for a in alerts(records)}


def test_writes_are_judged_where_they_land_whatever_spells_them(vigil_run, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    program = textwrap.dedent(f"""
        import os, pathlib, shutil, tempfile
        home = pathlib.Path({str(home)!r})
        (home / ".bashrc").write_text("x\\n")                      # pathlib
        os.chdir(home)
        fd, temp = tempfile.mkstemp(dir=home)
        os.close(fd)
        os.replace(temp, ".profile")                               # rename, relative
        os.symlink("/dev/null", home / ".zshrc")                   # symlink
        (home / "keys").write_text("ssh-ed25519 AAAA x\\n")
        os.makedirs(home / ".ssh")
        shutil.copy(home / "keys", home / ".ssh" / "authorized_keys")   # copy
        os.link(home / "keys", home / ".ssh" / "authorized_keys2")       # hard link
    """)
    run = vigil_run(["-c", program], env=DEFAULT)
    assert run.returncode == 0, run.stderr.decode()
    found = alerts(run.checked_records())
    subjects = {(a["rule"], a["subject"]) for a in found}
    for name in (".bashrc", ".profile", ".zshrc"):
        assert ("persistence-shell-startup", str(home / name)) in subjects, subjects
    for name in ("authorized_keys", "authorized_keys2"):
        assert ("persistence-ssh", str(home / ".ssh" / name)) in subjects, subjects


def test_a_socket_handed_to_a_child_makes_a_reverse_shell(vigil_run):
    program = textwrap.dedent("""
        import os, socket, subprocess
        listener = socket.create_server(("127.0.0.1", 0))
        client = socket.create_connection(listener.getsockname())
        peer, _ = listener.accept()
        subprocess.run(["/bin/sh", "-c", "exit 0"], stdin=client, stdout=client)   # fork_exec's descriptors
        actions = [(os.POSIX_SPAWN_DUP2, client.fileno(), 0)]
        pid = os.posix_spawn("/bin/sh", ["sh", "-c", "exit 0"], os.environ, file_actions=actions)
        os.waitpid(pid, 0)
    """)
    run = vigil_run(["-c", program], env=DEFAULT)
    assert run.returncode == 0, run.stderr.decode()
    shells = alerts(run.checked_records(), "reverse-shell")
    assert len(shells) == 2, shells
    assert all(a["severity"] == "critical" for a in shells)


def test_renamed_shells_and_network_shell_text(vigil_run, tmp_path):
    copy = tmp_path / "kworker-helper"
    program = textwrap.dedent(f"""
        import os, shutil, subprocess
        shutil.copy("/bin/dash", {str(copy)!r})
        subprocess.run([{str(copy)!r}, "-c", "exit 0"])
        os.system("p=4444; b''ash${{IFS}}-c 'exit 0 || exec 5<>/de''v/tcp/127.0.0.1/$p'")
    """)
    run = vigil_run(["-c", program], env=DEFAULT)
    found = {(a["rule"], a.get("subject")) for a in alerts(run.checked_records())}
    assert ("disguised-interpreter", str(copy)) in found, found
    assert "network-shell-command" in {rule for rule, _ in found}, found
    assert "obfuscated-shell-command" in {rule for rule, _ in found}, found


def test_code_is_judged_by_where_its_text_came_from(vigil_run, script, tmp_path):
    settings = tmp_path / "settings.py"
    settings.write_text("NAME = 'site'\n")
    program = "BODY = b'print(\"stage two from the network\")'\n" + SERVE + textwrap.dedent(f"""
        import base64, threading, urllib.request
        text = urllib.request.urlopen(URL).read()
        threading.Thread(target=exec, args=(text,)).start()        # another thread, another site
        exec(base64.b64decode(base64.b64encode(b"print('decoded')")))
        exec(compile(open({str(settings)!r}).read(), {str(settings)!r}, "exec"), {{}})
        exec(compile("def render(x):\\n    return '<p>' + x + '</p>'\\n", "post.tmpl", "exec"), {{}})
    """)
    run = vigil_run([str(script(program))], env=DEFAULT)
    assert run.returncode == 0, run.stderr.decode()
    found = alerts(run.checked_records())
    assert [a["rule"] for a in found if a["rule"] in {"remote-code", "decoded-code"}] == ["remote-code",
                                                                                          "decoded-code"]
    # The program's own settings file and template compiler, after a fetch:
    # nothing of medium or above beyond the two.
    serious = [a for a in found if a["severity"] in {"medium", "high", "critical"}
               and a["rule"] not in {"remote-code", "decoded-code", "payload-code"}]
    assert serious == [], serious


def test_a_command_that_arrived_over_the_network(vigil_run):
    program = "BODY = b'uname -s'\n" + SERVE + textwrap.dedent("""
        import subprocess, urllib.request
        command = urllib.request.urlopen(URL).read().decode()
        subprocess.getoutput(command)
    """)
    run = vigil_run(["-c", program], env=DEFAULT)
    found = alerts(run.checked_records(), "command-from-network")
    assert len(found) == 1 and found[0]["subject"].endswith("uname -s"), found


def test_facts_cross_exec_to_a_child_and_its_alert_points_at_the_parent(vigil_run):
    child = f"{VIGIL_PYTHON} -c 'import subprocess; subprocess.run([\"sh\", \"-i\"], stdin=subprocess.DEVNULL)'"
    program = textwrap.dedent(f"""
        import socket, subprocess
        listener = socket.create_server(("127.0.0.1", 0))
        socket.create_connection(listener.getsockname())
        subprocess.run(["sh", "-c", {child!r}], env=None)
    """)
    run = vigil_run(["-c", program], env=DEFAULT)
    assert run.returncode == 0, run.stderr.decode()
    records = run.checked_records()
    processes = by_pid(records)
    parent = next(pid for pid, own in processes.items() if own[0]["argv"][1:2] == ["-c"] and "listener" in own[0]["argv"][2])
    connect = next(r for r in processes[parent] if r.get("event") == "socket.connect")
    starts = [own[0] for pid, own in processes.items() if pid != parent]
    assert len(starts) == 1
    inherited = starts[0]["inherited_facts"]
    assert {"fact": "net.connected", "pid": parent, "seq": connect["seq"]}.items() <= inherited[0].items(), inherited
    shell = [a for a in alerts(processes[starts[0]["pid"]]) if a["rule"] == "interactive-shell-after-connect"]
    assert shell and shell[0]["because"][0]["pid"] == parent and shell[0]["because"][0]["seq"] == connect["seq"]
    summary = __import__("subprocess").run([VIGIL, "summary", str(run.log)], capture_output=True, text=True)
    assert "socket.connect" in summary.stdout, summary.stdout


def test_facts_from_an_unrelated_process_are_not_taken(vigil_run):
    """VIGIL_FACTS names the process that wrote it; one that is not this
    process or an ancestor is ignored, and the variable is not passed on."""
    run = vigil_run(["-c", "import os; print(os.environ.get('VIGIL_FACTS'))"],
                    env={**DEFAULT, "VIGIL_FACTS": "1;net.connected,1,5,"})
    records = run.checked_records()
    assert "inherited_facts" not in records[0]
    assert run.stdout.decode().strip() == "None"
    forged = vigil_run(["-c", "pass"], env={**DEFAULT, "VIGIL_FACTS": f"{os.getpid()};net.connected,{os.getpid()},5,"})
    starts = [r for r in forged.checked_records() if r["kind"] == "start"]
    assert starts[-1]["inherited_facts"][0]["fact"] == "net.connected", \
        "this test process is an ancestor: its facts are taken"


def test_stdlib_named_modules_outside_the_standard_library(vigil_run, tmp_path):
    (tmp_path / "base64.py").write_text("VALUE = 1\n")
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "warnings.py").write_text("VALUE = 2\n")    # inside a package: not a shadow
    # A namespace package (no __init__.py), as jaraco.functools is: its
    # modules and packages are no shadows either.
    namespace = tmp_path / "vendor"
    (namespace / "functools").mkdir(parents=True)
    (namespace / "functools" / "__init__.py").write_text("VALUE = 3\n")
    (namespace / "csv.py").write_text("VALUE = 4\n")
    program = (f"import sys; sys.path.insert(0, {str(tmp_path)!r}); "
               "import base64, app.warnings, vendor.functools, vendor.csv")
    run = vigil_run(["-c", program], env=DEFAULT)
    subjects = {a["subject"] for a in alerts(run.checked_records(), "stdlib-shadowing")}
    # The module and the bytecode cached for it; nothing of the packages.
    assert str(tmp_path / "base64.py") in subjects, subjects
    assert not any(name in s for s in subjects for name in ("warnings", "functools", "csv")), subjects
