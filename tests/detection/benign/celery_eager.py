# Celery tasks, run eagerly in process (no broker), and a kombu queue on its
# in-memory transport: a producer publishes, a consumer drains.
import celery
import kombu

app = celery.Celery("benign", broker="memory://", backend="cache+memory://")
app.conf.update(task_always_eager=True, task_eager_propagates=True, result_backend="cache+memory://")


@app.task
def add(x, y):
    return x + y


@app.task(bind=True, max_retries=2)
def divide(self, x, y):
    return x / y


assert add.delay(2, 3).get() == 5
assert celery.chain(add.s(1, 1), add.s(10)).apply_async().get() == 12
assert celery.group(add.s(i, i) for i in range(4)).apply_async().get() == [0, 2, 4, 6]
assert divide.apply(args=(8, 2)).get() == 4

received = []
with kombu.Connection("memory://") as connection:
    queue = kombu.Queue("jobs", kombu.Exchange("jobs", type="direct"), routing_key="jobs")
    with connection.Producer() as producer:
        for n in range(3):
            producer.publish({"n": n}, exchange=queue.exchange, routing_key="jobs", declare=[queue], serializer="json")
    with connection.Consumer(queue, callbacks=[lambda body, message: (received.append(body["n"]), message.ack())]):
        for _ in range(3):
            connection.drain_events(timeout=2)
assert received == [0, 1, 2]
