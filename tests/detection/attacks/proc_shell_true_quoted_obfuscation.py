# technique: T1059.004 T1027
"""Shell command text obfuscated with quotes, variables and ${IFS}: subprocess with shell=True (T1059.004, T1027).

The command `/bin/sh -c 'id; uname -a'` is written so that no literal
"sh", "id" or "uname" appears: empty quotes split words (s''h), a
variable holds part of a path, ${IFS} replaces spaces. subprocess passes
the text to /bin/sh -c, which reassembles it.

A good detector raises a medium or higher alert: shell command text that
runs a nested shell with an inline command, whatever quoting hides it.
"""
import subprocess

text = "P=/bi; ${P}n/s''h${IFS}-c${IFS}'i\"d\";u\"n\"am''e${IFS}-s'"
out = subprocess.check_output(text, shell=True, text=True, timeout=5)
print(out.strip())
