# A click command-line tool: groups, options, prompts fed from input, files,
# progress bars, tested with CliRunner and run as a child process.
import os, subprocess, sys

workdir = os.environ["BENIGN_WORKDIR"]
tool = os.path.join(workdir, "opsctl.py")
with open(tool, "w") as out:
    out.write('''import json, click


@click.group()
@click.option("--verbose", "-v", is_flag=True)
@click.pass_context
def cli(context, verbose):
    context.obj = {"verbose": verbose}


@cli.command()
@click.argument("hosts", nargs=-1, required=True)
@click.option("--retries", type=click.IntRange(0, 5), default=1, show_default=True)
def ping(hosts, retries):
    with click.progressbar(hosts, label="pinging") as bar:
        for host in bar:
            pass
    click.echo(json.dumps({"hosts": list(hosts), "retries": retries}))


@cli.command()
@click.option("--name", prompt=True)
@click.password_option()
@click.argument("out", type=click.File("w"))
def register(name, password, out):
    out.write(f"{name}:{len(password)}\\n")
    click.secho("registered", fg="green")


if __name__ == "__main__":
    cli()
''')
sys.path.insert(0, workdir)
from click.testing import CliRunner  # noqa: E402

import opsctl  # noqa: E402

runner = CliRunner()
result = runner.invoke(opsctl.cli, ["ping", "web1", "web2", "--retries", "3"])
assert result.exit_code == 0 and '"retries": 3' in result.output
assert runner.invoke(opsctl.cli, ["ping", "web1", "--retries", "9"]).exit_code == 2
with runner.isolated_filesystem(temp_dir=workdir):
    result = runner.invoke(opsctl.cli, ["register", "users.txt"], input="ada\nsecret\nsecret\n")
    assert result.exit_code == 0
    with open("users.txt") as users:
        assert users.read() == "ada:6\n"
completed = subprocess.run([sys.executable, tool, "--help"], capture_output=True, text=True, check=True,
                           env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
assert "ping" in completed.stdout
