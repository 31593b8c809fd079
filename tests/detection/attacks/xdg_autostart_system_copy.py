# technique: T1547.013
"""Boot or Logon Autostart Execution: XDG Autostart Entries (T1547.013),
system-wide: a .desktop file shutil.copy()d into /etc/xdg/autostart.

The entry is prepared in a temporary directory under a neutral name
(`entry.tmp`) and copied to /etc/xdg/autostart/<unique>.desktop, so it
would start for every user's graphical session. The new file is removed
in `finally`; nothing else is touched.

A good detector raises a high alert: a .desktop file is created in
/etc/xdg/autostart.
"""
import os
import shutil
import tempfile
import uuid

dest = f"/etc/xdg/autostart/print-applet-{uuid.uuid4().hex[:8]}.desktop"
made = not os.path.isdir("/etc/xdg/autostart")
try:
    with tempfile.TemporaryDirectory() as work:
        src = os.path.join(work, "entry.tmp")
        with open(src, "w") as f:
            f.write("[Desktop Entry]\nType=Application\nName=Print Queue Applet\n"
                    "Exec=/bin/true\nNoDisplay=true\n")
        try:
            os.makedirs("/etc/xdg/autostart", exist_ok=True)
            shutil.copy(src, dest)
        except OSError as e:
            print("not permitted:", e)
finally:
    if os.path.exists(dest):
        os.remove(dest)
    if made and os.path.isdir("/etc/xdg/autostart"):
        os.rmdir("/etc/xdg/autostart")
