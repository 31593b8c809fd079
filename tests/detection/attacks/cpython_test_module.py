# technique: T1562.001
# expect: test-modules
"""Impair Defenses: Disable or Modify Tools (T1562.001), through CPython's own
test module. `_testcapi` exposes interpreter internals to Python code (ways
to reach the audit hook list and the runtime's state) that no ordinary
program imports. The obvious spelling; copies imported under another
package name are other scripts' business.

A good detector raises a high alert: a CPython test module is imported
(`test-modules`)."""
import _testcapi  # noqa: F401
