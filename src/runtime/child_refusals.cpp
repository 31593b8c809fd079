#include "child_refusals.h"

#include "file_io.h"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vigil {
namespace {

std::string g_directory;

constexpr std::string_view kRefused = "refused ";
constexpr std::size_t kMaxReasonLength = 300;

// The start time of process `pid` (proc(5) stat field 22), which with the
// pid names one process and not a later one that reuses the pid.
std::string start_time_of(long pid) {
  std::string stat;
  std::string error;
  if (!read_regular_file_up_to("/proc/" + std::to_string(pid) + "/stat", 4096, stat, error)) return {};
  std::size_t position = stat.rfind(')');
  for (int field = 2; field < 22 && position != std::string::npos; ++field) position = stat.find(' ', position + 1);
  if (position == std::string::npos) return {};
  return stat.substr(position + 1, stat.find(' ', position + 1) - position - 1);
}

std::string tally_path(long pid) {
  std::string started = start_time_of(pid);
  if (g_directory.empty() || started.empty()) return {};
  return g_directory + "/.vigil-children-" + std::to_string(pid) + "-" + started;
}

// A tally beside a log in a shared directory (/tmp) could have been put
// there by another user to stop this process's children: only one of this
// user's own counts.
bool owned_by_this_user(int fd) {
  struct stat status {};
  return fstat(fd, &status) == 0 && S_ISREG(status.st_mode) && status.st_uid == geteuid();
}


Rule make_rule() {
  Rule rule;
  rule.id = "vigil.refused_children";
  rule.action = Action::deny;
  rule.severity = Severity::high;
  rule.attack = {"T1059.006"};
  rule.message = "the vigil-python children this process starts keep being refused";
  return rule;
}

}  // namespace

bool is_this_executable(const std::string& path) {
  struct stat program {};
  struct stat self {};
  return stat(path.c_str(), &program) == 0 && stat("/proc/self/exe", &self) == 0 && program.st_dev == self.st_dev &&
         program.st_ino == self.st_ino;
}

void set_tally_directory(std::string directory) { g_directory = std::move(directory); }

void tally_for_parent(bool refused, std::string_view why) {
  if (!is_this_executable("/proc/" + std::to_string(getppid()) + "/exe")) return;
  std::string path = tally_path(getppid());
  if (path.empty()) return;
  std::string line = refused ? std::string(kRefused) + std::string(why.substr(0, kMaxReasonLength)) : "ran";
  for (char& c : line) c = c == '\n' ? ' ' : c;
  line += '\n';
  int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return;
  if (!owned_by_this_user(fd)) {
    close(fd);
    return;
  }
  // One write of a short line with O_APPEND: lines of children that end
  // together do not interleave.
  [[maybe_unused]] ssize_t written = write(fd, line.data(), line.size());
  close(fd);
}

const Rule* refused_too_often(std::string& detail) {
  static const Rule rule = make_rule();
  std::string path = tally_path(getpid());
  if (path.empty()) return nullptr;
  std::string text;
  std::string error;
  int fd = open_regular_file(path, O_NOFOLLOW, error);
  if (fd < 0) return nullptr;
  bool read = owned_by_this_user(fd) && read_up_to(fd, 1 << 20, text, error);
  close(fd);
  if (!read) return nullptr;
  // The lines from the last one back, while they are refusals.
  unsigned in_a_row = 0;
  std::string last;
  std::string_view rest(text);
  if (rest.ends_with('\n')) rest.remove_suffix(1);
  while (!rest.empty() && in_a_row < kMaxRefusedInARow) {
    std::size_t newline = rest.rfind('\n');
    std::string_view line = newline == std::string_view::npos ? rest : rest.substr(newline + 1);
    if (!line.starts_with(kRefused)) break;
    if (last.empty()) last = line.substr(kRefused.size());
    ++in_a_row;
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(0, newline);
  }
  if (in_a_row < kMaxRefusedInARow) return nullptr;
  detail = "the last " + std::to_string(in_a_row) + " it started were refused, the last: " + last;
  return &rule;
}

void forget_own_tally() {
  std::string path = tally_path(getpid());
  if (!path.empty()) unlink(path.c_str());
}

}  // namespace vigil
