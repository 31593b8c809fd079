#include "bootstrap_command.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(BootstrapCommand, RecognisesTheCommandsCPythonWrites) {
  // 3.11 to 3.14, as multiprocessing builds them.
  EXPECT_EQ(multiprocessing_bootstrap("from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=5, pipe_handle=7)"),
            "multiprocessing.spawn");
  EXPECT_EQ(multiprocessing_bootstrap("from multiprocessing.spawn import spawn_main; spawn_main(pipe_handle=12)"),
            "multiprocessing.spawn");
  EXPECT_EQ(multiprocessing_bootstrap("from multiprocessing.resource_tracker import main;main(4)"),
            "multiprocessing.resource_tracker");
  EXPECT_EQ(multiprocessing_bootstrap("from multiprocessing.forkserver import main; main(6, 7, ['__main__'], "
                                      "**{'sys_path': ['/tmp/x', '/usr/lib/python311.zip', \"it's\"], "
                                      "'main_path': '/tmp/x/pool.py'})"),
            "multiprocessing.forkserver");
  EXPECT_EQ(multiprocessing_bootstrap("from multiprocessing.forkserver import main; main(6, 7, [], **{})"),
            "multiprocessing.forkserver");
  EXPECT_EQ(multiprocessing_bootstrap("import sys; from multiprocessing.forkserver import main; main(6, 7, "
                                      "['__main__', 'json.decoder'], sys_argv=sys.argv[1:], "
                                      "**{'sys_path': ['/a\\\\b'], 'main_path': None, 'authkey_r': 9})"),
            "multiprocessing.forkserver");
  // As CPython 3.14 (Debian sid) started its forkserver.
  EXPECT_EQ(multiprocessing_bootstrap("import sys; from multiprocessing.forkserver import main; main(11, 12, "
                                      "['__main__'], sys_argv=sys.argv[1:], **{'sys_path': ['/srv', "
                                      "'/usr/lib/python314.zip', '/usr/lib/python3.14'], 'main_path': "
                                      "'/srv/cap.py', 'authkey_r': 14})"),
            "multiprocessing.forkserver");
}

TEST(BootstrapCommand, AnythingElseIsACommand) {
  const char* kOthers[] = {
      // One more statement, anywhere.
      "from multiprocessing.spawn import spawn_main; spawn_main(pipe_handle=7); import os",
      "import os; from multiprocessing.spawn import spawn_main; spawn_main(pipe_handle=7)",
      "from multiprocessing.spawn import spawn_main; spawn_main(pipe_handle=7)\nimport os",
      "from multiprocessing.resource_tracker import main;main(4);print(1)",
      // Arguments that are not the integers and literals CPython writes.
      "from multiprocessing.spawn import spawn_main; spawn_main(pipe_handle=__import__('os').system('id'))",
      "from multiprocessing.spawn import spawn_main; spawn_main(pipe_handle=7, pipe_handle=8)",
      "from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=5)",
      "from multiprocessing.spawn import spawn_main; spawn_main(pipe_handle=07)",
      "from multiprocessing.spawn import spawn_main; spawn_main(pipe_handle=-1)",
      "from multiprocessing.spawn import spawn_main; spawn_main(pipe_handle=7,tracker_fd=5)",
      "from multiprocessing.resource_tracker import main;main(4, 5)",
      "from multiprocessing.resource_tracker import main; main(4)",
      "from multiprocessing.forkserver import main; main(6, 7, ['os; import x'], **{})",
      "from multiprocessing.forkserver import main; main(6, 7, ['__main__'], **{'sys_path': [], 'sys_path': []})",
      "from multiprocessing.forkserver import main; main(6, 7, ['__main__'], **{'preload': []})",
      "from multiprocessing.forkserver import main; main(6, 7, [], **{'main_path': '/x.py'}); import os",
      "from multiprocessing.forkserver import main; main(6, 7, [], **{'main_path': '/x\\q'})",
      "from multiprocessing.forkserver import main; main(6, 7, [], **{'main_path': '/x.py\"})",
      "from multiprocessing.forkserver import main; main(6, 7, [], sys_argv=sys.argv[1:], **{})",
      "from multiprocessing.spawn import spawn_main as main; main(pipe_handle=7)",
      "",
  };
  for (const char* text : kOthers) EXPECT_EQ(multiprocessing_bootstrap(text), std::nullopt) << text;
}

}  // namespace
}  // namespace vigil
