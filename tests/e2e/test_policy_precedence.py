"""Allow rules and exceptions end to end (docs/policy.md, "Precedence"),
and the built-in policies chosen by name: an exception keeps its rule from
matching, an allow cancels the deny of the rules it overrides (a trust rule
included) while the event is still recorded with the decision that names
both, and `--policy strict|watch` need no file."""
import subprocess
import textwrap

from conftest import ROOT, VIGIL, alerts, assert_contract, events, read_records
from test_policy import clean_environment, policy_file, run


def test_an_exception_and_an_allow_carve_out_of_a_deny(tmp_path, log):
    secrets = tmp_path / "secret"
    secrets.mkdir()
    for name in ("key", "key.pub", "shared"):
        (secrets / name).write_text(name)
    policy = policy_file(tmp_path, f"""
        [[rule]]
        id = "no-secrets"
        event = "open"
        args.path = {{ glob = "{secrets}/*" }}
        action = "deny"
        message = "secrets stay closed"
          [[rule.except]]
          args.path = {{ glob = "*.pub" }}

        [[rule]]
        id = "one-shared-secret"
        event = "open"
        args.path = "{secrets}/shared"
        action = "allow"
        overrides = ["no-secrets"]
        """)
    program = tmp_path / "secrets.py"
    program.write_text(textwrap.dedent(f"""
        for name in ("key", "key.pub", "shared"):
            try:
                print(name, open("{secrets}/" + name).read())
            except PermissionError as error:
                print(name, "denied")
        """))
    result = run([str(program)], log, policy)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().split("\n") == ["key denied", "key.pub key.pub", "shared shared", ""]
    records = read_records(log)
    assert_contract(records)
    opened = {r["args"]["path"]: r for r in events(records, "open") if str(r["args"]["path"]).startswith(str(secrets))}
    assert opened[f"{secrets}/key"]["decision"]["enforced"] is True
    # The exception: no rule matched, so no decision at all.
    assert "decision" not in opened[f"{secrets}/key.pub"]
    # The allow: recorded, with what it overrode, and no alert.
    assert opened[f"{secrets}/shared"]["decision"] == {
        "action": "allow", "enforced": False, "rules": [],
        "overridden": [{"rule": "no-secrets", "allowed_by": "one-shared-secret"}]}
    assert [a["seq_ref"] for a in alerts(records, "no-secrets")] == [opened[f"{secrets}/key"]["seq"]]


def test_an_allow_lets_one_trusted_file_generate_code_under_strict(tmp_path, log, strict):
    generator = tmp_path / "generator.py"
    generator.write_text("code = compile('x = 6 * 7', '<generated>', 'exec')\nspace = {}\nexec(code, space)\n"
                         "print(space['x'])\n")
    other = tmp_path / "other.py"
    other.write_text(generator.read_text())
    strict.trust(generator, other)
    denied = run([str(generator)], log, strict.path)
    assert denied.returncode != 0 and b"PermissionError" in denied.stderr, "strict must deny the compile first"
    with open(strict.path, "a") as policy:
        policy.write(textwrap.dedent(f"""
            [[rule]]
            id = "generator"
            event = ["compile", "exec"]
            site.file = "{generator}"
            site.verified = true
            action = "allow"
            overrides = ["trust.provenance"]
            """))
    log.unlink()
    allowed = run([str(generator)], log, strict.path)
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout == b"42\n"
    records = read_records(log)
    assert_contract(records)
    compiled = [r for r in events(records, "compile") if "decision" in r]
    assert compiled and compiled[0]["decision"]["overridden"] == [
        {"rule": "trust.provenance", "allowed_by": "generator"}]
    assert alerts(records, "trust.provenance") == []
    # Another trusted file is not the allowed call site.
    still_denied = run([str(other)], tmp_path / "other.jsonl", strict.path)
    assert still_denied.returncode != 0 and b"PermissionError" in still_denied.stderr


def test_built_in_policies_are_chosen_by_name(tmp_path, log):
    watched = subprocess.run([VIGIL, "run", "--policy", "watch", "--log", str(log), "--", "-c", "print('ran')"],
                             capture_output=True, env=clean_environment(), cwd=tmp_path)
    assert watched.returncode == 0, watched.stderr
    assert watched.stdout == b"ran\n"
    records = read_records(log)
    start = [r for r in records if r["kind"] == "start"][0]
    assert (start["policy"]["name"], start["policy"]["source"], start["policy"]["mode"]) == (
        "watch", "built-in:watch", "audit")
    # What strict would refuse before start, watch reports.
    assert [a["enforced"] for a in alerts(records, "entry.command")] == [False]
    strict_log = tmp_path / "strict.jsonl"
    refused = subprocess.run([VIGIL, "run", "--policy", "strict", "--log", str(strict_log), "--", "-c", "print('ran')"],
                             capture_output=True, env=clean_environment(), cwd=tmp_path)
    assert refused.returncode == 78 and refused.stdout == b""
    start = [r for r in read_records(strict_log) if r["kind"] == "start"][0]
    assert (start["policy"]["name"], start["policy"]["source"]) == ("strict", "built-in:strict")


def test_policy_list_names_every_built_in_policy_and_what_it_breaks():
    listed = subprocess.run([VIGIL, "policy", "list"], capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    names = [line.split(" ")[0] for line in listed.stdout.splitlines() if not line.startswith(" ")]
    assert names == ["default", "strict", "watch"]
    assert "strict (enforce mode): " in listed.stdout and "watch (audit mode): " in listed.stdout
    assert listed.stdout.count("\n  breaks: ") == 3
    for name in names:
        checked = subprocess.run([VIGIL, "policy", "explain", name, "--", "sys.addaudithook"],
                                 capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        assert f'policy "{name}"' in checked.stdout


def test_policy_check_lists_what_each_allow_overrides():
    network = "policies/examples/network.toml"
    checked = subprocess.run([VIGIL, "policy", "check", network], capture_output=True, text=True, cwd=ROOT)
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.splitlines()[1:] == ["  allow backup-over-ssh overrides egress-outside-lan (deny)"]


def test_an_allow_lets_one_untrusted_module_run_under_strict(tmp_path, log, strict):
    (tmp_path / "helper.py").write_text("ANSWER = 42\n")
    program = tmp_path / "main.py"
    program.write_text("import sys\nsys.path.insert(0, %r)\nimport helper\nprint(helper.ANSWER)\n" % str(tmp_path))
    strict.trust(program)
    denied = run([str(program)], log, strict.path)
    assert denied.returncode != 0 and b"helper" in denied.stderr, "strict must refuse the untrusted module first"
    with open(strict.path, "a") as policy:
        policy.write(textwrap.dedent(f"""
            [[rule]]
            id = "helper"
            event = "vigil.open_code"
            args.path = "{tmp_path}/helper.py"
            action = "allow"
            overrides = ["trust.code"]
            """))
    log.unlink()
    allowed = run([str(program)], log, strict.path)
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout == b"42\n"
    records = read_records(log)
    opened = [r for r in events(records, "open") if r["args"]["path"] == f"{tmp_path}/helper.py"]
    assert opened and opened[0]["decision"]["overridden"] == [{"rule": "trust.code", "allowed_by": "helper"}]
    # The host's own .pth files stay untrusted (test_strict_runs_ordinary_trusted_programs).
    assert [a for a in alerts(records, "trust.code") if "helper" in a["message"]] == []


def test_explain_untrusted_breaks_the_trust_rule_that_judges_the_event():
    strict = subprocess.run([VIGIL, "policy", "explain", "strict", "--untrusted", "--", "compile", '["x = 1", "<s>"]'],
                            capture_output=True, text=True)
    assert strict.returncode == 0, strict.stderr
    assert strict.stdout.endswith("=> recorded; alert trust.provenance; deny by trust.provenance: the operation fails "
                                  "with PermissionError: code did not come from a verified file\n")
    # The default policy has no [trust]: nothing to assume broken.
    default = subprocess.run([VIGIL, "policy", "explain", "default", "--untrusted", "--", "compile", '["x = 1", "<s>"]'],
                             capture_output=True, text=True)
    assert default.returncode == 2 and default.stdout == ""
    assert "no trust rule of this policy judges compile" in default.stderr
