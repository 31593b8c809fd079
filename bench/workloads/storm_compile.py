"""Event storm: compile a small snippet N times (one `compile` event each)."""
import sys

n = int(sys.argv[1])
for i in range(n):
    compile("x = 1", "<storm>", "exec")
