#include "code_verifier.h"

#include "code_file_memory.h"
#include "default_policy.h"
#include "file_bytes.h"
#include "glob.h"
#include "py_ref.h"
#include "python_arguments.h"
#include "python_internals.h"
#include "type_expression.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace vigil {
namespace {

constexpr std::string_view kFrozenPrefix = "<frozen ";
// The import system's frozen modules (_bootstrap, _bootstrap_external).
constexpr std::string_view kImportSystem = "<frozen importlib._bootstrap";
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

// The standard library's ast module: ast.parse and ast.literal_eval only
// pass their caller's text on to compile().
const std::string& ast_module_file() {
  static const std::string file = std::string(kStdlibDirectory) + "/ast.py";
  return file;
}

// Frames looked through to find who called ast.parse: parse, and
// literal_eval above it.
constexpr int kAstFrames = 3;

// Larger files are not read to check a template's file.
constexpr off_t kMaxTemplateFile = 16 * 1024 * 1024;

const char* refusal_of(ContentOrigin origin) {
  switch (origin) {
    case ContentOrigin::network: return "text that came from the network";
    case ContentOrigin::decoded: return "text that a decoder produced";
    case ContentOrigin::environment: return "text that holds an environment variable's value";
    case ContentOrigin::unknown: break;
  }
  return "";
}

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

FileTrust CodeVerifier::check_code_path(const std::string& path) const {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return unreadable(path, errno);
  FileBytes bytes;
  if (!read_whole_file(fd, bytes)) {
    int error = errno;
    close(fd);
    return unreadable(path, error);
  }
  FileTrust trust = check_code_file(fd, bytes.view(), false);
  close(fd);
  trust.path = path;
  return trust;
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

const Generator* CodeVerifier::generator_of(std::string_view file) const {
  if (!verified_origin(file)) return nullptr;
  for (const Generator& generator : settings_.generators) {
    if (glob_match(generator.files, file)) return &generator;
  }
  return nullptr;
}

const Generator* CodeVerifier::compiling_generator(const ArgValue& site_file, std::string& file) const {
  if (!is_text(site_file)) return nullptr;
  file = site_file.text;
  if (file != ast_module_file() || !verified_origin(file)) return generator_of(file);
  // Only ast.py's own frames are looked through: a frame further out is
  // the program's, and a frame named ast.py only counts when its code is
  // ast.py's verified bytes.
  PyRef frame = PyRef::borrow(reinterpret_cast<PyObject*>(compat::current_frame()));
  for (int depth = 0; frame && depth < kAstFrames; ++depth) {
    frame = PyRef::steal(reinterpret_cast<PyObject*>(PyFrame_GetBack(reinterpret_cast<PyFrameObject*>(frame.get()))));
    if (!frame) return nullptr;
    PyCodeObject* code = compat::frame_code(reinterpret_cast<PyFrameObject*>(frame.get()));
    ArgValue outer;
    std::string storage;
    describe_value(compat::code_filename(code), outer, storage);
    Py_DECREF(code);
    if (!is_text(outer)) return nullptr;
    file = outer.text;
    if (file != ast_module_file() || !verified_origin(file)) return generator_of(file);
  }
  return nullptr;
}

std::optional<std::string> CodeVerifier::named_path(const ArgValue& name) {
  // "<string>", "<werkzeug routing>", "<template>": no file.
  if (!is_text(name) || name.text.empty() || name.text.front() == '<' || name.text.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  char resolved[PATH_MAX];
  if (realpath(std::string(name.text).c_str(), resolved) == nullptr) return std::nullopt;
  return std::string(resolved);
}

bool CodeVerifier::vouches_for_file(const std::string& path) const {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat status {};
  bool trusted = false;
  FileBytes bytes;
  if (fstat(fd, &status) == 0 && S_ISREG(status.st_mode) && status.st_size <= kMaxTemplateFile &&
      read_whole_file(fd, bytes)) {
    trusted = check_file(fd, bytes.view(), sources_, settings_.kernel == TrustSettings::Kernel::all).trusted;
  }
  close(fd);
  return trusted;
}

Provenance CodeVerifier::compile_provenance(const ArgValue& source, const ArgValue& name, const ArgValue& site_file) {
  bool text = source.kind == ValueKind::bytes;
  std::optional<std::string> path = named_path(name);
  if (text && path) {
    // Text that is a vouched file's content is that file's code, whoever
    // compiles it (pytest reading a test file, runpy, Flask's config).
    if (vouches_for_text(*path, source.text, sources_) != nullptr) {
      vouched_texts_.insert(std::string(name.text));
      return {true, "file", *path, false};
    }
  }
  if (source.kind == ValueKind::none) return {};
  std::string file;
  const Generator* generator = compiling_generator(site_file, file);
  if (generator == nullptr) {
    Provenance unknown;
    if (!text) unknown.refusal = "an AST that no verified generator compiles";
    return unknown;
  }
  Provenance found{false, "generator", file, false};
  if (text) found.text_from = outside_origin_of(source.text);
  if (found.text_from != ContentOrigin::unknown) {
    found.refusal = refusal_of(found.text_from);
    return found;
  }
  switch (generator->input) {
    case GeneratorInput::program:
      found.verified = true;
      break;
    case GeneratorInput::type_expression:
      found.verified = text && is_type_expression(source.text);
      if (!found.verified) found.refusal = text ? "text that is not a type expression" : "an AST, not a type expression";
      break;
    case GeneratorInput::files:
      // Text: a template compiled under its file's name, which must be
      // vouched for as it is now. An AST: parsed from text that was
      // vouched for as the content of the file it is named after.
      found.verified = text ? path && vouches_for_file(*path)
                            : is_text(name) && vouched_texts_.contains(std::string(name.text));
      if (!found.verified) {
        found.refusal = text ? "code compiled under the name of no file the trust sources vouch for"
                             : "an AST named after no file whose vouched-for text was parsed";
      }
      break;
  }
  return found;
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

std::optional<FileTrust> CodeVerifier::check_native(std::string_view event, PyObject* args) {
  if (!settings_.native) return std::nullopt;
  auto library = open_native_library(event, args);
  if (!library) return std::nullopt;
  if (event == "import") extension_trusted_ = false;
  if (library->fd < 0) {
    FileTrust trust;
    trust.path = library->path;
    trust.reason = library->problem;
    return trust;
  }
  FileBytes bytes;
  if (!read_whole_file(library->fd, bytes)) return unreadable(library->path, errno);
  FileTrust trust = check_file(library->fd, bytes.view(), sources_, settings_.kernel == TrustSettings::Kernel::all);
  if (event == "import") extension_trusted_ = trust.trusted;
  return trust;
}

std::optional<Provenance> CodeVerifier::provenance(std::string_view event, PyObject* args, const ArgValue& site_file,
                                                   const CompileCall* call) {
  if (!settings_.provenance || args == nullptr || !PyTuple_Check(args)) return std::nullopt;
  // marshal.load reads its bytes from a file object the event does not
  // name: what it builds cannot be traced to verified bytes (importlib
  // uses marshal.loads), and a function made of its code runs without an
  // exec event.
  if (event == "marshal.load") return Provenance{};
  if (PyTuple_GET_SIZE(args) == 0) return std::nullopt;
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
    if (compiles && no_frame && !bootstrap_command_.empty() && source.kind == ValueKind::bytes &&
        source.text == bootstrap_command_) {
      bootstrap_command_.clear();
      found = {true, "bootstrap", {}, false};
    } else if (slice.path != nullptr && (!compiles || slice.offset == 0)) {
      // A compile takes a whole source file; a .pyc's code is its tail.
      found = {slice.trusted, "file", *slice.path, !slice.trusted};
    } else if (known != files_.end() && (source.kind == ValueKind::none || no_frame)) {
      // CPython parsing a code file itself, with no Python frame: the
      // script it runs (no source text), or a line of a file it shows in
      // a traceback.
      found = {known->second, "file", known->first, !known->second};
    } else if (site_file.kind == ValueKind::text && site_file.text == kZipImporter) {
      // zipimport compiles or unmarshals a member of the archive it has
      // just read through the open-code hook: bytes of the archive (a
      // stored member), or what its decompression of them produced. Its
      // functions can be called with any text, so the text must be one
      // of those.
      CodeFileSlice member = source.kind == ValueKind::bytes ? find_archive_member(source.text, compiles) : CodeFileSlice{};
      if (member.path != nullptr) found = {member.trusted, "file", *member.path, !member.trusted};
    } else if (!compiles && ((!ready_ && no_frame) || (source.kind == ValueKind::bytes &&
                                                       vigil_is_frozen_module_code(source.text.data(), source.text.size())))) {
      // Code frozen into vigil-python: what CPython unmarshals while it
      // starts, before any code of the program can run (getpath), and a
      // frozen module's bytes, which 3.13 unmarshals under a Python frame.
      found = {true, "frozen", {}, false};
    } else if (compiles) {
      found = compile_provenance(source, name, site_file);
    }
  } else if (is_text(site_file) && site_file.text.starts_with(kImportSystem) && extension_trusted_) {
    // code.__new__ under the import system's own frame: no Python code
    // of the program runs there, only an extension module's
    // initialisation (Cython builds code objects for its tracebacks),
    // whose library passed trust.native.
    found = {true, "extension", std::string(site_file.text), false};
  } else if (const Generator* generator = is_text(site_file) ? generator_of(site_file.text) : nullptr;
             generator != nullptr && generator->input == GeneratorInput::program) {
    // code.__new__: types.coroutine's code.replace.
    found = {true, "generator", std::string(site_file.text), false};
  }
  found.parse_only = compiles && call != nullptr && call->parse_only;
  // A parse makes no code object: nothing will carry its name.
  if (is_text(name) && !found.parse_only) {
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
