# expect: code-object function-object marshal-outside-import
import marshal, types


def template():
    return 1


code = template.__code__.replace(co_consts=(None, 2))
forged = types.FunctionType(code, {})
marshal.loads(marshal.dumps(code))
