# expect: late-audit-hook code-swap heap-search tracer
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
