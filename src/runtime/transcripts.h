// Transcripts: Python's counterpart of PowerShell's script-block logging.
// The source of every piece of code compiled in the process (the script,
// -c, stdin, PYTHONSTARTUP, modules compiled from source, strings passed to
// exec, eval and compile) is written once per content hash as a
// `transcript` record; the `compile`, `cpython.run_command` and `exec`
// event records name it by that hash.
#pragma once

#include "file_bytes.h"
#include "python_compat.h"
#include "recorder.h"

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace vigil {

// Text beyond this is cut from the record; the hash and size cover it all.
inline constexpr std::size_t kTranscriptTextLimit = 1024 * 1024;

class Transcripts {
 public:
  explicit Transcripts(Recorder& recorder) : recorder_(recorder) {}
  Transcripts(const Transcripts&) = delete;
  Transcripts& operator=(const Transcripts&) = delete;

  // Every event, before reference(): which event came next on a thread is
  // part of telling which compile made the code an `exec` runs.
  static void count_event();
  // For the event being recorded: writes the transcript of source not seen
  // before and returns the SHA-256 (hex) its record refers to; empty when
  // the event names no source this process has the text of.
  std::string reference(std::string_view event, PyObject* args);

 private:
  std::string on_compile(PyObject* args);
  std::string on_exec(PyObject* args);
  std::string record(std::string_view source, std::string_view filename, const char* origin);

  Recorder& recorder_;
  std::mutex mutex_;
  // Hashes already written by this process or the one it was forked from,
  // which share the log; forgotten in bulk when it grows too large, after
  // which a source is written again.
  std::unordered_set<std::string> written_;
};

// Code CPython is about to parse from a descriptor Vigil filled with these
// bytes (the script, PYTHONSTARTUP, stdin); its `compile` event carries no
// source, only `filename`. `origin`: "script", "startup" or "stdin".
void expect_entry_source(std::string filename, FileBytes content, const char* origin);

}  // namespace vigil
