# expect: vigil.own_log_opened
"""T1070 Indicator Removal: opens its own log through a symbolic link.

Read through a link in another directory (severity medium), it is still
the log.
"""
import os
import tempfile

with tempfile.TemporaryDirectory() as directory:
    link = os.path.join(directory, "notes.txt")
    os.symlink(os.path.abspath(os.environ["VIGIL_LOG"]), link)
    with open(link, "rb"):
        pass
