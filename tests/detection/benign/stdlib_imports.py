# An import storm over much of the standard library.
import importlib

for name in ("argparse", "asyncio", "base64", "collections", "concurrent.futures", "csv", "dataclasses", "datetime",
             "decimal", "email.message", "enum", "fractions", "functools", "gzip", "hashlib", "heapq", "http.client",
             "http.server", "inspect", "ipaddress", "itertools", "json", "logging.handlers", "lzma", "mimetypes",
             "multiprocessing", "pathlib", "pickle", "pprint", "queue", "random", "re", "shutil", "socket", "sqlite3",
             "ssl", "statistics", "string", "subprocess", "tarfile", "tempfile", "textwrap", "threading", "tomllib",
             "traceback", "typing", "unittest", "urllib.request", "uuid", "xml.etree.ElementTree", "zipfile"):
    importlib.import_module(name)
