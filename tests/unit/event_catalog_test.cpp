#include "event_catalog.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(EventCatalog, NamesTheArgumentsOfCatalogedEvents) {
  const EventSignature* open = find_event_signature("open");
  ASSERT_NE(open, nullptr);
  EXPECT_EQ(open->fields, (std::vector<std::string_view>{"path", "mode", "flags"}));
  const EventSignature* import = find_event_signature("import");
  ASSERT_NE(import, nullptr);
  EXPECT_EQ(import->fields.size(), 5u);
  EXPECT_EQ(import->fields[2], "sys_path");
}

TEST(EventCatalog, EventsWithoutArgumentsHaveNoFields) {
  const EventSignature* fork = find_event_signature("os.fork");
  ASSERT_NE(fork, nullptr);
  EXPECT_TRUE(fork->fields.empty());
}

TEST(EventCatalog, UsesTheNamesCPythonReallyRaises) {
  EXPECT_NE(find_event_signature("sys.set_asyncgen_hook_firstiter"), nullptr);
  EXPECT_EQ(find_event_signature("no.such.event"), nullptr);
  EXPECT_GE(event_catalog().size(), 148u);
}

TEST(EventCatalog, NamesTheArgumentsOfTheEventsCPython312To314Added) {
  const std::pair<std::string_view, std::vector<std::string_view>> added[] = {
      {"_thread.start_new_thread", {"function", "args", "kwargs"}},
      {"_thread.start_joinable_thread", {"function", "daemon", "handle"}},
      {"sys._getframemodulename", {"depth"}},
      {"sys.monitoring.register_callback", {"func"}},
      {"pathlib.Path.walk", {"self", "on_error", "follow_symlinks"}},
      {"time.sleep", {"secs"}},
      {"tempfile._rmtree", {"path", "dir_fd"}},
      {"_posixsubprocess.fork_exec", {"executable_list", "args", "env"}},
      {"ctypes.memoryview_at", {"address", "size", "readonly"}},
      {"ctypes.set_exception", {"code"}},
      {"cpython.PyConfig_Set", {"name", "value"}},
      {"sys.remote_exec", {"pid", "script_path"}},
      {"cpython.remote_debugger_script", {"script_path"}},
  };
  for (const auto& [name, fields] : added) {
    const EventSignature* signature = find_event_signature(name);
    ASSERT_NE(signature, nullptr) << name;
    EXPECT_EQ(signature->fields, fields) << name;
  }
}

TEST(EventCatalog, KnowsWhichRuntimeEventsTheStandardLibraryRaisesFromPython) {
  EXPECT_TRUE(stdlib_raises_from_python("builtins.input", "_pyrepl/readline.py"));
  EXPECT_TRUE(stdlib_raises_from_python("builtins.input/result", "_pyrepl/readline.py"));
  EXPECT_TRUE(stdlib_raises_from_python("cpython.run_stdin", "asyncio/__main__.py"));
  // Only the file that raises it, and only events the runtime raises.
  EXPECT_FALSE(stdlib_raises_from_python("cpython.run_stdin", "_pyrepl/readline.py"));
  EXPECT_FALSE(stdlib_raises_from_python("os.system", "_pyrepl/readline.py"));
  EXPECT_FALSE(stdlib_raises_from_python("builtins.input", "/usr/lib/python3.13/_pyrepl/readline.py"));
  for (std::string_view file : stdlib_files_raising_runtime_events()) {
    EXPECT_TRUE(stdlib_raises_from_python("builtins.input", file) ||
                stdlib_raises_from_python("cpython.run_startup", file))
        << file;
  }
}

}  // namespace
}  // namespace vigil
