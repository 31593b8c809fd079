# technique: T1059.006 T1620 T1106
"""Python code run through the C API: ctypes.pythonapi.PyRun_SimpleString (T1059.006, T1620, T1106).

The source is handed to the interpreter's C entry point PyRun_SimpleString
through ctypes, not to exec/eval/compile: the builtin compile() audit path
is bypassed and the code runs in __main__. The text is built from a
base64 literal so it is not in the script.

A good detector raises a high alert: Python calls the interpreter's own
code-running C API through ctypes (and code runs with no compile of it
visible).
"""
import base64
import ctypes

text = base64.b64decode(b"aW1wb3J0IG9zOyBwcmludCgnUHlSdW5fU2ltcGxlU3RyaW5nIHJhbiBpbicsIG9zLmdldHBpZCgpKQ==")
runner = ctypes.pythonapi.PyRun_SimpleString
runner.argtypes = [ctypes.c_char_p]
print("status", runner(text))
