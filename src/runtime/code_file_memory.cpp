#include "code_file_memory.h"

#include <cstring>

namespace vigil {
namespace {

constexpr std::size_t kLargestRemembered = 4 * 1024 * 1024;

struct CodeFile {
  std::string path;
  FileBytes content;
  bool trusted = false;
};

thread_local CodeFile t_recent;

}  // namespace

void remember_code_file(std::string path, FileBytes content, bool trusted) {
  if (content.size > kLargestRemembered) content = {};
  t_recent = {std::move(path), std::move(content), trusted};
}

CodeFileSlice recent_code_file() {
  if (t_recent.path.empty()) return {};
  return {&t_recent.path, 0, t_recent.trusted};
}

CodeFileSlice find_in_recent_code_file(std::string_view bytes) {
  std::string_view content = t_recent.content.view();
  if (bytes.empty() || bytes.size() > content.size()) return {};
  std::size_t offset = content.size() - bytes.size();
  if (std::memcmp(content.data() + offset, bytes.data(), bytes.size()) != 0) return {};
  return {&t_recent.path, offset, t_recent.trusted};
}

}  // namespace vigil
