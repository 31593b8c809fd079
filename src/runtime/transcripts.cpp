#include "transcripts.h"

#include "json_text.h"
#include "python_arguments.h"
#include "sha256.h"

#include <cstdint>

namespace vigil {
namespace {

constexpr std::size_t kMaxRemembered = 65536;
constexpr std::size_t kMaxFilename = 4096;

struct EntrySource {
  bool expected = false;
  std::string filename;
  FileBytes content;
  const char* origin = "";
};
thread_local EntrySource t_entry_source;

// The last compile on this thread whose source has a transcript.
struct LastCompile {
  bool valid = false;
  std::string sha256;
  std::string filename;
  const void* frame = nullptr;
  int instruction = -1;
  bool import_system = false;
  std::uint64_t event_number = 0;
};
thread_local LastCompile t_last_compile;

// The last short source this thread transcribed: code that evaluates the
// same text in a loop pays a comparison, not a hash, per compile.
struct RecentSource {
  std::string text;
  std::string sha256;
};
thread_local RecentSource t_recent_source;
constexpr std::size_t kMaxRecentSource = 4096;
thread_local std::uint64_t t_event_number = 0;

// The bytes of a str, bytes or bytearray argument, read as the policy
// engine reads them; false for anything else (an AST, None).
bool text_of(PyObject* object, std::string& converted, std::string_view& text, std::size_t max_chars) {
  ArgValue value;
  describe_value(object, value, converted, max_chars);
  if (value.kind != ValueKind::text && value.kind != ValueKind::bytes) return false;
  text = value.text;
  return true;
}

struct CallPoint {
  const void* frame = nullptr;
  int instruction = -1;
  bool import_system = false;
};

CallPoint current_call_point() {
  PyFrameObject* frame = compat::current_frame();
  if (frame == nullptr) return {};
  PyCodeObject* code = compat::frame_code(frame);
  bool import_system = false;
  PyObject* filename = compat::code_filename(code);
  if (PyUnicode_Check(filename) && PyUnicode_IS_ASCII(filename)) {
    std::string_view name(static_cast<const char*>(PyUnicode_DATA(filename)),
                          static_cast<std::size_t>(PyUnicode_GET_LENGTH(filename)));
    import_system = name.starts_with("<frozen importlib._bootstrap");
  }
  Py_DECREF(code);
  return {frame, compat::frame_last_instruction(frame), import_system};
}

// Cut at a character boundary, so valid UTF-8 stays valid.
std::string_view recorded_part(std::string_view source) {
  if (source.size() <= kTranscriptTextLimit) return source;
  std::size_t end = kTranscriptTextLimit;
  while (end > 0 && (static_cast<unsigned char>(source[end]) & 0xC0) == 0x80) --end;
  return source.substr(0, end);
}

}  // namespace

void Transcripts::count_event() { ++t_event_number; }

std::string Transcripts::reference(std::string_view event, PyObject* args) {
  if (args == nullptr || !PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 1) return {};
  if (event == "compile") return on_compile(args);
  if (event == "exec") return on_exec(args);
  if (event == "cpython.run_command") {
    std::string converted;
    std::string_view command;
    if (!text_of(PyTuple_GET_ITEM(args, 0), converted, command, SIZE_MAX)) return {};
    return record(command, "<string>", "command");
  }
  return {};
}

std::string Transcripts::on_compile(PyObject* args) {
  if (PyTuple_GET_SIZE(args) < 2) return {};
  std::string converted_name;
  std::string_view filename;
  if (!text_of(PyTuple_GET_ITEM(args, 1), converted_name, filename, kMaxFilename)) filename = {};
  PyObject* source_object = PyTuple_GET_ITEM(args, 0);
  std::string converted;
  std::string_view source;
  const char* origin = nullptr;
  CallPoint point = current_call_point();
  FileBytes entry_content;
  if (source_object == Py_None) {
    // The script, PYTHONSTARTUP or stdin, parsed from the descriptor Vigil
    // filled: its bytes were kept for this moment.
    if (!t_entry_source.expected || t_entry_source.filename != filename) return {};
    entry_content = std::move(t_entry_source.content);
    origin = t_entry_source.origin;
    t_entry_source = {};
    source = entry_content.view();
  } else if (text_of(source_object, converted, source, SIZE_MAX)) {
    origin = point.import_system ? "import" : "string";
  } else {
    return {};  // an AST: there is no text
  }
  std::string sha256 = record(source, filename, origin);
  t_last_compile = {true, sha256, std::string(filename), point.frame, point.instruction, point.import_system,
                    t_event_number};
  return sha256;
}

// The code object an `exec` runs came from the last compile when nothing
// else happened between them: exec() and eval() of text, and CPython's
// running of -c, the script and stdin, compile and execute in one call, so
// the exec event is the next event, from the same instruction of the same
// frame. The import system compiles a module's source in one call and
// executes the code object in the next, always under the file's name.
// CPython itself compiles and runs -c, the script and stdin with no Python
// frame at all; 3.13 imports linecache between the two to keep the -c text
// for tracebacks.
std::string Transcripts::on_exec(PyObject* args) {
  LastCompile& last = t_last_compile;
  PyObject* code = PyTuple_GET_ITEM(args, 0);
  if (!last.valid || !PyCode_Check(code)) return {};
  std::string converted;
  std::string_view filename;
  if (!text_of(compat::code_filename(reinterpret_cast<PyCodeObject*>(code)), converted, filename, kMaxFilename) ||
      filename != last.filename) {
    return {};
  }
  CallPoint point = current_call_point();
  bool same_call = t_event_number == last.event_number + 1 && point.frame == last.frame &&
                   point.instruction == last.instruction;
  bool module_run = last.import_system && point.import_system;
  bool entry_run = last.frame == nullptr && point.frame == nullptr;
  if (!same_call && !module_run && !entry_run) return {};
  last.valid = false;
  return std::move(last.sha256);
}

std::string Transcripts::record(std::string_view source, std::string_view filename, const char* origin) {
  RecentSource& recent = t_recent_source;
  if (!recent.sha256.empty() && source == recent.text) return recent.sha256;
  std::string sha256 = Sha256::hex_of(source);
  if (source.size() <= kMaxRecentSource) recent = {std::string(source), sha256};
  {
    std::lock_guard lock(mutex_);
    if (written_.contains(sha256)) return sha256;
    if (written_.size() >= kMaxRemembered) written_.clear();
    written_.insert(sha256);
  }
  std::string members;
  JsonText json(members, true);
  json.key("sha256");
  json.string(sha256);
  json.key("origin");
  json.string(origin);
  json.key("filename");
  json.string(filename);
  json.key("size");
  json.unsigned_integer(source.size());
  std::string_view kept = recorded_part(source);
  json.key("truncated");
  json.boolean(kept.size() != source.size());
  json.key("text");
  json.string(kept);
  recorder_.emit("transcript", members);
  return sha256;
}

void expect_entry_source(std::string filename, FileBytes content, const char* origin) {
  t_entry_source = {true, std::move(filename), std::move(content), origin};
}

}  // namespace vigil
