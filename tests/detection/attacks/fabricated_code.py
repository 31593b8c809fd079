# technique: T1027
# expect: code-object function-object marshal-outside-import
"""Obfuscated Files or Information (T1027): code that never existed as
source text. A function's code object is rebuilt with other constants
(`code.replace`), made into a function (`types.FunctionType`), and
round-tripped through `marshal`, the ways a loader builds code that no
transcript or file shows.

A good detector raises a medium alert: a code object and a function are
made by hand (`code-object`, `function-object`), with a low one for
`marshal` outside the import system."""
import marshal, types


def template():
    return 1


code = template.__code__.replace(co_consts=(None, 2))
forged = types.FunctionType(code, {})
marshal.loads(marshal.dumps(code))
