# Logging configured the way services do it: dictConfig with file, stream
# and queue handlers, a custom formatter and filter, exceptions logged with
# their tracebacks, and fileConfig from an INI file.
import io, logging, logging.config, logging.handlers, os, queue

workdir = os.environ["BENIGN_WORKDIR"]


class RequestFilter(logging.Filter):
    def filter(self, record):
        record.request_id = getattr(record, "request_id", "-")
        return True


stream = io.StringIO()
logging.config.dictConfig({
    "version": 1,
    "filters": {"request": {"()": RequestFilter}},
    "formatters": {"plain": {"format": "%(asctime)s [%(request_id)s] %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "file": {"class": "logging.FileHandler", "filename": os.path.join(workdir, "service.log"), "formatter": "plain",
                 "filters": ["request"]},
        "stream": {"class": "logging.StreamHandler", "stream": stream, "level": "WARNING", "formatter": "plain",
                   "filters": ["request"]},
    },
    "root": {"level": "DEBUG", "handlers": ["file", "stream"]},
})
log = logging.getLogger("service.api")
log.info("started", extra={"request_id": "r1"})
try:
    {}["missing"]
except KeyError:
    log.exception("lookup failed")
records = queue.Queue()
listener = logging.handlers.QueueListener(records, logging.FileHandler(os.path.join(workdir, "queued.log")))
listener.start()
logging.getLogger("worker").addHandler(logging.handlers.QueueHandler(records))
logging.getLogger("worker").warning("from the queue")
listener.stop()
assert "KeyError: 'missing'" in stream.getvalue()
ini = os.path.join(workdir, "logging.ini")
with open(ini, "w") as out:
    out.write("[loggers]\nkeys=root\n[handlers]\nkeys=file\n[formatters]\nkeys=plain\n"
              "[logger_root]\nlevel=INFO\nhandlers=file\n"
              f"[handler_file]\nclass=FileHandler\nformatter=plain\nargs=({os.path.join(workdir, 'ini.log')!r},)\n"
              "[formatter_plain]\nformat=%(levelname)s %(message)s\n")
logging.config.fileConfig(ini)
logging.getLogger().info("from the INI file")
logging.shutdown()
with open(os.path.join(workdir, "ini.log")) as back:
    assert back.read() == "INFO from the INI file\n"
