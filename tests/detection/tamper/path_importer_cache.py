# expect: vigil.import_finders
"""T1574 Hijack Execution Flow: plants a finder in sys.path_importer_cache.

The cached finder of a sys.path entry serves every import from that entry,
without any path hook being asked. Vigil must name the new kind of finder
at the next import (vigil.import_finders).
"""
import sys


class PlantedFinder:
    def find_spec(self, name, target=None):
        return None


sys.path_importer_cache["/nonexistent-vigil-tamper"] = PlantedFinder()
import csv  # noqa: E402,F401
