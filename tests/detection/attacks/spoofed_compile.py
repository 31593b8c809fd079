# expect: spoofed-compile-filename
exec(compile("x = 1", "/usr/lib/python3.11/os.py", "exec"))
exec(compile("y = 2", "<frozen importlib._bootstrap>", "exec"))
