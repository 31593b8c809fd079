#include "event_catalog.h"

#include <unordered_map>

namespace vigil {
namespace {

struct CatalogRow {
  const char* name;
  const char* fields;  // comma-separated
};

constexpr CatalogRow kCatalog[] = {
#include "event_catalog_table.inc"
    // Vigil's own evaluation point, not raised through sys.audit: rules on
    // it see every file opened to run as code (io.open_code), with the
    // arguments of the `open` event recorded for that open.
    {"vigil.open_code", "path,mode,flags,shadows_stdlib,written"},
    // Views (src/runtime/event_views.h, docs/detection.md): one behaviour
    // seen through every event that spells it, with resolved arguments.
    {"vigil.process_start", "program,argv,command,via,kind,disguised,stdio_socket,interactive,shell_text,written,command_origin"},
    {"vigil.code", "origin,filename,source_type"},
    {"vigil.file_write", "path,via,source,adds_extension"},
    {"vigil.file_delete", "path,replaced"},
    {"vigil.egress", "destination,via,carries_secret"},
    {"vigil.file_read", "path,via"},
    // Raised by vigil-python's wrappers of calls no CPython audits
    // (src/runtime/audited_wrappers.h).
    {"os.chroot", "path"},
    {"os.mknod", "path,mode,device,dir_fd"},
    {"os.mkfifo", "path,mode,dir_fd"},
    {"os.setuid", "uid"},
    {"os.seteuid", "euid"},
    {"os.setreuid", "ruid,euid"},
    {"os.setresuid", "ruid,euid,suid"},
    {"signal.pidfd_send_signal", "pidfd,sig,siginfo,flags"},
};

// The import system's three lists, passed to every `import` event and
// almost never changed once the program runs: most of an import's record.
struct OncePerChange {
  std::string_view event;
  std::string_view field;
};
constexpr OncePerChange kRecordedOncePerChange[] = {
    {"import", "sys_path"},
    {"import", "sys_meta_path"},
    {"import", "sys_path_hooks"},
};

// Read from the sys.audit calls of Debian's 3.13 and 3.14 standard
// libraries; 3.11's has none of these.
struct StdlibRaise {
  std::string_view file;
  std::string_view event;
};
constexpr StdlibRaise kStdlibRaises[] = {
    {"_pyrepl/readline.py", "builtins.input"},
    {"_pyrepl/readline.py", "builtins.input/result"},
    {"_pyrepl/main.py", "cpython.run_startup"},
    {"asyncio/__main__.py", "cpython.run_startup"},
    {"asyncio/__main__.py", "cpython.run_stdin"},
    {"asyncio/__main__.py", "cpython.run_interactivehook"},
};
constexpr std::string_view kStdlibRaisingFiles[] = {"_pyrepl/readline.py", "_pyrepl/main.py",
                                                     "asyncio/__main__.py"};

std::vector<std::string_view> split_fields(std::string_view fields) {
  std::vector<std::string_view> names;
  while (!fields.empty()) {
    auto comma = fields.find(',');
    names.push_back(fields.substr(0, comma));
    fields = comma == std::string_view::npos ? std::string_view() : fields.substr(comma + 1);
  }
  return names;
}

struct Index {
  std::vector<EventSignature> signatures;
  std::unordered_map<std::string_view, const EventSignature*> by_name;

  Index() {
    signatures.reserve(std::size(kCatalog));
    for (const auto& row : kCatalog) signatures.push_back({row.name, split_fields(row.fields)});
    for (auto& signature : signatures) {
      for (const auto& once : kRecordedOncePerChange) {
        std::size_t field = signature.field_index(once.field);
        if (once.event == signature.name && field < 64) signature.recorded_once_per_change |= std::uint64_t{1} << field;
      }
    }
    for (const auto& signature : signatures) by_name.emplace(signature.name, &signature);
  }
};

const Index& index() {
  static const Index catalog_index;
  return catalog_index;
}

}  // namespace

std::size_t EventSignature::field_index(std::string_view field) const {
  std::size_t index = 0;
  while (index < fields.size() && fields[index] != field) ++index;
  return index;
}

const EventSignature* find_event_signature(std::string_view event) {
  const auto& by_name = index().by_name;
  auto found = by_name.find(event);
  return found == by_name.end() ? nullptr : found->second;
}

const std::vector<EventSignature>& event_catalog() { return index().signatures; }

bool stdlib_raises_from_python(std::string_view event, std::string_view file) {
  for (const auto& raise : kStdlibRaises) {
    if (raise.event == event && raise.file == file) return true;
  }
  return false;
}

std::span<const std::string_view> stdlib_files_raising_runtime_events() { return kStdlibRaisingFiles; }

}  // namespace vigil
