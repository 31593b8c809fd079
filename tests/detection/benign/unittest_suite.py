# A unittest suite run the usual ways: discovery through `python -m
# unittest`, and in process with mocks, subTests, skips, expected failures
# and setUpClass fixtures.
import io, os, subprocess, sys, unittest
from unittest import mock

project = os.path.join(os.environ["BENIGN_WORKDIR"], "project")
os.makedirs(os.path.join(project, "tests"), exist_ok=True)
open(os.path.join(project, "tests", "__init__.py"), "w").close()
with open(os.path.join(project, "tests", "test_math.py"), "w") as out:
    out.write("import math, unittest\n\nclass MathTest(unittest.TestCase):\n"
              "    def test_sqrt(self):\n        self.assertEqual(math.sqrt(9), 3)\n\n"
              "    @unittest.skip('later')\n    def test_later(self):\n        pass\n")
subprocess.run([sys.executable, "-m", "unittest", "discover", "-s", "tests", "-t", "."], cwd=project, check=True,
               stderr=subprocess.DEVNULL, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))


class Service:
    def status(self):
        return os.uname().sysname


class ServiceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.service = Service()

    def test_status(self):
        self.assertEqual(self.service.status(), "Linux")

    @mock.patch("os.uname")
    def test_status_mocked(self, uname):
        uname.return_value = mock.Mock(sysname="Plan9")
        self.assertEqual(self.service.status(), "Plan9")
        uname.assert_called_once_with()

    def test_many(self):
        for n in range(5):
            with self.subTest(n=n):
                self.assertEqual(n + n, 2 * n)

    @unittest.expectedFailure
    def test_known_bug(self):
        self.assertEqual(1, 2)

    def test_raises(self):
        with self.assertRaisesRegex(ValueError, "invalid literal"):
            int("x")


result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=2).run(
    unittest.defaultTestLoader.loadTestsFromTestCase(ServiceTest))
assert result.wasSuccessful() and result.testsRun == 5
