// Verified execution inside vigil-python (docs/trust.md): the trust check of
// every code file and native library, and the provenance of code built
// while the program runs. It lives in the hook's registration; every call
// holds the GIL.
#pragma once

#include "argument_value.h"
#include "file_trust.h"
#include "policy.h"
#include "python_compat.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vigil {

// Where code built at run time came from.
struct Provenance {
  bool verified = false;
  // "file": the bytes of a code file; "generator": a verified generator
  // (dataclasses, namedtuple); "frozen": CPython's own frozen modules;
  // "compile": a verified compile or .pyc gave the code object its file
  // name; null: unknown.
  const char* origin = nullptr;
  std::string file;
  // Its source already raised an alert: a code file that failed its trust
  // check, or the unverified compile that built this code object.
  bool already_reported = false;
};

// The file a native-code event loads (the import of an extension module,
// ctypes.dlopen, sqlite3.load_extension), open for checking.
struct NativeLibrary {
  std::string path;
  int fd = -1;          // -1 when it cannot be opened or named: `problem` says why
  std::string problem;
  NativeLibrary() = default;
  NativeLibrary(NativeLibrary&& other) noexcept;
  NativeLibrary& operator=(NativeLibrary&&) = delete;
  ~NativeLibrary();
};
// nullopt for other events, for imports of Python modules and for
// ctypes.dlopen(None), the program itself.
std::optional<NativeLibrary> open_native_library(std::string_view event, PyObject* args);

class CodeVerifier {
 public:
  CodeVerifier(TrustSettings settings, std::unique_ptr<TrustDatabase> database);
  const TrustSettings& settings() const { return settings_; }

  // A code file's whole content, read from `fd`. `run_directly`: the
  // script on the command line.
  FileTrust check_code_file(int fd, std::string_view bytes, bool run_directly) const;
  bool refuses_bytecode(std::string_view path) const;
  // A file Python opened as code, under the name its code objects carry.
  void remember_code_file(std::string_view path, bool trusted);

  // The file behind a native-code event (import of an extension module,
  // ctypes.dlopen, sqlite3.load_extension), checked; nullopt for other
  // events and for imports of Python modules.
  std::optional<FileTrust> check_native(std::string_view event, PyObject* args) const;

  // compile, marshal.loads, exec and code.__new__; nullopt for others.
  // `site_file` is the calling frame's file.
  std::optional<Provenance> provenance(std::string_view event, PyObject* args, const ArgValue& site_file);
  // Whether code carrying this file name came from verified bytes.
  bool verified_origin(std::string_view file) const;

  // After Py_InitializeFromConfig: from now on code without any Python
  // frame is not CPython's own bootstrap.
  void interpreter_ready() { ready_ = true; }

 private:
  std::optional<Provenance> exec_provenance(PyCodeObject* code) const;
  // Whether code named `file` was verified, if the name is known at all.
  const bool* recorded_origin(const std::string& file) const;
  bool is_generator(const ArgValue& site_file) const;
  using Names = std::unordered_map<std::string, bool>;
  static void remember(Names& names, std::string_view file, bool verified);

  TrustSettings settings_;
  std::unique_ptr<TrustDatabase> database_;
  TrustSources sources_;
  // File names code objects carry, and whether their code was verified:
  // the names of code files, and the names compile() and code.__new__
  // gave code built at run time ("<string>"). Only code files count when
  // CPython parses a file itself. A verified name is never demoted: forged
  // code that reuses it was reported when it was built.
  Names files_;
  Names compiled_;
  bool ready_ = false;
};

}  // namespace vigil
