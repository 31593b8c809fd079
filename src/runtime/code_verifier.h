// Verified execution inside vigil-python (docs/trust.md): the trust check of
// every code file and native library, and the provenance of code built
// while the program runs. It lives in the hook's registration; every call
// holds the GIL.
#pragma once

#include "argument_value.h"
#include "audited_wrappers.h"
#include "content_origins.h"
#include "file_trust.h"
#include "policy.h"
#include "python_compat.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace vigil {

// Where code built at run time came from.
struct Provenance {
  bool verified = false;
  // "file": the bytes of a code file; "generator": a verified generator
  // (dataclasses, namedtuple); "frozen": CPython's own frozen modules;
  // "bootstrap": the -c text of multiprocessing's own bootstrap command;
  // "compile": a verified compile or .pyc gave the code object its file
  // name; "extension": a trusted extension module builds it while it is
  // imported; null: unknown.
  const char* origin = nullptr;
  std::string file;
  // Its source already raised an alert: a code file that failed its trust
  // check, or the unverified compile that built this code object.
  bool already_reported = false;
  // The compile only parses (ast.parse): it makes no code object, so it
  // is never refused; the AST is judged when it is compiled.
  bool parse_only = false;
  // A generator's text that came from outside the program.
  ContentOrigin text_from = ContentOrigin::unknown;
  // Why the compile is not verified, when more is known than that its text
  // is no verified file's: "text that came from the network" (the
  // generator `file` refused it), "an AST that no verified generator
  // compiles"...; empty otherwise.
  std::string refusal = {};
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
  // The file at `path` as a module would be checked (a file that cannot be
  // read is not trusted).
  FileTrust check_code_path(const std::string& path) const;
  // A file Python opened as code, under the name its code objects carry.
  void remember_code_file(std::string_view path, bool trusted);

  // The file behind a native-code event (import of an extension module,
  // ctypes.dlopen, sqlite3.load_extension), checked; nullopt for other
  // events and for imports of Python modules.
  std::optional<FileTrust> check_native(std::string_view event, PyObject* args);

  // compile, marshal.loads, exec and code.__new__; nullopt for others.
  // `site_file` is the calling frame's file; `call`, for a compile, what
  // the compile() call behind it was given, when known.
  std::optional<Provenance> provenance(std::string_view event, PyObject* args, const ArgValue& site_file,
                                       const CompileCall* call);
  // Whether code carrying this file name came from verified bytes.
  bool verified_origin(std::string_view file) const;

  // After Py_InitializeFromConfig: from now on code without any Python
  // frame is not CPython's own bootstrap.
  void interpreter_ready() { ready_ = true; }

  // The -c text is one of multiprocessing's bootstrap commands
  // (bootstrap_command.h): CPython's one compile of exactly that text, with
  // no Python frame, counts as verified.
  void expect_bootstrap_command(std::string text) { bootstrap_command_ = std::move(text) + "\n"; }

 private:
  std::optional<Provenance> exec_provenance(PyCodeObject* code) const;
  // A compile's that no code file read through the open-code hook explains.
  Provenance compile_provenance(const ArgValue& source, const ArgValue& name, const ArgValue& site_file);
  // Whether code named `file` was verified, if the name is known at all.
  const bool* recorded_origin(const std::string& file) const;
  // The generator whose verified file is `file`, if one is.
  const Generator* generator_of(std::string_view file) const;
  // The generator compiling now: the innermost frame's, or, when that is
  // the standard library's ast.py (ast.parse, ast.literal_eval), the
  // first frame outside it.
  const Generator* compiling_generator(const ArgValue& site_file, std::string& file) const;
  // The canonical path a compile's file name names, if it names a file.
  static std::optional<std::string> named_path(const ArgValue& name);
  // Whether the trust sources vouch for the file at `path` as it is now.
  bool vouches_for_file(const std::string& path) const;
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
  // Names under which text was compiled (or parsed) that the trust
  // sources vouch for as that file's content: what a "files" generator's
  // AST of that name was parsed from.
  std::unordered_set<std::string> vouched_texts_;
  bool ready_ = false;
  // The last extension module imported passed its trust check.
  bool extension_trusted_ = false;
  // As CPython compiles it, with its newline; empty once compiled.
  std::string bootstrap_command_;
};

}  // namespace vigil
