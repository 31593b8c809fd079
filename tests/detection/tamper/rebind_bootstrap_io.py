# expect: vigil.import_plumbing
"""T1562.001 Impair Defenses: rebinds importlib._bootstrap_external._io.

The import system reads source and bytecode through _io.open_code, which
CPython routes to Vigil's open-code hook; with its own _io the import
system reads files that the open-code hook never sees. Vigil must alert at
the next import (vigil.import_plumbing).
"""
import _io
import importlib._bootstrap_external as bootstrap_external
import types

bootstrap_external._io = types.SimpleNamespace(open_code=lambda path: _io.FileIO(path, "r"), FileIO=_io.FileIO)
try:
    import http.client  # noqa: F401
finally:
    bootstrap_external._io = _io
