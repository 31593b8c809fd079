# A command-line tool with argparse sub-commands, run as a child process the
# way users run it: --help, a sub-command, bad arguments (exit 2), stdin.
import os, subprocess, sys

tool = os.path.join(os.environ["BENIGN_WORKDIR"], "inventory_cli.py")
with open(tool, "w") as out:
    out.write('''import argparse, json, sys

def main(argv=None):
    parser = argparse.ArgumentParser(prog="inventory", description="Keeps a small inventory.")
    parser.add_argument("-v", "--verbose", action="count", default=0)
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add an item")
    add.add_argument("name")
    add.add_argument("--count", type=int, default=1, choices=range(1, 100), metavar="N")
    show = commands.add_parser("show")
    show.add_argument("--format", choices=["json", "text"], default="text")
    show.add_argument("file", type=argparse.FileType("r"), nargs="?", default=sys.stdin)
    arguments = parser.parse_args(argv)
    if arguments.command == "add":
        print(json.dumps({arguments.name: arguments.count}))
    else:
        items = json.load(arguments.file)
        print(json.dumps(items) if arguments.format == "json" else ", ".join(f"{k}={v}" for k, v in items.items()))
    return 0

if __name__ == "__main__":
    sys.exit(main())
''')


def run(*arguments, **kwargs):
    return subprocess.run([sys.executable, tool, *arguments], capture_output=True, text=True, **kwargs)


assert "Keeps a small inventory" in run("--help").stdout
assert run("add", "bolts", "--count", "5").stdout == '{"bolts": 5}\n'
assert run("add", "bolts", "--count", "500").returncode == 2
assert run("show", input='{"nuts": 3}').stdout == "nuts=3\n"
