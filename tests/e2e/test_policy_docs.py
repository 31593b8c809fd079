"""Every policy example the documentation shows is a policy `vigil policy
check` accepts, and every `$ vigil policy explain` block prints what it
claims, as does `$ vigil policy list` (docs/policy.md, "Admin commands", says how blocks are marked):
TOML blocks of docs/*.md and README.md, the man pages' example policies and
policies/examples/*.toml."""
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, VIGIL

MARKDOWN = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
MAN_PAGES = sorted((ROOT / "docs" / "man").glob("*.[0-9]"))
EXAMPLE_FILES = sorted((ROOT / "policies" / "examples").glob("*.toml"))
FENCE = re.compile(r"^```([a-z]*)\n(.*?)^```$", re.M | re.S)
NAMED = re.compile(r"\A# ([\w.-]+\.toml)\n")


def fenced_blocks(path):
    """(language, text, line) of each fenced block."""
    text = path.read_text()
    return [(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1) for m in FENCE.finditer(text)]


def man_policies(path):
    """The .nf/.fi blocks of a man page that hold a policy, unescaped."""
    text = path.read_text()
    blocks = re.findall(r"^\.nf\n(.*?)^\.fi$", text, re.M | re.S)
    return [block.replace("\\-", "-").replace("\\e", "\\") for block in blocks
            if "[[rule]]" in block or re.search(r"^version\s*=", block, re.M)]


def examples():
    found = []
    for path in MARKDOWN:
        for language, text, line in fenced_blocks(path):
            if language == "toml":
                found.append(pytest.param(text, id=f"{path.relative_to(ROOT)}:{line}"))
    for path in MAN_PAGES:
        for index, text in enumerate(man_policies(path)):
            found.append(pytest.param(text, id=f"{path.relative_to(ROOT)}#{index + 1}"))
    for path in EXAMPLE_FILES:
        found.append(pytest.param(path.read_text(), id=str(path.relative_to(ROOT))))
    return found


def as_policy(text):
    """A block without `version` is a fragment: checked as a whole policy."""
    if re.search(r"^version\s*=", text, re.M):
        return text
    return 'version = 1\nname = "doc-example"\n' + text


@pytest.mark.parametrize("text", examples())
def test_every_example_policy_checks_without_errors_or_warnings(text, tmp_path):
    path = tmp_path / "example.toml"
    path.write_text(as_policy(text))
    checked = subprocess.run([VIGIL, "policy", "check", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert ": ok: " in checked.stdout and "warning:" not in checked.stdout, checked.stdout


def explain_claims():
    """(command, expected output, named files) of each `$ vigil policy
    explain` and `$ vigil policy list` block."""
    found = []
    for path in MARKDOWN:
        named = {}
        for language, text, line in fenced_blocks(path):
            match = NAMED.match(text)
            if language == "toml" and match:
                named[match.group(1)] = as_policy(text)
            first, _, output = text.partition("\n")
            if language == "" and first.startswith(("$ vigil policy explain ", "$ vigil policy list")):
                found.append(pytest.param(first[2:], output, dict(named), id=f"{path.relative_to(ROOT)}:{line}"))
    return found


def output_pattern(expected):
    """`…` is any text; a line of its own, any lines."""
    parts = []
    for line in expected.splitlines():
        if line.strip() == "…":
            parts.append(r"(?:.*\n)*?")
        else:
            parts.append(".*?".join(map(re.escape, line.split("…"))) + r"\n")
    return re.compile("".join(parts))


def test_the_documentation_makes_explain_claims():
    claims = explain_claims()
    assert len(claims) >= 5, "the explain blocks of docs/policy.md are no longer found"


@pytest.mark.parametrize("command, expected, named", explain_claims())
def test_every_explain_block_prints_what_it_claims(command, expected, named, tmp_path):
    arguments = shlex.split(command)[1:]
    for index, argument in enumerate(arguments):
        if argument == "--":
            break
        if argument in named:
            path = tmp_path / argument
            path.write_text(named[argument])
            arguments[index] = str(path)
        elif (ROOT / argument).is_file():
            arguments[index] = str(ROOT / argument)
    explained = subprocess.run([VIGIL, *arguments], capture_output=True, text=True)
    assert explained.returncode == 0, explained.stderr
    assert output_pattern(expected).fullmatch(explained.stdout), (
        f"{command}\nclaimed:\n{expected}\nprinted:\n{explained.stdout}")
