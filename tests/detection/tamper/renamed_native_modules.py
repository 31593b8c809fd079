# expect: ctypes test-modules
"""T1036.005 (Match Legitimate Name or Location), T1562.001: copy _ctypes
and _testcapi into a package of the program's own and import them from
there, so that no import is named `ctypes`, `_ctypes` or `_testcapi`. An
extension module's init function is found by the last part of its name
(PyInit__ctypes), so the copies still end in `._ctypes` and `._testcapi`,
and the rules match on that."""
import os
import shutil
import sys
import sysconfig

package = os.path.join(os.getcwd(), "helpers")
os.makedirs(package, exist_ok=True)
suffix = sysconfig.get_config_var("EXT_SUFFIX")
dynload = os.path.join(sysconfig.get_path("stdlib"), "lib-dynload")
for name in ("_ctypes", "_testcapi"):
    shutil.copy(os.path.join(dynload, name + suffix), package)
sys.path.insert(0, os.getcwd())

import helpers._ctypes as native  # noqa: E402
import helpers._testcapi as test_api  # noqa: E402

assert native.dlopen and test_api
