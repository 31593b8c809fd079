# multiprocessing with every start method (fork, spawn, forkserver):
# Process with a Queue and a Pipe, a Manager's shared dict, shared memory,
# Value and Array with locks.
import multiprocessing, multiprocessing.shared_memory


def produce(results, n):
    results.put(n * n)


def echo(connection):
    connection.send(connection.recv().upper())
    connection.close()


def record(shared, key):
    shared[key] = key * 2


def bump(counter, values):
    with counter.get_lock():
        counter.value += 1
    values[0] += 1.5


def fill(name):
    block = multiprocessing.shared_memory.SharedMemory(name=name)
    block.buf[:5] = b"hello"
    block.close()


if __name__ == "__main__":
    for method in ("fork", "spawn", "forkserver"):
        context = multiprocessing.get_context(method)
        results = context.Queue()
        workers = [context.Process(target=produce, args=(results, n)) for n in range(3)]
        for worker in workers:
            worker.start()
        assert sorted(results.get(timeout=20) for _ in workers) == [0, 1, 4]
        for worker in workers:
            worker.join()
            assert worker.exitcode == 0
        parent, child = context.Pipe()
        process = context.Process(target=echo, args=(child,))
        process.start()
        parent.send("ping")
        assert parent.recv() == "PING"
        process.join()
        with context.Manager() as manager:
            shared = manager.dict()
            process = context.Process(target=record, args=(shared, 21))
            process.start()
            process.join()
            assert shared[21] == 42
        counter, values = context.Value("i", 0), context.Array("d", [0.0])
        process = context.Process(target=bump, args=(counter, values))
        process.start()
        process.join()
        assert counter.value == 1 and values[0] == 1.5
        block = multiprocessing.shared_memory.SharedMemory(create=True, size=16)
        try:
            process = context.Process(target=fill, args=(block.name,))
            process.start()
            process.join()
            assert bytes(block.buf[:5]) == b"hello"
        finally:
            block.close()
            block.unlink()
