"""Transcripts: the source of every piece of code compiled in a process,
written once per content hash and named by the events that ran it."""
import hashlib
import textwrap

from conftest import events


def transcripts(records):
    return [r for r in records if r["kind"] == "transcript"]


def transcript_of(records, sha256):
    found = [r for r in transcripts(records) if r["sha256"] == sha256]
    assert len(found) == 1, f"{len(found)} transcripts for {sha256}"
    return found[0]


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def test_the_script_is_transcribed_from_the_bytes_that_ran(vigil_run, tmp_path):
    source = b"import sys\nprint('script ran')\n"
    script = tmp_path / "tool.py"
    script.write_bytes(source)
    run = vigil_run([str(script)])
    records = run.checked_records()
    assert run.stdout == b"script ran\n"
    record = transcript_of(records, sha256(source))
    assert (record["origin"], record["filename"], record["text"], record["size"]) == \
        ("script", str(script), source.decode(), len(source))
    compiled = [e for e in events(records, "compile") if e["args"]["filename"] == str(script)]
    ran = [e for e in events(records, "exec") if e["args"]["code_object"]["filename"] == str(script)]
    assert [e["transcript"] for e in compiled + ran] == [record["sha256"]] * 2
    assert record["seq"] < compiled[0]["seq"]


def test_a_command_is_transcribed_once(vigil_run):
    command = "x = 6 * 7"
    run = vigil_run(["-c", command])
    records = run.checked_records()
    # CPython runs the -c text with a newline appended.
    digest = sha256((command + "\n").encode())
    assert transcript_of(records, digest)["origin"] == "command"
    named = [e["event"] for e in events(records) if e.get("transcript") == digest]
    assert named == ["cpython.run_command", "compile", "exec"]


def test_standard_input_is_transcribed_and_still_runs(vigil_run):
    source = b"import sys\nprint('stdin ran', repr(sys.stdin.read()))\n"
    run = vigil_run(["-"], input=source)
    records = run.checked_records()
    assert run.stdout == b"stdin ran ''\n"
    record = transcript_of(records, sha256(source))
    assert (record["origin"], record["filename"], record["text"]) == ("stdin", "<stdin>", source.decode())
    assert events(records, "exec")[-1]["transcript"] == record["sha256"]


def test_strings_run_by_exec_and_eval_are_transcribed_once_per_hash(vigil_run):
    run = vigil_run(["-c", "for i in range(5): exec('y = 1'); eval('2 + 2')"])
    records = run.checked_records()
    for text in ("y = 1", "2 + 2"):
        record = transcript_of(records, sha256(text.encode()))
        assert record["origin"] == "string" and record["text"] == text
        compiled = [e for e in events(records, "compile") if e.get("transcript") == record["sha256"]]
        ran = [e for e in events(records, "exec") if e.get("transcript") == record["sha256"]]
        assert len(compiled) == 5 and len(ran) == 5


def test_exec_never_names_another_compiles_transcript(vigil_run):
    """compile() returns code that may run much later: an exec that cannot
    be tied to its compile names no transcript rather than a wrong one."""
    run = vigil_run(["-c", "a = compile('1', '<same>', 'eval'); b = compile('2', '<same>', 'eval'); eval(a); eval(b)"])
    records = run.checked_records()
    ran = [e for e in events(records, "exec") if e["args"]["code_object"]["filename"] == "<same>"]
    assert len(ran) == 2 and all("transcript" not in e for e in ran)
    compiled = [e for e in events(records, "compile") if e["args"]["filename"] == "<same>"]
    assert [e["transcript"] for e in compiled] == [sha256(b"1"), sha256(b"2")]


def test_a_module_compiled_from_source_is_transcribed(vigil_run, tmp_path):
    module = tmp_path / "fresh_module.py"
    module.write_text("VALUE = 'fresh'\n")
    run = vigil_run(["-B", "-c", "import fresh_module; print(fresh_module.VALUE)"],
                    env={"PYTHONPATH": str(tmp_path)})
    records = run.checked_records()
    record = transcript_of(records, sha256(module.read_bytes()))
    assert (record["origin"], record["filename"]) == ("import", str(module))
    ran = [e for e in events(records, "exec") if e["args"]["code_object"]["filename"] == str(module)]
    assert [e.get("transcript") for e in ran] == [record["sha256"]]


def test_large_and_non_utf8_sources(vigil_run, tmp_path):
    large = "x = 0\n" + "# " + "y" * (1024 * 1024) + "\n"
    latin = "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n".encode("latin-1")
    (tmp_path / "latin_module.py").write_bytes(latin)
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(f"""
        exec(open({str(tmp_path / 'large.txt')!r}).read())
        import latin_module
    """))
    (tmp_path / "large.txt").write_text(large)
    run = vigil_run(["-B", str(script)], env={"PYTHONPATH": str(tmp_path)})
    records = run.checked_records()
    big = transcript_of(records, sha256(large.encode()))
    assert big["truncated"] and big["size"] == len(large) and len(big["text"]) == 1024 * 1024
    assert large.startswith(big["text"])
    odd = transcript_of(records, sha256(latin))
    # Bytes that are not UTF-8 are kept exactly, beside a readable form.
    assert bytes.fromhex(odd["text"]["raw_hex"]) == latin
