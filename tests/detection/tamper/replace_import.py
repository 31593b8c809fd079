# expect: vigil.import_plumbing
"""T1574 Hijack Execution Flow: replaces builtins.__import__.

CPython raises no event for the assignment; a replacement can hand back
modules that never went through the import system or the open-code hook.
Vigil must alert at the next import (vigil.import_plumbing).
"""
import builtins

original = builtins.__import__


def importer(name, *args, **kwargs):
    return original(name, *args, **kwargs)


builtins.__import__ = importer
import json  # noqa: E402,F401

builtins.__import__ = original
