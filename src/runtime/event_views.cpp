#include "event_views.h"

#include "audited_wrappers.h"
#include "content_origins.h"
#include "file_io.h"
#include "file_trust.h"
#include "event_catalog.h"
#include "value_renderer.h"

#include <structmember.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace vigil {
namespace {

// Paths and command text longer than this are cut: rules look at their
// start, and a view must not copy a payload of megabytes.
constexpr std::size_t kMaxText = 64 * 1024;
constexpr std::size_t kMaxArguments = 256;

// A pathlib path's text, read from its slots without running Python code:
// `_str` once str() ran, else (3.11) `_drv` + `_root` + "/".join(`_parts`
// after the anchor), or (3.12) a single `_raw_paths` entry. Its __fspath__
// is not called, so a subclass that overrides it can differ from what is
// opened; the event's own object is what is read.
PyObject* slot_of(PyObject* object, const char* name) {
  // Looked up by an interned name made once per name: the strings live as
  // long as the process, like the type dicts' own keys.
  static std::vector<std::pair<const char*, PyObject*>> names;
  auto known = std::find_if(names.begin(), names.end(), [&](const auto& entry) { return entry.first == name; });
  PyObject* key = known != names.end() ? known->second : nullptr;
  if (key == nullptr) {
    key = PyUnicode_InternFromString(name);
    if (key == nullptr) {
      PyErr_Clear();
      return nullptr;
    }
    names.emplace_back(name, key);
  }
  PyObject* descriptor = _PyType_Lookup(Py_TYPE(object), key);
  if (descriptor == nullptr || !Py_IS_TYPE(descriptor, &PyMemberDescr_Type)) return nullptr;
  PyMemberDef* member = reinterpret_cast<PyMemberDescrObject*>(descriptor)->d_member;
  if (member->type != T_OBJECT_EX && member->type != T_OBJECT) return nullptr;
  return *reinterpret_cast<PyObject**>(reinterpret_cast<char*>(object) + member->offset);
}

std::optional<std::string> text_of(PyObject* object);

std::optional<std::string> path_object_text(PyObject* object) {
  if (PyObject* cached = slot_of(object, "_str"); cached != nullptr && PyUnicode_Check(cached)) return text_of(cached);
  PyObject* parts = slot_of(object, "_parts");
  if (parts != nullptr && PyList_CheckExact(parts)) {
    PyObject* drive = slot_of(object, "_drv");
    PyObject* root = slot_of(object, "_root");
    auto drive_text = drive != nullptr ? text_of(drive) : std::nullopt;
    auto root_text = root != nullptr ? text_of(root) : std::nullopt;
    bool anchored = (drive_text && !drive_text->empty()) || (root_text && !root_text->empty());
    std::string text = anchored ? drive_text.value_or("") + root_text.value_or("") : "";
    for (Py_ssize_t i = anchored ? 1 : 0; i < PyList_GET_SIZE(parts); ++i) {
      auto part = text_of(PyList_GET_ITEM(parts, i));
      if (!part) return std::nullopt;
      if (!text.empty() && text.back() != '/') text += '/';
      text += *part;
    }
    return text.empty() ? std::string(".") : text;
  }
  PyObject* raw = slot_of(object, "_raw_paths");
  if (raw != nullptr && PyList_CheckExact(raw) && PyList_GET_SIZE(raw) == 1) return text_of(PyList_GET_ITEM(raw, 0));
  return std::nullopt;
}

// str (UTF-8, surrogate escapes back to their bytes), bytes, bytearray, or
// a pathlib path; copied once, so another thread cannot change it under us.
std::optional<std::string> text_of(PyObject* object) {
  if (object == nullptr) return std::nullopt;
  if (PyUnicode_Check(object)) return raw_bytes_of_str(object, kMaxText);
  if (PyBytes_Check(object)) return std::string(compat::bytes_view(object).substr(0, kMaxText));
  if (PyByteArray_Check(object)) {
    return std::string(PyByteArray_AS_STRING(object),
                       std::min<std::size_t>(static_cast<std::size_t>(PyByteArray_GET_SIZE(object)), kMaxText));
  }
  return path_object_text(object);
}

std::vector<std::string> arguments_of(PyObject* object) {
  std::vector<std::string> arguments;
  if (object == nullptr) return arguments;
  if (PyList_Check(object) || PyTuple_Check(object)) {
    bool list = PyList_Check(object);
    Py_ssize_t size = list ? PyList_GET_SIZE(object) : PyTuple_GET_SIZE(object);
    for (Py_ssize_t i = 0; i < size && arguments.size() < kMaxArguments; ++i) {
      // A list's size can change while this reads it: it is read again each time.
      if (list && i >= PyList_GET_SIZE(object)) break;
      auto text = text_of(list ? PyList_GET_ITEM(object, i) : PyTuple_GET_ITEM(object, i));
      arguments.push_back(text.value_or(std::string()));
    }
  } else if (auto text = text_of(object)) {
    arguments.push_back(std::move(*text));  // pty.spawn("/bin/sh")
  }
  return arguments;
}

std::string_view base_name(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// "." and ".." and repeated slashes taken out of an absolute path, the way
// the kernel walks it when no component is a symbolic link.
std::string lexically_normal(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string normal;
  for (std::string_view part : parts) {
    normal += '/';
    normal += part;
  }
  return normal.empty() ? "/" : normal;
}

// The absolute path `spelled` names, relative to `directory_fd` (AT_FDCWD
// for the current directory), with `.` and `..` taken out.
std::string normal_absolute_path(std::string_view spelled, int directory_fd = AT_FDCWD) {
  if (directory_fd == AT_FDCWD || spelled.starts_with('/')) return lexically_normal(absolute_path(std::string(spelled)));
  std::string base = descriptor_path(directory_fd);
  return lexically_normal((base.empty() ? "/" : base) + "/" + std::string(spelled));
}

// Where a write lands: the directory's links followed, and the file's own
// when it is one (a write through ~/.profile -> elsewhere lands elsewhere).
std::string landing_path(const std::string& absolute) {
  char resolved[PATH_MAX];
  if (realpath(absolute.c_str(), resolved) != nullptr) return resolved;
  std::size_t slash = absolute.rfind('/');
  std::string directory = slash == 0 ? "/" : absolute.substr(0, slash);
  if (realpath(directory.c_str(), resolved) == nullptr) return absolute;
  std::string landed = resolved;
  if (landed != "/") landed += '/';
  return landed + absolute.substr(slash + 1);
}

// A read through a symbolic link is judged by what it reads.
std::string read_path(const std::string& absolute) {
  struct stat status {};
  if (lstat(absolute.c_str(), &status) != 0 || !S_ISLNK(status.st_mode)) return absolute;
  char resolved[PATH_MAX];
  return realpath(absolute.c_str(), resolved) != nullptr ? std::string(resolved) : absolute;
}

// ---- programs ----

// PATH as execvp searches it; the process's environment, which os.environ
// changes through putenv.
std::string search_path(std::string_view name) {
  if (name.empty() || name.find('/') != std::string_view::npos) return std::string(name);
  const char* path = std::getenv("PATH");
  std::string_view directories = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    std::size_t colon = directories.find(':');
    std::string candidate = std::string(directories.substr(0, colon));
    candidate = (candidate.empty() ? "." : candidate) + "/" + std::string(name);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) break;
    directories.remove_prefix(colon + 1);
  }
  return std::string(name);
}

struct Program {
  std::string path;  // resolved
  std::string spelled;  // as the caller named it
  bool anonymous = false;
};

Program resolve_program(std::string spelled) {
  Program program;
  program.spelled = spelled;
  std::string searched = search_path(spelled);
  char resolved[PATH_MAX];
  program.path = realpath(searched.c_str(), resolved) != nullptr ? std::string(resolved) : searched;
  // A memfd, a deleted file, or a descriptor path that did not resolve.
  program.anonymous = program.path.starts_with("/memfd:") || program.path.ends_with(" (deleted)") ||
                      program.path.starts_with("/proc/") || program.path.starts_with("/dev/fd/");
  return program;
}

Program program_of_descriptor(int fd) {
  Program program;
  program.path = descriptor_path(fd);
  if (program.path.empty()) program.path = "/proc/self/fd/" + std::to_string(fd);
  program.anonymous = true;  // fexecve runs what no path names
  return program;
}

enum class Kind { shell, python, interpreter, network_tool, other };

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::shell: return "shell";
    case Kind::python: return "python";
    case Kind::interpreter: return "interpreter";
    case Kind::network_tool: return "network-tool";
    case Kind::other: return "other";
  }
  return "other";
}

Kind kind_by_name(std::string_view name) {
  static constexpr std::string_view kShells[] = {"sh", "bash", "dash", "zsh", "ksh", "ksh93", "mksh", "ash", "busybox",
                                                 "fish", "csh", "tcsh", "rbash", "yash", "posh"};
  static constexpr std::string_view kInterpreters[] = {"perl", "ruby", "php", "node", "nodejs", "lua", "tclsh",
                                                       "wish", "irb", "jshell", "pwsh", "gawk", "awk", "mawk",
                                                       "expect", "osascript"};
  static constexpr std::string_view kNetworkTools[] = {"nc", "ncat", "netcat", "nc.traditional", "nc.openbsd", "socat",
                                                       "telnet", "curl", "wget", "openssl", "ssh", "scp", "sftp",
                                                       "ftp", "tftp", "rsync", "cryptcat", "chisel", "ngrok"};
  auto among = [&](auto& names) { return std::find(std::begin(names), std::end(names), name) != std::end(names); };
  if (among(kShells)) return Kind::shell;
  if (name.starts_with("python") || name.starts_with("pypy") || name.starts_with("vigil-python")) return Kind::python;
  // perl5.36, ruby3.1, php8.2, lua5.4: a version after the name.
  for (std::string_view interpreter : kInterpreters) {
    if (name == interpreter || (name.starts_with(interpreter) && name.size() > interpreter.size() &&
                                (std::isdigit(static_cast<unsigned char>(name[interpreter.size()])) != 0 ||
                                 name[interpreter.size()] == '-'))) {
      return Kind::interpreter;
    }
  }
  if (among(kNetworkTools)) return Kind::network_tool;
  return Kind::other;
}

// Whether two files hold the same bytes; read only when their sizes agree.
bool same_content(const std::string& a, const struct stat& a_status, const std::string& b) {
  struct stat b_status {};
  if (stat(b.c_str(), &b_status) != 0 || !S_ISREG(b_status.st_mode)) return false;
  if (a_status.st_dev == b_status.st_dev && a_status.st_ino == b_status.st_ino) return true;
  if (a_status.st_size != b_status.st_size || a_status.st_size > 64L * 1024 * 1024) return false;
  int first = open(a.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (first < 0) return false;
  int second = open(b.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (second < 0) {
    close(first);
    return false;
  }
  bool same = true;
  char left[16384];
  char right[16384];
  while (same) {
    ssize_t got = read(first, left, sizeof left);
    if (got <= 0) {
      same = got == 0 && read(second, right, 1) == 0;
      break;
    }
    ssize_t other = 0;
    while (other < got) {
      ssize_t more = read(second, right + other, static_cast<std::size_t>(got - other));
      if (more <= 0) break;
      other += more;
    }
    same = other == got && std::memcmp(left, right, static_cast<std::size_t>(got)) == 0;
  }
  close(first);
  close(second);
  return same;
}

// A renamed or copied shell or interpreter, found by its bytes: compared
// with the ones this host has, by identity first, then by size and content.
Kind kind_by_content(const std::string& path) {
  struct stat status {};
  if (stat(path.c_str(), &status) != 0 || !S_ISREG(status.st_mode)) return Kind::other;
  static const struct Known {
    const char* path;
    Kind kind;
  } kKnown[] = {{"/bin/sh", Kind::shell},         {"/bin/bash", Kind::shell},        {"/bin/dash", Kind::shell},
                {"/bin/zsh", Kind::shell},        {"/usr/bin/busybox", Kind::shell}, {"/proc/self/exe", Kind::python},
                {"/usr/bin/python3", Kind::python}, {"/usr/bin/perl", Kind::interpreter},
                {"/usr/bin/ruby", Kind::interpreter}, {"/usr/bin/node", Kind::interpreter}};
  for (const Known& known : kKnown) {
    if (same_content(path, status, known.path)) return known.kind;
  }
  return Kind::other;
}

// Wrappers that run the program named after their own options.
bool is_program_wrapper(std::string_view name) {
  static constexpr std::string_view kWrappers[] = {"env", "nohup", "setsid", "nice", "timeout", "stdbuf", "sudo",
                                                   "doas", "exec", "command", "chroot", "ionice", "taskset", "xargs"};
  return std::find(std::begin(kWrappers), std::end(kWrappers), name) != std::end(kWrappers);
}

// The index of the program a wrapper runs: past its options, NAME=value
// assignments and the operands some take first (timeout's duration, nice's
// -n N); 0 when there is none.
std::size_t wrapped_program(const std::vector<std::string>& argv) {
  std::string_view wrapper = base_name(argv[0]);
  std::size_t i = 1;
  bool takes_operand = wrapper == "timeout" || wrapper == "chroot" || wrapper == "taskset";
  while (i < argv.size()) {
    const std::string& argument = argv[i];
    if (argument == "--") {
      ++i;
      break;
    }
    if (argument.starts_with('-')) {
      // Options with a separate value.
      if (argument == "-u" || argument == "-n" || argument == "-s" || argument == "-k" || argument == "-C" ||
          argument == "-g" || argument == "-c" || argument == "-o" || argument == "-e" || argument == "-i" ||
          argument == "-S" || argument == "-P") {
        if (wrapper != "env" || argument == "-u" || argument == "-S" || argument == "-C" || argument == "-P") ++i;
      }
      ++i;
      continue;
    }
    if (wrapper == "env" && argument.find('=') != std::string::npos) {
      ++i;
      continue;
    }
    if (takes_operand) {
      takes_operand = false;
      ++i;
      continue;
    }
    break;
  }
  return i < argv.size() ? i : 0;
}

struct CommandLine {
  std::string command;  // -c text of a shell or python, -e of perl, ruby, node
  bool interactive = false;
};

// What a shell or an interpreter is told to run. A shell or interpreter
// with neither a command nor a script reads its commands from its input.
CommandLine command_of(Kind kind, const std::vector<std::string>& argv, std::size_t first) {
  CommandLine line;
  bool script = false;
  bool forced_interactive = false;
  char command_option = kind == Kind::interpreter ? 'e' : 'c';
  for (std::size_t i = first + 1; i < argv.size(); ++i) {
    const std::string& argument = argv[i];
    if (argument == "--" || argument == "-") {
      script = argument == "--" && i + 1 < argv.size();
      break;
    }
    if (argument.size() < 2 || argument[0] != '-' || argument[1] == '-') {
      if (argument.starts_with("--")) continue;  // --norc, --login
      script = true;
      break;
    }
    if (kind == Kind::shell && (argument == "-o" || argument == "-O")) {
      ++i;  // set -o pipefail
      continue;
    }
    if (kind == Kind::python && (argument == "-m" || argument == "-W" || argument == "-X" || argument == "-Q")) {
      script = argument == "-m";
      ++i;
      if (script) break;
      continue;
    }
    if (argument.find('i') != std::string::npos) forced_interactive = true;
    std::size_t at = argument.find(command_option);
    if (at == std::string::npos) continue;
    if (at + 1 < argument.size()) {
      line.command = argument.substr(at + 1);  // python -cCODE
    } else if (i + 1 < argv.size()) {
      line.command = argv[i + 1];
    }
    return line;
  }
  line.interactive = forced_interactive || !script;
  return line;
}

bool child_stdio_is_socket(const ChildStdio& stdio) {
  for (int stream = 0; stream < 3; ++stream) {
    int fd = stdio.fds[stream] == ChildStdio::kInherited ? stream : stdio.fds[stream];
    if (is_socket(fd)) return true;
  }
  return false;
}

std::string joined(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& argument : argv) {
    if (!line.empty()) line += ' ';
    line += argument;
    if (line.size() >= kMaxText) break;
  }
  return line.substr(0, kMaxText);
}

// Shell text as the shell will read it, for rules on what it runs:
// quotes and backslashes that split words ("s''h", "c\\url") taken out,
// $IFS spellings turned into the space they expand to, blanks collapsed.
std::string unquoted_shell_text(std::string_view text) {
  static constexpr std::string_view kFieldSeparators[] = {"${IFS}", "$IFS", "${IFS%??}", "${IFS:0:1}"};
  std::string plain;
  for (std::size_t i = 0; i < text.size() && plain.size() < kMaxText;) {
    bool separator = false;
    for (std::string_view spelling : kFieldSeparators) {
      if (text.substr(i).starts_with(spelling)) {
        plain += ' ';
        i += spelling.size();
        separator = true;
        break;
      }
    }
    if (separator) continue;
    char c = text[i++];
    if (c == '\'' || c == '"' || c == '\\') continue;
    if (c == '\t' || c == '\n') c = ' ';
    if (c == ' ' && !plain.empty() && plain.back() == ' ') continue;
    plain += c;
  }
  return plain;
}

// The files this process wrote most recently (where each write landed),
// so a program started from one of them is known as one it dropped. With
// the GIL held, like every view.
class WrittenFiles {
 public:
  void add(const std::string& path) {
    if (contains(path)) return;
    paths_[next_] = path;
    next_ = (next_ + 1) % paths_.size();
  }
  bool contains(std::string_view path) const {
    return !path.empty() && std::find(paths_.begin(), paths_.end(), path) != paths_.end();
  }
  // A file written lately whose name is `path` and an extension more.
  bool extends(const std::string& path) const {
    return !path.empty() && std::any_of(paths_.begin(), paths_.end(), [&](const std::string& written) {
      return written.size() > path.size() + 1 && written.starts_with(path) && written[path.size()] == '.';
    });
  }

 private:
  std::array<std::string, 64> paths_;
  std::size_t next_ = 0;
};

WrittenFiles& written_files() {
  static WrittenFiles files;
  return files;
}

// Whether a program or the script it is given is a file this process
// wrote: the program itself, or the first argument that is not an option.
bool runs_written_file(const Program& program, const std::vector<std::string>& argv, std::size_t first) {
  const WrittenFiles& written = written_files();
  if (written.contains(program.path)) return true;
  for (std::size_t i = first + 1; i < argv.size(); ++i) {
    if (argv[i].starts_with('-')) continue;
    char resolved[PATH_MAX];
    std::string path = normal_absolute_path(argv[i]);
    return written.contains(realpath(path.c_str(), resolved) != nullptr ? std::string(resolved) : path);
  }
  return false;
}

PyObject* argument(PyObject* args, Py_ssize_t position) {
  return position < PyTuple_GET_SIZE(args) ? PyTuple_GET_ITEM(args, position) : nullptr;
}

// The standard library's directory (sys._stdlib_dir, 3.11+), with a
// slash at the end; empty when it is unknown.
std::string standard_library_directory() {
  PyObject* directory = PySys_GetObject("_stdlib_dir");
  auto text = directory != nullptr ? text_of(directory) : std::nullopt;
  return text && !text->empty() ? *text + "/" : std::string();
}

bool is_file(const std::string& path) {
  struct stat status {};
  return stat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode);
}


// The source a cached bytecode file stands for: beside its __pycache__
// directory, or mirrored under sys.pycache_prefix (PYTHONPYCACHEPREFIX).
std::string source_of_bytecode(const std::string& path) {
  std::size_t slash = path.rfind('/');
  std::string directory = path.substr(0, slash);
  std::string name = path.substr(slash + 1);
  std::string stem = name.substr(0, name.find('.'));
  if (directory.ends_with("/__pycache__")) {
    return directory.substr(0, directory.size() - std::strlen("/__pycache__")) + "/" + stem + ".py";
  }
  PyObject* prefix = PySys_GetObject("pycache_prefix");
  auto root = prefix != nullptr && prefix != Py_None ? text_of(prefix) : std::nullopt;
  if (root && !root->empty() && path.starts_with(*root + "/")) {
    return directory.substr(root->size()) + "/" + stem + ".py";
  }
  return path;  // a bytecode file that stands alone
}

// Whether `directory` lies below a directory of sys.path without being one:
// what is imported from there is a submodule of a package, and a namespace
// package (PEP 420: jaraco.functools, backports.*) has no __init__.py to
// say so. A directory unrelated to sys.path (a custom finder's) is not.
bool below_import_path_entry(const std::string& directory) {
  PyObject* entries = PySys_GetObject("path");  // borrowed; read without running Python code
  if (entries == nullptr || !PyList_Check(entries)) return false;
  bool below = false;
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(entries); ++i) {
    PyObject* entry = PyList_GET_ITEM(entries, i);
    auto text = PyUnicode_CheckExact(entry) ? text_of(entry) : std::nullopt;
    if (!text) continue;
    std::string root = normal_absolute_path(text->empty() ? "." : *text);  // "" is the working directory
    if (root == directory) return false;
    if (directory.starts_with(root == "/" ? root : root + "/")) below = true;
  }
  return below;
}

}  // namespace

bool shadows_standard_library(PyObject* path) {
  auto opened = path != nullptr ? text_of(path) : std::nullopt;
  if (!opened || !opened->starts_with('/')) return false;
  std::string standard = standard_library_directory();
  if (standard.empty()) return false;
  bool bytecode = opened->ends_with(".pyc");
  // Most code files are the standard library's, and so is the source of
  // its __pycache__ files: no need to work that out.
  if (opened->starts_with(standard) &&
      (!bytecode || std::string_view(*opened).substr(0, opened->rfind('/')).ends_with("/__pycache__"))) {
    return false;
  }
  std::string text = bytecode ? source_of_bytecode(*opened) : *opened;
  if (text.starts_with(standard)) return false;
  std::size_t slash = text.rfind('/');
  std::string directory = text.substr(0, slash);
  std::string name = text.substr(slash + 1);
  if (name == "__init__.py" || name == "__init__.pyc") {
    // A package: named by its directory, which must itself be top-level.
    std::size_t parent = directory.rfind('/');
    name = directory.substr(parent + 1);
    directory = directory.substr(0, parent);
  }
  name = name.substr(0, name.find('.'));
  if (name.empty() || is_file(directory + "/__init__.py") || below_import_path_entry(lexically_normal(directory))) {
    return false;
  }
  PyObject* names = PySys_GetObject("stdlib_module_names");
  if (names == nullptr || !PyFrozenSet_CheckExact(names)) return false;
  PyObject* key = PyUnicode_DecodeFSDefaultAndSize(name.data(), static_cast<Py_ssize_t>(name.size()));
  if (key == nullptr) {
    PyErr_Clear();
    return false;
  }
  int found = PySet_Contains(names, key);
  Py_DECREF(key);
  if (found < 0) PyErr_Clear();
  return found == 1;
}

bool written_by_this_process(PyObject* path) {
  auto text = path != nullptr ? text_of(path) : std::nullopt;
  return text && written_files().contains(normal_absolute_path(*text));
}

EventViews views_of(std::string_view event, bool open_writes) {
  if (event == "open") return {open_writes ? kFileWriteView : kFileReadView, {}};
  if (event == "os.exec" || event == "os.posix_spawn" || event == "os.spawn" || event == "os.system" ||
      event == "pty.spawn" || event == "_posixsubprocess.fork_exec") {
    return {kProcessStartView, {}};
  }
  // A copy or a move reads its source, as credential staging does.
  if (event == "shutil.copyfile" || event == "shutil.copytree" || event == "shutil.move" || event == "os.rename") {
    return {kFileWriteView, kFileReadView};
  }
  if (event == "os.link" || event == "os.symlink") return {kFileWriteView, {}};
  if (event == "sqlite3.connect") return {kFileReadView, {}};
  if (event == "compile") return {kCodeView, {}};
  if (event == "os.remove") return {kFileDeleteView, {}};
  if (event == "urllib.Request" || event == "http.client.send" || event == "smtplib.send" ||
      event == "ftplib.sendcmd" || event == "imaplib.send" || event == "poplib.putline" ||
      event == "socket.getaddrinfo" || event == "socket.gethostbyname") {
    return {kEgressView, {}};
  }
  return {};
}

void ViewArguments::set_text(std::size_t field, std::string text) {
  texts_[field] = std::move(text);
  values_[field] = ArgValue::of_text(texts_[field]);
}

void ViewArguments::set_boolean(std::size_t field, bool value) { values_[field] = ArgValue::of_boolean(value); }

bool ViewArguments::build(std::string_view view, std::string_view event, PyObject* args) {
  if (args == nullptr || !PyTuple_Check(args)) return false;
  const EventSignature* signature = find_event_signature(view);
  if (signature == nullptr || signature->fields.size() > kMaxFields) return false;
  count_ = signature->fields.size();
  for (std::size_t i = 0; i < count_; ++i) values_[i] = ArgValue::of_none();
  if (view == kCodeView) return build_code(args);
  if (view == kFileDeleteView) return build_delete(args);
  if (view == kEgressView) return build_egress(event, args);
  return view == kProcessStartView ? build_process_start(event, args) : build_file(view, event, args);
}

namespace {

// The program a process-starting event runs, resolved, and its argv;
// false when the arguments name none.
bool find_started_program(std::string_view event, PyObject* args, Program& program, std::vector<std::string>& argv) {
  if (event == "os.system") {
    auto command = text_of(argument(args, 0));
    if (!command) return false;
    argv = {"/bin/sh", "-c", *command};
    program = resolve_program("/bin/sh");
  } else if (event == "pty.spawn") {
    argv = arguments_of(argument(args, 0));
    if (argv.empty()) return false;
    program = resolve_program(argv[0]);
  } else {
    // os.exec and os.posix_spawn (path, argv, env); os.spawn (mode, path,
    // args, env); fork_exec (executable_list, args, env).
    Py_ssize_t path_at = event == "os.spawn" ? 1 : 0;
    PyObject* path = argument(args, path_at);
    argv = arguments_of(argument(args, path_at + 1));
    if (event == "_posixsubprocess.fork_exec") {
      // The candidates subprocess found on PATH; the first that can run is run.
      std::vector<std::string> candidates = arguments_of(path);
      std::string chosen = candidates.empty() ? (argv.empty() ? std::string() : argv[0]) : candidates.front();
      for (const std::string& candidate : candidates) {
        if (access(candidate.c_str(), X_OK) == 0) {
          chosen = candidate;
          break;
        }
      }
      program = resolve_program(chosen);
    } else if (path != nullptr && PyLong_CheckExact(path)) {
      program = program_of_descriptor(exact_descriptor(path, -1));
    } else if (auto text = text_of(path)) {
      program = resolve_program(*text);
    } else {
      return false;
    }
  }
  if (argv.empty()) argv.push_back(program.path);
  return true;
}

}  // namespace

std::optional<StartedProgram> started_program(std::string_view event, PyObject* args) {
  if (views_of(event, false)[0] != kProcessStartView || args == nullptr || !PyTuple_Check(args)) return std::nullopt;
  Program program;
  std::vector<std::string> argv;
  if (!find_started_program(event, args, program, argv)) return std::nullopt;
  bool cut = argv.size() >= kMaxArguments ||
             std::any_of(argv.begin(), argv.end(), [](const std::string& argument) { return argument.size() >= kMaxText; });
  return StartedProgram{std::move(program.path), std::move(argv), cut};
}

// program, argv, command, via, kind, disguised, stdio_socket, interactive
bool ViewArguments::build_process_start(std::string_view event, PyObject* args) {
  std::vector<std::string> argv;
  Program program;
  if (!find_started_program(event, args, program, argv)) return false;
  // env, nohup, timeout…: the program is the one they run.
  std::size_t first = 0;
  for (int depth = 0; depth < 4; ++depth) {
    Kind wrapper_kind = kind_by_name(base_name(first == 0 ? program.path : argv[first]));
    if (wrapper_kind != Kind::other || !is_program_wrapper(base_name(first == 0 ? program.path : argv[first]))) break;
    std::size_t next = wrapped_program(std::vector<std::string>(argv.begin() + static_cast<long>(first), argv.end()));
    if (next == 0) break;
    first += next;
    program = resolve_program(argv[first]);
  }
  Kind kind = kind_by_name(base_name(program.path));
  // A link or a copy under a name that does not say what it runs. The name
  // a shell goes by in argv[0] ("-bash", "[kworker]") says nothing either
  // way; the path it was started by does.
  bool disguised = kind != Kind::other && !program.spelled.empty() &&
                   kind_by_name(base_name(program.spelled)) == Kind::other &&
                   !is_program_wrapper(base_name(program.spelled));
  if (kind == Kind::other) {
    kind = kind_by_content(program.path);
    disguised = kind != Kind::other;
  }
  CommandLine line;
  if (kind == Kind::shell || kind == Kind::python || kind == Kind::interpreter) line = command_of(kind, argv, first);
  set_text(0, program.path);
  set_text(1, joined(argv));
  if (!line.command.empty()) set_text(2, line.command);
  set_text(3, std::string(event));
  set_text(4, program.anonymous ? "anonymous" : kind_name(kind));
  set_boolean(5, disguised);
  set_boolean(6, child_stdio_is_socket(event == "_posixsubprocess.fork_exec" || event == "os.posix_spawn"
                                           ? current_child_stdio()
                                           : ChildStdio{}));
  set_boolean(7, line.interactive && (kind == Kind::shell || kind == Kind::python || kind == Kind::interpreter));
  set_text(8, unquoted_shell_text(kind == Kind::shell && !line.command.empty() ? line.command : texts_[1]));
  set_boolean(9, runs_written_file(program, argv, first));
  set_text(10, to_string(origin_of(line.command.empty() ? texts_[1] : line.command)));
  return true;
}

// Whether `source` is the text of the file `path`, or part of it, or the
// whole of it wrapped in more (execnet sends a module's file with a few
// lines added): text compiled under the name of the file it was read from.
// Part of a file may come with empty lines before it, which keep its line
// numbers those of the file (execnet sends one function that way). An
// empty file is held only by empty text (ansible compiles a package's empty
// __init__.py). Files above 4 MiB are not read.
bool file_holds(const std::string& path, std::string_view source) {
  source.remove_prefix(std::min(source.find_first_not_of('\n'), source.size()));
  std::string error;
  std::string content;
  bool whole = read_regular_file_up_to(path, 4 * 1024 * 1024, content, error);
  if (!whole || source.empty() || content.empty()) return whole && source.empty() && content.empty();
  return content.find(source) != std::string::npos || source.find(content) != std::string::npos;
}

// origin, filename, source_type
bool ViewArguments::build_code(PyObject* args) {
  PyObject* source = argument(args, 0);
  PyObject* filename = argument(args, 1);
  if (source == nullptr) return false;
  set_text(2, Py_TYPE(source)->tp_name);
  auto name = filename != nullptr ? text_of(filename) : std::nullopt;
  if (name) set_text(1, *name);
  bool textual = PyUnicode_Check(source) || PyBytes_Check(source) || PyByteArray_Check(source);
  if (source == Py_None) {
    // The interpreter compiling a script it reads itself (python FILE).
    set_text(0, name && is_file(normal_absolute_path(*name)) ? "file" : "text");
    return true;
  }
  if (!textual) {
    set_text(0, "syntax-tree");  // an AST: its text, if any, was compiled before
    return true;
  }
  std::string text = text_of(source).value_or(std::string());
  ContentOrigin origin = origin_of(text);
  if (origin != ContentOrigin::unknown) {
    set_text(0, to_string(origin));
  } else if (name && name->starts_with('/') && file_holds(*name, text)) {
    set_text(0, "file");
  } else if (name && !name->starts_with('<') && file_holds(normal_absolute_path(*name), text)) {
    set_text(0, "file");
  } else {
    set_text(0, "text");
  }
  return true;
}

// path, replaced
bool ViewArguments::build_delete(PyObject* args) {
  PyObject* target = argument(args, 0);
  auto spelled = target != nullptr && !PyLong_Check(target) ? text_of(target) : std::nullopt;
  if (!spelled || spelled->empty()) return false;
  // os.remove(path, dir_fd): shutil.rmtree removes each file this way.
  int directory_fd = exact_descriptor(argument(args, 1), AT_FDCWD);
  set_text(0, normal_absolute_path(*spelled, directory_fd < 0 ? AT_FDCWD : directory_fd));
  set_boolean(1, written_files().extends(texts_[0]));
  return true;
}

// The `host` a connection object (http.client, smtplib, ftplib, imaplib,
// poplib) keeps in its instance dict, read without running Python code;
// empty when it has none there.
std::string connection_host(PyObject* connection) {
  if (connection == nullptr) return {};
  PyObject** dictionary = _PyObject_GetDictPtr(connection);
  if (dictionary == nullptr || *dictionary == nullptr || !PyDict_CheckExact(*dictionary)) return {};
  PyObject* host = PyDict_GetItemString(*dictionary, "host");  // borrowed; a str key, no Python code
  auto text = host != nullptr && PyUnicode_CheckExact(host) ? text_of(host) : std::nullopt;
  return text.value_or(std::string());
}

// destination, via, carries_secret: urllib.Request (fullurl, data,
// headers, method) is judged on its URL and body, not its headers, where a
// client puts its own token for its own service; the others on the data
// they send (their first argument is the connection) or the name asked.
bool ViewArguments::build_egress(std::string_view event, PyObject* args) {
  bool secret = false;
  if (event == "urllib.Request") {
    if (auto url = text_of(argument(args, 0))) set_text(0, *url);
    secret = carries_secret(argument(args, 0)) || carries_secret(argument(args, 1));
  } else if (event == "socket.getaddrinfo" || event == "socket.gethostbyname") {
    if (auto host = text_of(argument(args, 0))) set_text(0, *host);
    secret = carries_secret(argument(args, 0));
  } else {
    secret = carries_secret(argument(args, 1));
    set_text(0, connection_host(argument(args, 0)));
  }
  set_text(1, std::string(event));
  set_boolean(2, secret);
  return true;
}

// path, via, source, adds_extension
bool ViewArguments::build_file(std::string_view view, std::string_view event, PyObject* args) {
  PyObject* target = nullptr;
  PyObject* source = nullptr;
  int directory = AT_FDCWD;
  if (event == "open" || event == "sqlite3.connect") {
    target = argument(args, 0);
    if (event == "open") {
      OpenDirectory opened = current_open_directory();
      if (opened.path == target) directory = opened.fd;
    }
  } else if (view == kFileReadView) {
    target = argument(args, 0);  // shutil.copyfile's and copytree's source
  } else {
    // (src, dst, …) for every other write: rename, link, symlink, copies.
    source = argument(args, 0);
    target = argument(args, 1);
  }
  if (target == nullptr || PyLong_Check(target)) return false;  // a descriptor: opened already
  auto spelled = text_of(target);
  if (!spelled || spelled->empty() || *spelled == ":memory:") return false;
  std::string absolute = normal_absolute_path(*spelled, directory);
  set_text(0, view == kFileWriteView ? landing_path(absolute) : read_path(absolute));
  if (view == kFileWriteView) written_files().add(texts_[0]);
  set_text(1, std::string(event));
  if (auto source_text = source != nullptr ? text_of(source) : std::nullopt) {
    // A symbolic link's source is text stored in the link, not a path to resolve.
    set_text(2, event == "os.symlink" ? *source_text : normal_absolute_path(*source_text));
    // Renamed to itself plus an extension (report.docx -> report.docx.locked).
    const std::string& path = texts_[0];
    const std::string& from = texts_[2];
    if (view == kFileWriteView && count_ > 3) {
      set_boolean(3, path.size() > from.size() + 1 && path.starts_with(from) && path[from.size()] == '.');
    }
  }
  return true;
}

}  // namespace vigil
