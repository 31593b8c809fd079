#include "sinks/file_sink.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace vigil {
namespace {

constexpr int kPreferredLowestDescriptor = 100;

// How far above the soft RLIMIT_NOFILE the log descriptor goes: clear of
// programs that lower the limit below descriptors they hold, and small
// enough that the kernel's descriptor table stays small.
constexpr rlim_t kDistanceAboveSoftLimit = 1024;

// Places the descriptor above the soft RLIMIT_NOFILE, then restores the
// limit exactly. Programs that enumerate or close descriptors up to
// sysconf(_SC_OPEN_MAX) (daemonisers, closerange(3, MAXFD), test suites
// that list a child's descriptors) then neither see nor close the log. It
// needs headroom below the hard limit; returns -1 without it.
int move_above_soft_limit(int fd) {
  rlimit limits{};
  if (getrlimit(RLIMIT_NOFILE, &limits) != 0 || limits.rlim_cur == RLIM_INFINITY) return -1;
  if (limits.rlim_max != RLIM_INFINITY && limits.rlim_max <= limits.rlim_cur) return -1;
  rlim_t target = limits.rlim_cur + kDistanceAboveSoftLimit;
  if (limits.rlim_max != RLIM_INFINITY && target >= limits.rlim_max) target = limits.rlim_max - 1;
  rlimit raised = limits;
  raised.rlim_cur = target + 1;
  if (setrlimit(RLIMIT_NOFILE, &raised) != 0) return -1;
  int moved = fcntl(fd, F_DUPFD_CLOEXEC, static_cast<int>(target));
  setrlimit(RLIMIT_NOFILE, &limits);
  return moved;
}

int move_above_stdio(int fd) {
  int moved = move_above_soft_limit(fd);
  // Otherwise a high floor avoids the small numbers programs close, dup2
  // onto or pick; if the limit is lower than that, anything above 2.
  for (int floor : {kPreferredLowestDescriptor, 3}) {
    if (moved >= 0) break;
    moved = fcntl(fd, F_DUPFD_CLOEXEC, floor);
  }
  if (moved >= 0) {
    close(fd);
    return moved;
  }
  if (fd > 2) return fd;
  close(fd);
  errno = EMFILE;
  return -1;
}

}  // namespace

int open_log_descriptor(const std::string& path, bool private_file) {
  int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | (private_file ? O_NOFOLLOW : 0);
  int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) return -1;
  struct stat status {};
  if (private_file && (fstat(fd, &status) != 0 || status.st_uid != geteuid() || !S_ISREG(status.st_mode))) {
    close(fd);
    errno = EPERM;
    return -1;
  }
  return move_above_stdio(fd);
}

FileSink::FileSink(std::string path, int fd, bool private_file)
    : path_(std::move(path)), fd_(fd), private_file_(private_file) {
  remember_file();
}

FileSink::~FileSink() {
  if (fd_ >= 0) close(fd_);
}

void FileSink::remember_file() {
  struct stat status {};
  if (fstat(fd_, &status) == 0) {
    device_ = status.st_dev;
    inode_ = status.st_ino;
  }
}

bool FileSink::reopen_after(const char* what_happened) {
  int fd = open_log_descriptor(path_, private_file_);
  if (fd < 0) return false;
  interference_ = "the log's descriptor " + std::to_string(fd_) + " " + what_happened + "; the log is open again on " +
                  std::to_string(fd);
  fd_ = fd;
  remember_file();
  return true;
}

void FileSink::recover_if_interfered() {
  struct stat status {};
  bool open = fstat(fd_, &status) == 0;
  if (open && status.st_dev == device_ && status.st_ino == inode_) return;
  // A replaced number now belongs to whoever put a file there: it is left
  // open, and the log gets a descriptor of its own again.
  reopen_after(open ? "was replaced by another file (dup2)" : "was closed");
}

void FileSink::follow_rotation() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  if (now.tv_sec == rotation_checked_) return;
  rotation_checked_ = now.tv_sec;
  struct stat status {};
  bool same = stat(path_.c_str(), &status) == 0 && status.st_dev == device_ && status.st_ino == inode_;
  if (same) return;
  int fd = open_log_descriptor(path_, private_file_);
  // No file can be made at the path: the records stay in the old one.
  if (fd < 0) return;
  // A line the file system cut short is ended where it began.
  if (fragment_open_ && ::write(fd_, "\n", 1) == 1) fragment_open_ = false;
  close(fd_);
  fd_ = fd;
  remember_file();
}

std::string FileSink::take_interference() { return std::exchange(interference_, {}); }

bool FileSink::write_all(std::string_view bytes, std::size_t& written) {
  bool reopened = false;
  written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + written, bytes.size() - written);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    // Someone closed our descriptor (os.close, closerange): open the file
    // again rather than lose the record.
    if (n < 0 && errno == EBADF && !reopened && written == 0) {
      reopened = true;
      if (reopen_after("was closed")) continue;
    }
    return false;
  }
  return true;
}

bool FileSink::write_line(std::string_view line) {
  recover_if_interfered();
  follow_rotation();
  std::size_t written = 0;
  if (fragment_open_) {
    if (!write_all("\n", written)) return false;
    fragment_open_ = false;
  }
  if (write_all(line, written)) return true;
  fragment_open_ = written > 0;
  return false;
}

}  // namespace vigil
