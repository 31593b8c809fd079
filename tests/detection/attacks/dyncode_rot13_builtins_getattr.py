# technique: T1059.006 T1027 T1140
"""rot13-encoded code run through a builtin fetched by an obfuscated name (T1059.006, T1027, T1140).

Both the code and the name of the function that runs it are rot13 text
decoded with codecs ("rkrp" → "exec"); the builtin is looked up with
getattr on the builtins module and called, so no "exec(" appears in the
script. The stage reads /etc/hostname and writes a marker under HOME.

A good detector raises a medium or higher alert: code produced by a
decoder runs (whatever name the exec builtin was reached by).
"""
import builtins
import codecs

hidden = ("vzcbeg bf\nznexre = bf.cngu.wbva(bf.cngu.rkcnaqhfre('~'), '.fgntr2')\n"
          "jvgu bcra(znexre, 'j') nf s:\n    s.jevgr(bcra('/rgp/ubfganzr').ernq())\n"
          "cevag('fgntr gjb ena')\n")
runner = getattr(builtins, codecs.decode("rkrp", "rot13"))
runner(codecs.decode(hidden, "rot_13"), {})
