# expect: pickle-dangerous-builtin
import pickle

pickle.loads(b"cbuiltins\neval\n(S'1+1'\ntR.")
