# expect: vigil.import_finders
"""T1574 Hijack Execution Flow: inserts a meta path finder.

A finder first on sys.meta_path decides where every later import comes
from, e.g. code held in memory. Vigil must name the new finder at the next
import (vigil.import_finders; low, since pytest and six do this too).
"""
import sys


class InMemoryFinder:
    def find_spec(self, name, path=None, target=None):
        return None


sys.meta_path.insert(0, InMemoryFinder())
import csv  # noqa: E402,F401
