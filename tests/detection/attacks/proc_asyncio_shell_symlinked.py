# technique: T1059.004 T1036.003
"""Unix shell behind a symlink with an innocent name, started by asyncio.create_subprocess_shell (T1059.004, T1036.003).

The script makes a symlink "$HOME/.local/bin/update-notifier" pointing at
/bin/bash, then asks asyncio to run a shell command that calls it with
`-c`. Two layers: asyncio's shell spelling (subprocess with shell=True
inside the event loop), and a shell reached through a symlink whose name
says nothing.

A good detector raises a medium or higher alert: a shell (seen through the
symlink it resolves to) runs an inline command.
"""
import asyncio
import os

home = os.path.expanduser("~")
bindir = os.path.join(home, ".local", "bin")
os.makedirs(bindir, exist_ok=True)
link = os.path.join(bindir, "update-notifier")
if not os.path.lexists(link):
    os.symlink("/bin/bash", link)


async def main():
    proc = await asyncio.create_subprocess_shell(
        "%s -c 'echo via symlink: $BASH_VERSION'" % link,
        stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    print(out.decode().strip(), "exit", proc.returncode)

asyncio.run(main())
