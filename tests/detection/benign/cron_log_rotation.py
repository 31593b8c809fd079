# A nightly log-rotation job: logs written through RotatingFileHandler and
# TimedRotatingFileHandler, old files compressed with gzip, the oldest pruned.
import glob, gzip, logging, logging.handlers, os, shutil, time

logs = os.path.join(os.environ["BENIGN_WORKDIR"], "log")
os.makedirs(logs, exist_ok=True)
logger = logging.getLogger("app")
logger.setLevel(logging.INFO)
rotating = logging.handlers.RotatingFileHandler(os.path.join(logs, "app.log"), maxBytes=2000, backupCount=3)
rotating.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
logger.addHandler(rotating)
timed = logging.handlers.TimedRotatingFileHandler(os.path.join(logs, "daily.log"), when="midnight", backupCount=7)
logger.addHandler(timed)
for n in range(200):
    logger.info("request %d served in %d ms", n, n % 17)
logger.warning("disk almost full")
for handler in (rotating, timed):
    logger.removeHandler(handler)
    handler.close()
assert sorted(os.listdir(logs))[:2] == ["app.log", "app.log.1"]


def compress(path):
    with open(path, "rb") as source, gzip.open(path + ".gz", "wb") as target:
        shutil.copyfileobj(source, target)
    os.remove(path)


for path in glob.glob(os.path.join(logs, "app.log.[0-9]")):
    compress(path)
old = time.time() - 30 * 86400
os.utime(os.path.join(logs, "app.log.3.gz"), (old, old))
for path in glob.glob(os.path.join(logs, "*.gz")):
    if os.stat(path).st_mtime < time.time() - 14 * 86400:
        os.remove(path)
assert sorted(os.listdir(logs)) == ["app.log", "app.log.1.gz", "app.log.2.gz", "daily.log"]
with gzip.open(os.path.join(logs, "app.log.1.gz"), "rt") as rotated:
    assert "request" in rotated.read()
