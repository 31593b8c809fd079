#include "activity.h"

#include <fcntl.h>

#include <algorithm>
#include <array>
#include <utility>

namespace vigil {
namespace {

using Entry = std::pair<std::string_view, Activity>;

// Sorted by name for binary search.
constexpr auto kActivities = std::to_array<Entry>({
    {"_posixsubprocess.fork_exec", Activity::process},
    {"builtins.input", Activity::code},
    {"code.__new__", Activity::code},
    {"compile", Activity::code},
    {"cpython.PyInterpreterState_New", Activity::hooks},
    {"cpython.remote_debugger_script", Activity::code},
    {"cpython.run_command", Activity::code},
    {"cpython.run_interactivehook", Activity::code},
    {"cpython.run_startup", Activity::code},
    {"cpython.run_stdin", Activity::code},
    {"ctypes.PyObj_FromPtr", Activity::native},
    {"ctypes.addressof", Activity::native},
    {"ctypes.call_function", Activity::native},
    {"ctypes.dlopen", Activity::native},
    {"ctypes.dlsym", Activity::native},
    {"ctypes.string_at", Activity::native},
    {"exec", Activity::code},
    {"ftplib.connect", Activity::network},
    {"http.client.connect", Activity::network},
    {"imaplib.open", Activity::network},
    {"marshal.load", Activity::code},
    {"marshal.loads", Activity::code},
    {"mmap.__new__", Activity::native},
    {"nntplib.connect", Activity::network},
    {"open", Activity::file},
    {"os.chmod", Activity::file},
    {"os.chown", Activity::file},
    {"os.exec", Activity::process},
    {"os.fork", Activity::process},
    {"os.forkpty", Activity::process},
    {"os.kill", Activity::process},
    {"os.killpg", Activity::process},
    {"os.link", Activity::file},
    {"os.mkdir", Activity::file},
    {"os.posix_spawn", Activity::process},
    {"os.remove", Activity::file},
    {"os.removexattr", Activity::file},
    {"os.rename", Activity::file},
    {"os.rmdir", Activity::file},
    {"os.setxattr", Activity::file},
    {"os.spawn", Activity::process},
    {"os.symlink", Activity::file},
    {"os.system", Activity::process},
    {"os.truncate", Activity::file},
    {"os.utime", Activity::file},
    {"pickle.find_class", Activity::code},
    {"poplib.connect", Activity::network},
    {"pty.spawn", Activity::process},
    {"shutil.chown", Activity::file},
    {"shutil.copyfile", Activity::file},
    {"shutil.copytree", Activity::file},
    {"shutil.make_archive", Activity::file},
    {"shutil.move", Activity::file},
    {"shutil.rmtree", Activity::file},
    {"shutil.unpack_archive", Activity::file},
    {"smtplib.connect", Activity::network},
    {"socket.bind", Activity::network},
    {"socket.connect", Activity::network},
    {"socket.getaddrinfo", Activity::network},
    {"socket.gethostbyaddr", Activity::network},
    {"socket.gethostbyname", Activity::network},
    {"socket.sendmsg", Activity::network},
    {"socket.sendto", Activity::network},
    {"subprocess.Popen", Activity::process},
    {"sys.addaudithook", Activity::hooks},
    {"sys.monitoring.register_callback", Activity::hooks},
    {"sys.remote_exec", Activity::code},
    {"sys.setprofile", Activity::hooks},
    {"sys.settrace", Activity::hooks},
    {"telnetlib.Telnet.open", Activity::network},
    {"tempfile.mkdtemp", Activity::file},
    {"tempfile.mkstemp", Activity::file},
    {"urllib.Request", Activity::network},
    {"webbrowser.open", Activity::network},
});

static_assert(std::is_sorted(kActivities.begin(), kActivities.end(),
                             [](const Entry& a, const Entry& b) { return a.first < b.first; }));

}  // namespace

std::string_view activity_name(Activity activity) {
  switch (activity) {
    case Activity::process: return "process";
    case Activity::network: return "network";
    case Activity::file: return "file";
    case Activity::code: return "code";
    case Activity::native: return "native";
    case Activity::hooks: return "hooks";
    case Activity::none: break;
  }
  return "other";
}

Activity activity_of(std::string_view event) {
  auto found = std::lower_bound(kActivities.begin(), kActivities.end(), event,
                                [](const Entry& entry, std::string_view name) { return entry.first < name; });
  return found != kActivities.end() && found->first == event ? found->second : Activity::none;
}

bool is_interpreter_code(std::string_view site_file) {
  return site_file.starts_with("<frozen") || site_file.starts_with("/usr/lib/python3");
}

bool opens_for_writing(std::string_view mode, long long flags) {
  if (!mode.empty()) return mode.find_first_of("wax+") != std::string_view::npos;
  return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)) != 0;
}

}  // namespace vigil

namespace vigil {

bool is_program_activity(const EventFacts& facts) {
  bool programs_code = facts.has_site && !is_interpreter_code(facts.site_file);
  switch (activity_of(facts.event)) {
    case Activity::none: return false;
    case Activity::file:
      // Opens during start-up are the interpreter's own (its standard streams among them).
      return facts.event != "open" ||
             (facts.has_site && (opens_for_writing(facts.open_mode, facts.open_flags) || programs_code));
    case Activity::code:
      if (facts.event.starts_with("cpython.") || facts.event == "pickle.find_class") return true;
      return programs_code;
    default: return true;
  }
}

}  // namespace vigil
