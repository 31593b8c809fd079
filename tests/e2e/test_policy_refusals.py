"""`vigil policy check` refuses what a policy cannot mean (issue 18, defect
12): each mistake below was silently accepted, and loaded, before."""

import subprocess

import pytest

from conftest import VIGIL


def check(policy):
    return subprocess.run([VIGIL, "policy", "check", str(policy)], capture_output=True, text=True, timeout=30)


POLICY = """version = 1
name = "t"

[[rule]]
id = "r"
event = "open"
action = "alert"
args.path = { glob = "/tmp/*" }

[[rule]]
id = "net"
event = "socket.connect"
action = "alert"
args.address = { port = 443 }
"""

# (text replaced, replacement, line of the error, what the message says)
POLICY_MISTAKES = [
    ("version = 1", "version = 1.0", 1, "unsupported policy version"),
    ('{ glob = "/tmp/*" }', "{ gt = nan }", 8, "finite number"),
    ('{ glob = "/tmp/*" }', "{ one_of = [] }", 8, "`one_of` lists nothing"),
    ('{ glob = "/tmp/*" }', "{ key = [] }", 8, "`key` lists nothing"),
    ('{ glob = "/tmp/*" }', '{ glob = "[" }', 8, "never closed"),
    ('event = "open"', 'event = "op\\u0000en"', 6, "NUL"),
    ('id = "r"', 'id = "r\\u0000x"', 5, "NUL"),
    ("port = 443", "port = 70000", 14, "0 to 65535"),
    # Siblings.
    ("port = 443", 'port = "1-70000"', 14, "0 to 65535"),
    ("port = 443", "port = -1", 14, "0 to 65535"),
    ('{ glob = "/tmp/*" }', "{ glob = [] }", 8, "`glob` lists nothing"),
    ('{ glob = "/tmp/*" }', "{ lt = inf }", 8, "finite number"),
    ('{ glob = "/tmp/*" }', "{ equals = nan }", 8, "nan"),
    ('{ glob = "/tmp/*" }', "{ one_of = [1, nan] }", 8, "nan"),
    ('{ glob = "/tmp/*" }', '{ glob = "[z-a]" }', 8, "runs backwards"),
    ('event = "open"', 'event = "[open"', 6, "never closed"),
    ('name = "t"', 'name = "t"\n[[sink]]\ntype = "journald"\nkinds = ["bogus"]', 5, "not a record kind"),
    ('args.path = { glob = "/tmp/*" }', 'process.uid = "root"', 8, "is a number"),
    ('args.path = { glob = "/tmp/*" }', 'site.verified = "yes"', 8, "true or false"),
    ('args.path = { glob = "/tmp/*" }', "process.socket_stdio = 1", 8, "true or false"),
    ('args.path = { glob = "/tmp/*" }', 'process.entry = { one_of = ["file", "bogus"] }', 8, "file, command, module"),
]


@pytest.mark.parametrize("old,new,line_number,message", POLICY_MISTAKES)
def test_policy_check_refuses_what_it_cannot_mean(tmp_path, old, new, line_number, message):
    policy = tmp_path / "p.toml"
    assert old in POLICY
    policy.write_text(POLICY.replace(old, new, 1))
    result = check(policy)
    assert result.returncode == 1, result.stdout
    errors = [text for text in result.stdout.splitlines() if ": error: " in text]
    assert any(text.startswith(f"{policy}:{line_number}:") and message in text for text in errors), result.stdout


def test_the_policy_without_mistakes_loads(tmp_path):
    policy = tmp_path / "p.toml"
    policy.write_text(POLICY)
    assert check(policy).returncode == 0


def test_policy_check_quotes_the_file_without_driving_the_terminal(tmp_path):
    policy = tmp_path / "p.toml"
    # Not a catalogued event: a warning quotes it.
    policy.write_text(POLICY.replace('event = "open"', 'event = "\\u001b]0;owned\\u0007"'))
    result = check(policy)
    assert result.returncode == 0 and "owned" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
