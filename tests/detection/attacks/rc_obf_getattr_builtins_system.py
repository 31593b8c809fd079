# technique: T1027 T1059.004 T1059.006
# gap: the walk through object.__subclasses__() and __globals__ raises no audit event in 3.11; what remains is os.system of an ordinary command
"""Command execution through run-time-built names (T1027, T1059.004).

No "os.system" or "exec" literal anywhere: the builtins module is reached via
().__class__.__base__.__subclasses__() style walking to a class whose module
globals hold `sys`, then sys.modules["os"] and getattr(os, "".join(reversed
("metsys"))) runs a command. This is the sandbox-escape spelling from CTF
jails and Jinja SSTI payloads.

A good detector raises a medium or higher alert: a shell command is started
(regardless of how the function was reached).
"""
name = "".join(reversed("metsys"))
mod = None
for cls in ().__class__.__base__.__subclasses__():
    g = getattr(getattr(cls, "__init__", None), "__globals__", None)
    if isinstance(g, dict) and "sys" in g and hasattr(g["sys"], "modules"):
        mod = g["sys"].modules.get("o" + "s")
        if mod is not None:
            break
if mod is not None:
    getattr(mod, name)("id >/dev/null; cat /etc/hostname >/dev/null")
