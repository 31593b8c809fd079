# expect: vigil.import_finders
"""T1574 Hijack Execution Flow: inserts a path hook.

A hook first on sys.path_hooks makes the finder for every new sys.path
entry. Vigil must name it at the next import (vigil.import_finders).
"""
import sys


class PathHook:
    def __init__(self, path):
        raise ImportError


sys.path_hooks.insert(0, PathHook)
import csv  # noqa: E402,F401
