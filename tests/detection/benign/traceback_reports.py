# Error reporting: exceptions raised inside the standard library (json,
# int(), a missing file, subprocess, a socket) caught and printed with
# traceback.print_exc and format_exception, chained exceptions, a logger's
# exception(), and an uncaught exception in a child process and a thread.
import io, json, logging, os, socket, subprocess, sys, threading, traceback

buffer = io.StringIO()
failures = [lambda: json.loads("{not json"), lambda: int("forty-two"), lambda: open("/nonexistent/config.ini"),
            lambda: subprocess.run(["false"], check=True), lambda: socket.create_connection(("127.0.0.1", 1), 1),
            lambda: __import__("decimal").Decimal("1") / 0]
for failure in failures:
    try:
        failure()
    except Exception:
        traceback.print_exc(file=buffer)
        traceback.print_exc()  # to stderr, as scripts do
try:
    try:
        {}["key"]
    except KeyError as missing:
        raise RuntimeError("configuration incomplete") from missing
except RuntimeError as error:
    text = "".join(traceback.format_exception(error))
    assert "The above exception was the direct cause" in text
    summary = traceback.extract_tb(error.__traceback__)
    assert summary[-1].name == "<module>"
logging.basicConfig(stream=buffer)
try:
    json.loads("[1, 2,")
except json.JSONDecodeError:
    logging.getLogger("app").exception("bad input")
assert buffer.getvalue().count("Traceback (most recent call last)") == len(failures) + 1
thread = threading.Thread(target=lambda: int("not a number"))
thread.start()
thread.join()
child = subprocess.run([sys.executable, "-c", "import json; json.loads('{')"], capture_output=True, text=True)
assert child.returncode == 1 and "JSONDecodeError" in child.stderr
with open(os.path.join(os.environ["BENIGN_WORKDIR"], "errors.log"), "w") as out:
    out.write(buffer.getvalue())
