# expect: test-modules
import _testcapi  # noqa: F401
