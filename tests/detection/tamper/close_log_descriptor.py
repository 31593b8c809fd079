# expect: vigil.log_interference
"""T1562.001 (Impair Defenses): close every descriptor above standard error,
the log's among them (os.closerange), then act. Vigil opens its log again by
its absolute path before the next record and says what happened; nothing
is lost and the chain goes on."""
import os
import sys

os.closerange(3, 65536)
sys.audit("tamper.after_close")
with open(os.devnull, "w") as sink:
    sink.write("still recorded\n")
