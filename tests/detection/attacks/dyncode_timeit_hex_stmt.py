# technique: T1059.006 T1140
"""Hex-encoded code run as a timeit statement (T1059.006, T1140).

timeit.timeit(stmt=…, number=1) builds a timing function around the
statement text and runs it: the code is compiled and executed inside the
timeit module, wrapped in a template, never passed to exec or eval by the
script. The statement arrives hex-encoded.

A good detector raises a medium or higher alert: text decoded from hex
runs as code (through any compile-and-run path, timeit's included).
"""
import timeit

statement = bytes.fromhex("696d706f7274206f730a6d61726b6572203d206f732e706174682e6a6f696e286f732e706174682e657870616e647573657228277e27292c20272e73746167653227290a77697468206f70656e286d61726b65722c202777272920617320663a0a20202020662e777269746528737472286f732e676574706964282929290a7072696e74282773746167652074776f2072616e20696e272c206f732e6765747069642829290a").decode()
timeit.timeit(stmt=statement, number=1)
