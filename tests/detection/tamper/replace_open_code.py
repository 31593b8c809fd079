# expect: vigil.import_plumbing
"""T1574 Hijack Execution Flow: replaces io.open_code.

Code that reads "code" through io.open_code (runpy, zipimport, tools that
verify through it) would get the replacement's bytes. Vigil must alert at
the next import (vigil.import_plumbing).
"""
import io

original = io.open_code
io.open_code = lambda path: original(path)
import email.message  # noqa: E402,F401

io.open_code = original
