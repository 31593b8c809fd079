// Views: one behaviour seen through every event that spells it, so a rule
// is written once per behaviour and not once per API (docs/detection.md).
//
//   vigil.process_start  os.exec, os.posix_spawn, os.spawn, os.system,
//                        pty.spawn and _posixsubprocess.fork_exec (which
//                        subprocess, os.popen and multiprocessing use)
//   vigil.file_write     open for writing; the destination of os.rename
//                        and os.replace, os.link, os.symlink,
//                        shutil.copyfile, copytree and move
//   vigil.file_read      open for reading (code files excepted: those are
//                        vigil.open_code); the source of shutil.copyfile,
//                        copytree, move and os.rename; sqlite3.connect
//   vigil.file_delete    os.remove (os.unlink): whether a file was replaced,
//                        a new file named like it plus an extension written
//                        lately (encrypted copies)
//   vigil.egress         data that leaves: urllib.Request's URL and body,
//                        http.client.send, smtplib, ftplib, imaplib,
//                        poplib, and the names sent to DNS; whether it
//                        carries a secret of the environment
//   vigil.code           compile: where the compiled text came from
//                        (content_origins.h): the network, a decoder, the
//                        file it is named after, or nowhere known
//
// The hook judges an event under its own name and under its view's, with
// the view's arguments: absolute paths (relative ones resolved against the
// current directory or os.open's dir_fd, symbolic links followed where a
// write lands), programs resolved through PATH, /proc/*/fd and symbolic
// links, and classified by name and, for renamed copies, by content. Views
// are computed only while the policy has rules on them, and never run
// Python code.
#pragma once

#include "argument_value.h"
#include "python_compat.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

inline constexpr std::string_view kProcessStartView = "vigil.process_start";
inline constexpr std::string_view kFileWriteView = "vigil.file_write";
inline constexpr std::string_view kFileReadView = "vigil.file_read";
inline constexpr std::string_view kCodeView = "vigil.code";
inline constexpr std::string_view kFileDeleteView = "vigil.file_delete";
inline constexpr std::string_view kEgressView = "vigil.egress";

// The views `event` belongs to (empty names for none). An `open` event's
// view depends on its mode, so the caller says whether it writes.
using EventViews = std::array<std::string_view, 2>;
EventViews views_of(std::string_view event, bool open_writes);

// The program a process-starting event (the vigil.process_start view's)
// runs, resolved through PATH and symbolic links, and its argv; nullopt
// for other events and when the arguments name none.
struct StartedProgram {
  std::string path;
  std::vector<std::string> argv;
  bool cut = false;  // argv was too long to be read whole
};
std::optional<StartedProgram> started_program(std::string_view event, PyObject* args);

// Whether a code file is a module named like one of the standard
// library's (sys.stdlib_module_names) outside the standard library's
// directory and outside any package: a module that shadows json or base64
// for everything that imports it. vigil.open_code's `shadows_stdlib`.
bool shadows_standard_library(PyObject* path);

// Whether `path` names a file this process wrote lately (as
// vigil.file_write saw it land): vigil.open_code's `written`.
bool written_by_this_process(PyObject* path);

// The arguments of one view, owned: the catalogue's fields of the view's
// name, in order.
class ViewArguments final : public ArgumentSource {
 public:
  static constexpr std::size_t kMaxFields = 11;
  std::size_t count() const override { return count_; }
  const ArgValue& value(std::size_t position) override { return values_[position]; }

  // Builds the view of `event` (from views_of); false when the event's
  // arguments name nothing the view can use (a descriptor for a path).
  bool build(std::string_view view, std::string_view event, PyObject* args);

 private:
  void set_text(std::size_t field, std::string text);
  void set_boolean(std::size_t field, bool value);
  bool build_process_start(std::string_view event, PyObject* args);
  bool build_file(std::string_view view, std::string_view event, PyObject* args);
  bool build_code(PyObject* args);
  bool build_delete(PyObject* args);
  bool build_egress(std::string_view event, PyObject* args);

  std::size_t count_ = 0;
  std::array<ArgValue, kMaxFields> values_;
  std::array<std::string, kMaxFields> texts_;
};

}  // namespace vigil
