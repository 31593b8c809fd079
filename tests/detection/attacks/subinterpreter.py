# expect: subinterpreter
import _xxsubinterpreters as interpreters

interpreters.destroy(interpreters.create())
