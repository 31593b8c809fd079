# expect: chroot
# leaves: gap
"""T1562.001 (Impair Defenses): change the root directory, so that the log's
absolute path names nothing, then close the log's descriptor. Vigil cannot
open its log again from inside the new root and the rest of the run is
lost: what shows is the `chroot` alert (high), written before the root
changed because os.chroot now raises an event, and a run that ends without
its stop record. Nothing better is possible from inside the process: every
descriptor Vigil could keep in reserve can be closed the same way; a sink
out of the process's reach keeps the rest (docs/records.md)."""
import os
import sys
import tempfile

jail = tempfile.mkdtemp(prefix="jail-", dir=os.getcwd())
os.chroot(jail)
os.closerange(3, 65536)
for number in range(20):
    sys.audit("tamper.in_jail", number)
