#include "code_verifier.h"

#include "code_file_memory.h"
#include "file_bytes.h"
#include "glob.h"
#include "python_arguments.h"
#include "python_internals.h"

#include <cerrno>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <unistd.h>
#include <utility>

namespace vigil {
namespace {

constexpr std::string_view kFrozenPrefix = "<frozen ";
// CPython's own zip importer, frozen into the interpreter.
constexpr std::string_view kZipImporter = "<frozen zipimport>";

// The name a .pyc's code objects carry once importlib has loaded it: its
// source file (PEP 3147: dir/__pycache__/name.tag[.opt-N].pyc → dir/name.py).
std::string source_of_bytecode(std::string_view path) {
  constexpr std::string_view kCache = "/__pycache__/";
  auto cache = path.rfind(kCache);
  if (cache == std::string_view::npos) return std::string(path);
  std::string_view directory = path.substr(0, cache);
  std::string_view name = path.substr(cache + kCache.size());
  auto dot = name.find('.');
  if (dot == std::string_view::npos) return std::string(path);
  return std::string(directory) + "/" + std::string(name.substr(0, dot)) + ".py";
}

FileTrust unreadable(std::string path, int error) {
  FileTrust trust;
  trust.path = std::move(path);
  trust.reason = std::string("cannot be read: ") + std::strerror(error);
  return trust;
}

bool is_text(const ArgValue& value) { return value.kind == ValueKind::text; }

}  // namespace

CodeVerifier::CodeVerifier(TrustSettings settings, std::unique_ptr<TrustDatabase> database)
    : settings_(std::move(settings)), database_(std::move(database)) {
  sources_.database = settings_.database ? database_.get() : nullptr;
  sources_.xattr = settings_.xattr;
  sources_.stat_keys = true;
}

FileTrust CodeVerifier::check_code_file(int fd, std::string_view bytes, bool run_directly) const {
  bool ask_kernel = settings_.kernel == TrustSettings::Kernel::all ||
                    (settings_.kernel == TrustSettings::Kernel::script && run_directly);
  return check_file(fd, bytes, sources_, ask_kernel);
}

bool CodeVerifier::refuses_bytecode(std::string_view path) const {
  return settings_.bytecode == TrustSettings::Bytecode::refuse && path.ends_with(".pyc");
}

void CodeVerifier::remember(Names& names, std::string_view file, bool verified) {
  auto [at, inserted] = names.try_emplace(std::string(file), verified);
  if (!inserted && verified) at->second = true;
}

void CodeVerifier::remember_code_file(std::string_view path, bool trusted) {
  remember(files_, path.ends_with(".pyc") ? source_of_bytecode(path) : std::string(path), trusted);
}

const bool* CodeVerifier::recorded_origin(const std::string& file) const {
  for (const Names* names : {&files_, &compiled_}) {
    auto at = names->find(file);
    if (at != names->end()) return &at->second;
  }
  return nullptr;
}

bool CodeVerifier::verified_origin(std::string_view file) const {
  if (file.starts_with(kFrozenPrefix)) return true;
  const bool* verified = recorded_origin(std::string(file));
  return verified != nullptr && *verified;
}

bool CodeVerifier::is_generator(const ArgValue& site_file) const {
  if (!is_text(site_file) || !verified_origin(site_file.text)) return false;
  for (const std::string& pattern : settings_.generators) {
    if (glob_match(pattern, site_file.text)) return true;
  }
  return false;
}

std::optional<NativeLibrary> open_native_library(std::string_view event, PyObject* args) {
  if (args == nullptr || !PyTuple_Check(args)) return std::nullopt;
  Py_ssize_t position;
  if (event == "import" || event == "sqlite3.load_extension") {
    position = 1;
  } else if (event == "ctypes.dlopen") {
    position = 0;
  } else {
    return std::nullopt;
  }
  if (PyTuple_GET_SIZE(args) <= position) return std::nullopt;
  ArgValue name;
  std::string storage;
  describe_value(PyTuple_GET_ITEM(args, position), name, storage);
  // import of a Python module (no file name), ctypes.dlopen(None): the
  // program itself.
  if (name.kind == ValueKind::none) return std::nullopt;
  NativeLibrary library;
  if (!is_text(name) && name.kind != ValueKind::bytes) {
    library.path = name.type;
    library.problem = "the library is named by a " + std::string(name.type) + ", not a path";
    return library;
  }
  library.path = name.text;
  if (library.path.find('/') == std::string::npos) {
    // A bare name is resolved by the dynamic loader's search. Only one it
    // has already loaded can be named as a file here.
    void* handle = dlopen(library.path.c_str(), RTLD_LAZY | RTLD_NOLOAD);
    link_map* map = nullptr;
    if (handle != nullptr && dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map != nullptr && map->l_name != nullptr &&
        map->l_name[0] == '/') {
      library.path = map->l_name;
    }
    if (handle != nullptr) dlclose(handle);
    if (library.path.find('/') == std::string::npos) {
      library.problem = "a library name, not a path: which file the loader will pick cannot be verified";
      return library;
    }
  }
  library.fd = open(library.path.c_str(), O_RDONLY | O_CLOEXEC);
  // SQLite tries the name with its platform suffix when the name alone fails.
  if (library.fd < 0 && errno == ENOENT && event == "sqlite3.load_extension") {
    library.path += ".so";
    library.fd = open(library.path.c_str(), O_RDONLY | O_CLOEXEC);
  }
  if (library.fd < 0) library.problem = std::string("cannot be read: ") + std::strerror(errno);
  return library;
}

NativeLibrary::~NativeLibrary() {
  if (fd >= 0) close(fd);
}

NativeLibrary::NativeLibrary(NativeLibrary&& other) noexcept
    : path(std::move(other.path)), fd(std::exchange(other.fd, -1)), problem(std::move(other.problem)) {}

std::optional<FileTrust> CodeVerifier::check_native(std::string_view event, PyObject* args) const {
  if (!settings_.native) return std::nullopt;
  auto library = open_native_library(event, args);
  if (!library) return std::nullopt;
  if (library->fd < 0) {
    FileTrust trust;
    trust.path = library->path;
    trust.reason = library->problem;
    return trust;
  }
  FileBytes bytes;
  if (!read_whole_file(library->fd, bytes)) return unreadable(library->path, errno);
  return check_file(library->fd, bytes.view(), sources_, settings_.kernel == TrustSettings::Kernel::all);
}

std::optional<Provenance> CodeVerifier::provenance(std::string_view event, PyObject* args, const ArgValue& site_file) {
  if (!settings_.provenance || args == nullptr || !PyTuple_Check(args) || PyTuple_GET_SIZE(args) == 0) {
    return std::nullopt;
  }
  PyObject* subject = PyTuple_GET_ITEM(args, 0);
  if (event == "exec") return PyCode_Check(subject) ? exec_provenance(reinterpret_cast<PyCodeObject*>(subject)) : std::nullopt;
  bool compiles = event == "compile";
  if (!compiles && event != "marshal.loads" && event != "code.__new__") return std::nullopt;

  // The file name the built code object will carry.
  ArgValue name;
  std::string name_storage;
  if ((compiles || event == "code.__new__") && PyTuple_GET_SIZE(args) > 1) {
    describe_value(PyTuple_GET_ITEM(args, 1), name, name_storage);
  }
  Provenance found;
  if (compiles || event == "marshal.loads") {
    ArgValue source;
    std::string storage;
    describe_value(subject, source, storage);
    CodeFileSlice slice = source.kind == ValueKind::bytes ? find_in_recent_code_file(source.text) : CodeFileSlice{};
    bool no_frame = site_file.kind == ValueKind::missing;
    auto known = compiles && is_text(name) ? files_.find(std::string(name.text)) : files_.end();
    if (slice.path != nullptr && (!compiles || slice.offset == 0)) {
      // A compile takes a whole source file; a .pyc's code is its tail.
      found = {slice.trusted, "file", *slice.path, !slice.trusted};
    } else if (known != files_.end() && (source.kind == ValueKind::none || no_frame)) {
      // CPython parsing a code file itself, with no Python frame: the
      // script it runs (no source text), or a line of a file it shows in
      // a traceback.
      found = {known->second, "file", known->first, !known->second};
    } else if (site_file.kind == ValueKind::text && site_file.text == kZipImporter) {
      // zipimport compiles or unmarshals a member of the archive it has
      // just read through the open-code hook; compressed members are not
      // bytes of the file, so the archive's own check stands for them.
      CodeFileSlice archive = recent_code_file();
      if (archive.path != nullptr) found = {archive.trusted, "file", *archive.path, !archive.trusted};
    } else if (!compiles && ((!ready_ && no_frame) || (source.kind == ValueKind::bytes &&
                                                       vigil_is_frozen_module_code(source.text.data(), source.text.size())))) {
      // Code frozen into vigil-python: what CPython unmarshals while it
      // starts, before any code of the program can run (getpath), and a
      // frozen module's bytes, which 3.13 unmarshals under a Python frame.
      found = {true, "frozen", {}, false};
    }
  }
  if (!found.verified && !found.already_reported && is_generator(site_file)) {
    found = {true, "generator", std::string(site_file.text), false};
  }
  if (is_text(name)) {
    bool from_file = found.origin != nullptr && std::string_view(found.origin) == "file";
    remember(from_file ? files_ : compiled_, name.text, found.verified);
  }
  return found;
}

std::optional<Provenance> CodeVerifier::exec_provenance(PyCodeObject* code) const {
  ArgValue file;
  std::string storage;
  describe_value(compat::code_filename(code), file, storage);
  Provenance found;
  found.file = file.text;
  if (file.text.starts_with(kFrozenPrefix)) {
    found.verified = true;
    found.origin = "frozen";
  } else if (const bool* verified = recorded_origin(found.file)) {
    found.verified = *verified;
    found.origin = "compile";
    // An unverified source raised its own alert.
    found.already_reported = !*verified;
  }
  return found;
}

}  // namespace vigil
