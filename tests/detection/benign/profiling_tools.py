# Profiling and diagnostics developers run: cProfile with pstats, profiling
# a script from the command line, tracemalloc snapshots, faulthandler
# dumping tracebacks to a file, and resource usage.
import cProfile, faulthandler, io, os, pstats, resource, subprocess, sys, tracemalloc

workdir = os.environ["BENIGN_WORKDIR"]


def busy(n):
    return sorted(str(i) * 3 for i in range(n))


profiler = cProfile.Profile()
profiler.enable()
busy(20000)
profiler.disable()
report = io.StringIO()
pstats.Stats(profiler, stream=report).sort_stats("cumulative").print_stats(5)
assert "busy" in report.getvalue()
profiler.dump_stats(os.path.join(workdir, "busy.prof"))
with open(os.path.join(workdir, "job.py"), "w") as out:
    out.write("import json\nfor _ in range(2000):\n    json.loads(json.dumps({'a': list(range(20))}))\n")
subprocess.run([sys.executable, "-m", "cProfile", "-o", os.path.join(workdir, "job.prof"), os.path.join(workdir, "job.py")],
               check=True)
assert pstats.Stats(os.path.join(workdir, "job.prof")).total_calls > 2000
tracemalloc.start()
data = [bytes(1000) for _ in range(1000)]
snapshot = tracemalloc.take_snapshot()
tracemalloc.stop()
assert snapshot.statistics("lineno")[0].size >= 1000 * 1000
with open(os.path.join(workdir, "faults.log"), "w") as log:
    faulthandler.enable(file=log)
    faulthandler.dump_traceback(file=log)
    faulthandler.disable()
usage = resource.getrusage(resource.RUSAGE_SELF)
assert usage.ru_maxrss > 0 and resource.getrlimit(resource.RLIMIT_NOFILE)[0] > 0
