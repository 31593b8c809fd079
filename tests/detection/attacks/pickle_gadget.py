# expect: pickle-dangerous-global
import os, pickle


class Gadget:
    def __reduce__(self):
        return (os.system, ("true",))


pickle.loads(pickle.dumps(Gadget()))
