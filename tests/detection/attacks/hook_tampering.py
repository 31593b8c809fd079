# technique: T1562.001
# expect: late-audit-hook code-swap heap-search tracer
"""Impair Defenses: Disable or Modify Tools (T1562.001), aimed at the audit
hooks themselves: a hook added after start-up, then its code swapped for
a do-nothing function's (`hook.__code__ = …`), then the heap searched for
the objects that refer to it (`gc.get_referrers`), the first steps of
finding and disarming a monitor from Python.

A good detector raises a high alert: an audit hook added late and a
function's code swapped (`late-audit-hook`, `code-swap`), with `heap-search`
and `tracer` beside them."""
import gc, sys


def hook(event, args):
    pass


def harmless(event, args):
    return None


sys.addaudithook(hook)
hook.__code__ = harmless.__code__
gc.get_referrers(hook)
sys.settrace(lambda *a: None)
sys.settrace(None)
