# Concurrency with threads: a worker pool over a queue, locks, events,
# barriers, timers, ThreadPoolExecutor and ProcessPoolExecutor.
import concurrent.futures, hashlib, queue, threading


def digest(n):
    return hashlib.sha256(str(n).encode() * 1000).hexdigest()[:8]


if __name__ == "__main__":
    jobs, results, lock = queue.Queue(), [], threading.Lock()

    def worker():
        while (n := jobs.get()) is not None:
            with lock:
                results.append(digest(n))
            jobs.task_done()
        jobs.task_done()

    threads = [threading.Thread(target=worker, name=f"worker-{n}") for n in range(4)]
    for thread in threads:
        thread.start()
    for n in range(100):
        jobs.put(n)
    for _ in threads:
        jobs.put(None)
    jobs.join()
    for thread in threads:
        thread.join()
    assert len(results) == 100
    barrier, fired = threading.Barrier(3), threading.Event()
    parties = [threading.Thread(target=barrier.wait) for _ in range(2)]
    for party in parties:
        party.start()
    barrier.wait()
    threading.Timer(0.01, fired.set).start()
    assert fired.wait(5)
    local = threading.local()
    local.value = 1
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(digest, range(10))) == [digest(n) for n in range(10)]
        done, _ = concurrent.futures.wait([pool.submit(digest, n) for n in range(10)])
        assert len(done) == 10
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        futures = {pool.submit(digest, n): n for n in range(8)}
        for future in concurrent.futures.as_completed(futures):
            assert future.result() == digest(futures[future])
