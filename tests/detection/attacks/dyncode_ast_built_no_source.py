# technique: T1059.006 T1027
"""Code built as an AST, with no source text, compiled and run (T1059.006, T1027).

The program `import os; os.system("id -u")`-like stage is assembled node by
node with the ast module (names made from character codes), compiled from
the AST and exec'd. compile() receives an ast.Module, so there is no
source text for a transcript to keep; the only clue is the code it runs.
Here the stage runs a shell command.

A good detector raises a high alert: a shell is started from code that was
compiled at run time (and from no text).
"""
import ast

name = lambda *codes: "".join(map(chr, codes))
tree = ast.Module(body=[
    ast.Import(names=[ast.alias(name=name(111, 115))]),
    ast.Expr(value=ast.Call(
        func=ast.Attribute(value=ast.Name(id=name(111, 115), ctx=ast.Load()),
                           attr=name(115, 121, 115, 116, 101, 109), ctx=ast.Load()),
        args=[ast.Constant(value="echo built from an AST; id -u")], keywords=[])),
], type_ignores=[])
ast.fix_missing_locations(tree)
exec(compile(tree, "<ast>", "exec"), {})
