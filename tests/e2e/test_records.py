"""The records vigil-python writes: fields, named arguments, call sites, and
faithful, bounded rendering of every kind of value."""

import hashlib
import json
import os
import subprocess

from conftest import CACHE_TAG, STOCK_VERSION, VIGIL, VIGIL_PYTHON, assert_contract, events, read_records


def test_vigil_run_import_json_follows_the_contract(log, tmp_path):
    completed = subprocess.run([VIGIL, "run", "--log", str(log), "--", "-c", "import json"],
                               capture_output=True, cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    records = read_records(log)
    assert_contract(records)
    assert [records[0]["kind"], records[-1]["kind"]] == ["start", "stop"]
    imports = [e for e in events(records, "import") if e["args"]["module"] == "json"]
    assert imports, "no import event for json"
    args = imports[0]["args"]
    assert set(args) == {"module", "filename", "sys_path", "sys_meta_path", "sys_path_hooks"}
    # Written in full by the process's first import, referred to after
    # (docs/records.md, "Values recorded once per change").
    assert isinstance(args["sys_path"], list) or set(args["sys_path"]) == {"same_as"}
    assert imports[0]["site"] == {"file": "<string>", "line": 1, "function": "<module>"}
    inner = [e for e in events(records, "import") if e["args"]["module"] == "json.decoder"]
    assert inner[0]["site"]["file"].endswith("/json/__init__.py")
    assert inner[0]["site"]["function"] == "<module>"
    assert records[-1]["status"] == 0


def test_start_record_describes_the_process(vigil_run, script, tmp_path):
    path = script("import sys\n")
    run = vigil_run([path, "a", "b"])
    start = run.records[0]
    assert start["kind"] == "start" and start["origin"] == "exec"
    assert start["ppid"] == os.getpid()
    assert (start["uid"], start["gid"], start["euid"], start["egid"]) == (
        os.getuid(), os.getgid(), os.geteuid(), os.getegid())
    assert start["exe"] == os.path.realpath(VIGIL_PYTHON)
    assert start["argv"] == [VIGIL_PYTHON, path, "a", "b"]
    assert start["cwd"] == str(tmp_path)
    assert start["versions"]["python"].startswith("%d.%d." % STOCK_VERSION)
    assert start["versions"]["vigil"]
    assert start["policy"]["name"] == "default" and len(start["policy"]["sha256"]) == 64
    assert start["entry"] == {"mode": "file", "target": path, "inspect": False}
    assert start["log"] == str(run.log)


def test_entry_modes(vigil_run, log):
    cases = [
        (["-c", "pass"], None, {"mode": "command", "target": "pass", "inspect": False}),
        (["-m", "json.tool"], b"{}", {"mode": "module", "target": "json.tool", "inspect": False}),
        (["-"], b"pass\n", {"mode": "stdin", "target": None, "inspect": False}),
        ([], b"pass\n", {"mode": "stdin", "target": None, "inspect": False}),
        (["-i", "-c", "pass"], b"", {"mode": "command", "target": "pass", "inspect": True}),
    ]
    for args, stdin, entry in cases:
        log.unlink(missing_ok=True)
        run = vigil_run(args, input=stdin)
        assert run.returncode == 0, (args, run.stderr)
        assert run.records[0]["entry"] == entry, args


def test_named_args_and_call_site(vigil_run, script, tmp_path):
    target = tmp_path / "out.txt"
    path = script(
        "def writer(p):\n"
        "    with open(p, 'w') as f:\n"
        "        f.write('x')\n"
        f"writer({str(target)!r})\n")
    run = vigil_run([path])
    assert run.returncode == 0, run.stderr
    opens = [e for e in events(run.records, "open") if e["args"]["path"] == str(target)]
    assert len(opens) == 1
    event = opens[0]
    assert event["args"]["mode"] == "w"
    assert event["args"]["flags"] & os.O_WRONLY
    assert event["site"] == {"file": path, "line": 2, "function": "writer"}
    assert event["tid"] == event["pid"]


def test_uncatalogued_event_args_are_a_list(vigil_run):
    run = vigil_run(["-c", "import sys; sys.audit('thirdparty.thing', 1, 'two', None, 2.5)"])
    (event,) = events(run.records, "thirdparty.thing")
    assert event["args"] == [1, "two", None, 2.5]


def test_every_event_is_recorded_including_interpreter_start_up(vigil_run):
    run = vigil_run(["-c", "pass"])
    names = [e["event"] for e in events(run.records)]
    assert names[0] == "marshal.loads" and run.records[1]["site"] is None
    for expected in ("open", "import", "exec", "cpython.run_command", "vigil.probe",
                     "cpython._PySys_ClearAuditHooks"):
        assert expected in names, expected
    assert run.records[-1]["events_seen"] == len(names)
    assert run.records[-1]["records_written"] == len(run.records) - 1
    assert run.records[-1]["records_dropped"] == 0


def test_control_characters_cannot_break_a_line(vigil_run):
    name = "evil\n{\"kind\":\"stop\"}\x1b[31m\x85"
    run = vigil_run(["-c", f"import sys; sys.audit({name!r}, 'a\\r\\nb\\x00\\u2028')"])
    lines = run.log.read_bytes().split(b"\n")
    assert b"\x1b" not in run.log.read_bytes() and b"\r" not in run.log.read_bytes()
    forged = [r for r in run.records if r.get("event") == name]
    assert len(forged) == 1 and forged[0]["args"] == ["a\r\nb\x00\u2028"]
    assert len(lines) == len(run.records) + 1


def test_text_that_is_not_unicode_keeps_its_bytes_in_strict_json(vigil_run, tmp_path):
    raw = os.fsencode(str(tmp_path)) + b"/caf\xe9-\xff"
    os.mkdir(raw)
    code = (f"import os\nos.listdir({raw!r})\nos.listdir(os.fsdecode({raw!r}))\n"
            "import sys; sys.audit('surrogates', '\\ud800 lone', '\\U0001f600')")
    run = vigil_run(["-c", code])
    assert run.returncode == 0, run.stderr
    def strict(value):  # a lone surrogate cannot be encoded, so strict parsers would reject it
        if isinstance(value, str):
            value.encode("utf-8", errors="strict")
        elif isinstance(value, dict):
            [strict(k) or strict(v) for k, v in value.items()]
        elif isinstance(value, list):
            [strict(v) for v in value]
    for record in run.records:
        strict(record)
    listed = [e["args"]["path"] for e in events(run.records, "os.listdir")]
    assert {"bytes_hex": raw.hex()} in listed
    (as_str,) = [p for p in listed if isinstance(p, dict) and "raw_hex" in p]
    assert bytes.fromhex(as_str["raw_hex"]) == raw
    assert as_str["text"] == raw.decode("utf-8", errors="replace")
    (event,) = events(run.records, "surrogates")
    assert event["args"] == [{"text": "\ufffd lone", "raw_hex": "eda080206c6f6e65"}, "\U0001f600"]


def test_huge_argument_is_cut_with_length_and_digest(vigil_run):
    code = ("s = '#' * (100 * 1024 * 1024) + '\\npass\\n'\n"
            "compile(s, 'big', 'exec')\n")
    run = vigil_run(["-c", code], timeout=300)
    assert run.returncode == 0, run.stderr
    (event,) = [e for e in events(run.records, "compile") if e["args"]["filename"] == "big"]
    source = event["args"]["source"]
    whole = ("#" * (100 * 1024 * 1024) + "\npass\n").encode()
    assert source["cut"] is True and source["len"] == len(whole)
    assert source["sha256"] == hashlib.sha256(whole).hexdigest()
    assert len(json.dumps(event)) < 64 * 1024


def test_containers_are_bounded_in_items_and_depth(vigil_run):
    code = ("import sys\n"
            "deep = []\n"
            "cur = deep\n"
            "for _ in range(50):\n"
            "    nxt = []\n"
            "    cur.append(nxt)\n"
            "    cur = nxt\n"
            "sys.audit('bounded', list(range(1000)), deep, {str(i): i for i in range(500)})\n")
    run = vigil_run(["-c", code])
    (event,) = events(run.records, "bounded")
    items, deep, mapping = event["args"]
    assert items["cut"] is True and items["len"] == 1000 and items["list"] == list(range(64))
    assert mapping["cut"] is True and mapping["len"] == 500 and len(mapping["dict"]) == 64
    depth = 0
    node = deep
    while isinstance(node, list) and node:
        node, depth = node[0], depth + 1
    assert node == {"list": [], "cut": True, "len": 1}
    assert depth < 10


def test_exact_builtin_values_are_rendered_faithfully(vigil_run):
    code = ("import sys, json\n"
            "def f(): pass\n"
            "sys.audit('values', None, True, 7, -2**70, 1.5, float('nan'), b'text', bytearray(b'\\x00\\x01'),"
            " (1, 'a'), {'k': [1]}, f.__code__, f, json, int, len, object())\n")
    run = vigil_run(["-c", code])
    (event,) = events(run.records, "values")
    assert event["args"] == [
        None, True, 7, {"int": "-0x400000000000000000"}, 1.5, {"float": "nan"}, {"bytes": "text"},
        {"bytearray_hex": "0001"}, [1, "a"], {"k": [1]},
        {"type": "code", "filename": "<string>", "name": "f", "firstlineno": 2},
        {"type": "function", "module": "__main__", "qualname": "f"},
        {"type": "module", "name": "json"},
        {"type": "type", "name": "builtins.int"},
        {"type": "builtin_function_or_method", "module": "builtins", "name": "len"},
        {"type": "builtins.object"},
    ]


def test_hostile_arguments_never_run_code(vigil_run, tmp_path):
    marker = tmp_path / "ran"
    code = f"""
import sys
MARK = {str(marker)!r}
def ran(*a, **k):
    open(MARK, 'a').write('x')
    return 'fake'
class S(str):
    __repr__ = __str__ = __fspath__ = ran
    def __eq__(self, o): ran(); return True
    def __hash__(self): ran(); return 0
    def __len__(self): ran(); return 0
class P:
    __fspath__ = __repr__ = __str__ = __index__ = __int__ = ran
class D(dict):
    def items(self): ran(); return []
    def keys(self): ran(); return []
class I(int):
    def __index__(self): ran(); return 0
    __repr__ = __int__ = ran
class Key:
    def __hash__(self): return hash('__module__')
    def __eq__(self, o): ran(); return False
Evil = type('Evil', (), {{Key(): 1, '__module__': S('m')}})
import os
args = (S('safe'), P(), D(a=1), I(5), [S('x')], {{S('k'): 1}}, Evil(), Evil)
if os.path.exists(MARK):
    os.remove(MARK)  # building the objects ran their methods; only the audit call counts
sys.audit('hostile', *args)
print(os.path.exists(MARK))
"""
    run = vigil_run(["-c", code])
    assert run.returncode == 0, run.stderr
    assert run.stdout == b"False\n"
    (event,) = events(run.records, "hostile")
    assert event["args"][:5] == [
        {"type": "__main__.S"}, {"type": "__main__.P"}, {"type": "__main__.D"},
        {"type": "__main__.I"}, [{"type": "__main__.S"}]]
    assert event["args"][5] == {'{"type":"__main__.S"}': 1}
    assert event["args"][6] == {"type": "?.Evil"}
    assert event["args"][7] == {"type": "type", "name": "?.Evil"}


def test_unmarshalled_bytecode_is_named_by_file_and_foreign_blobs_by_digest(vigil_run, tmp_path):
    (tmp_path / "helper_mod.py").write_text("VALUE = " + repr("v" * 1000) + "\n")
    code = ("import sys, marshal, compileall, importlib\n"
            "sys.path.insert(0, '.')\n"
            "compileall.compile_file('helper_mod.py', quiet=1)\n"
            "import helper_mod\n"
            "blob = marshal.dumps(compile('x = ' + repr('y' * 5000), 'downloaded', 'exec'))\n"
            "marshal.loads(blob)\n"
            "sys.audit('blob.digest', __import__('hashlib').sha256(blob).hexdigest(), len(blob))\n")
    run = vigil_run(["-c", code])
    assert run.returncode == 0, run.stderr
    loads = [e["args"]["bytes"] for e in events(run.records, "marshal.loads")]
    from_file = [b for b in loads if b.get("bytes_of_file", "").endswith(f"helper_mod.{CACHE_TAG}.pyc")]
    assert len(from_file) == 1 and from_file[0]["offset"] == 16
    pyc = next(tmp_path.glob("__pycache__/helper_mod.*.pyc"))
    assert from_file[0]["len"] == pyc.stat().st_size - 16
    (digest_event,) = events(run.records, "blob.digest")
    digest, length = digest_event["args"]
    foreign = [b for b in loads if b.get("sha256") == digest]
    assert len(foreign) == 1 and foreign[0]["len"] == length and foreign[0]["cut"] is True


def test_call_site_lines_stay_right_in_loops_and_across_functions(vigil_run, script):
    path = script("import sys\n"
                  "for i in range(3):\n"
                  "    sys.audit('a', i)\n"
                  "    sys.audit('b', i)\n"
                  "def f():\n"
                  "    sys.audit('c')\n"
                  "f(); sys.audit('d'); f()\n")
    run = vigil_run([path])
    sites = [(e["event"], e["site"]["line"], e["site"]["function"]) for e in events(run.records)
             if e["event"] in "abcd"]
    assert sites == [("a", 3, "<module>"), ("b", 4, "<module>")] * 3 + [
        ("c", 6, "f"), ("d", 7, "<module>"), ("c", 6, "f")]
