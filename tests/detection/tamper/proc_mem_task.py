# expect: process-memory
"""T1055.009 Proc Memory: opens /proc/<pid>/task/<tid>/mem of another thread.
"""
import os
import threading

ready, finish = threading.Event(), threading.Event()
native = []


def worker():
    native.append(threading.get_native_id())
    ready.set()
    finish.wait(10)


thread = threading.Thread(target=worker)
thread.start()
ready.wait(10)
try:
    os.close(os.open(f"/proc/{os.getpid()}/task/{native[0]}/mem", os.O_RDONLY))
finally:
    finish.set()
    thread.join()
