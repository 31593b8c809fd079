# expect: resource-limits log-blinding-limits vigil.log_interference
"""T1562.001 (Impair Defenses): set RLIMIT_FSIZE to 0 so that every write
to the log fails with EFBIG, with SIGXFSZ back at its default action so
that Vigil's own next write would kill the process. Vigil blocks SIGXFSZ
around its writes, lifts the soft limit for them (up to the hard limit,
and past it with CAP_SYS_RESOURCE), restores it, and raises
vigil.log_interference once; the policy alerts high on the setrlimit."""
import resource
import signal
import sys

signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))
for i in range(10):
    sys.audit("tamper.after", i)
assert resource.getrlimit(resource.RLIMIT_FSIZE)[0] == 0, "Vigil must restore the program's limit"
