#include "file_io.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <climits>
#include <initializer_list>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <unistd.h>

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

}  // namespace

FileSizeSignalBlock::FileSizeSignalBlock() {
  sigemptyset(&signal_);
  sigaddset(&signal_, SIGXFSZ);
  pthread_sigmask(SIG_BLOCK, &signal_, &previous_);
}

FileSizeSignalBlock::~FileSizeSignalBlock() {
  int saved = errno;
  if (raised_) {
    timespec no_wait{};
    sigtimedwait(&signal_, nullptr, &no_wait);
  }
  if (!sigismember(&previous_, SIGXFSZ)) pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  errno = saved;
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

int open_despite_descriptor_limit(const char* path, int flags, mode_t mode) {
  int fd = open(path, flags, mode);
  if (fd >= 0 || errno != EMFILE) return fd;
  rlimit limits{};
  if (getrlimit(RLIMIT_NOFILE, &limits) != 0) {
    errno = EMFILE;
    return -1;
  }
  rlimit raised = limits;
  raised.rlim_cur = limits.rlim_max;
  // The hard limit was lowered too: CAP_SYS_RESOURCE may still go past it.
  if (raised.rlim_cur <= limits.rlim_cur) raised.rlim_cur = raised.rlim_max = limits.rlim_cur + kDistanceAboveSoftLimit;
  if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
    errno = EMFILE;
    return -1;
  }
  fd = open(path, flags, mode);
  int open_error = errno;
  setrlimit(RLIMIT_NOFILE, &limits);
  errno = open_error;
  return fd;
}

bool make_directories(const std::string& path, mode_t mode) {
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string prefix = path.substr(0, slash);
    if (mkdir(prefix.c_str(), mode) != 0 && errno != EEXIST) return false;
    if (slash == std::string::npos) return true;
  }
}

std::string absolute_path(const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  std::string directory(PATH_MAX, '\0');
  if (getcwd(directory.data(), directory.size()) == nullptr) return path;
  directory.resize(std::char_traits<char>::length(directory.c_str()));
  return directory + "/" + path;
}

std::string parent_directory(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = retry_interrupted([&] { return write(fd, bytes.data(), bytes.size()); });
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool write_atomically(const std::string& path, std::string_view text, std::string& error) {
  if (path == "-") {
    bool written = std::fwrite(text.data(), 1, text.size(), stdout) == text.size() && std::fflush(stdout) == 0;
    if (!written) error = "cannot write to standard output";
    return written;
  }
  std::string temporary = path + ".tmp." + std::to_string(getpid());
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot write " + temporary + ": " + std::strerror(errno);
    return false;
  }
  bool ok = write_all(fd, text) && fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (!ok || rename(temporary.c_str(), path.c_str()) != 0) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    unlink(temporary.c_str());
    return false;
  }
  return true;
}

void set_socket_timeout(int fd, int option, unsigned milliseconds) {
  timeval timeout{static_cast<time_t>(milliseconds / 1000), static_cast<suseconds_t>(milliseconds % 1000 * 1000)};
  setsockopt(fd, SOL_SOCKET, option, &timeout, sizeof timeout);
}

std::string read_all(int fd) {
  std::string bytes;
  char buffer[65536];
  lseek(fd, 0, SEEK_SET);
  for (;;) {
    ssize_t n = retry_interrupted([&] { return read(fd, buffer, sizeof buffer); });
    if (n <= 0) return bytes;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
}

bool read_up_to(int fd, std::size_t limit, std::string& text, std::string& error) {
  text.clear();
  char buffer[16384];
  for (;;) {
    ssize_t got = retry_interrupted([&] { return read(fd, buffer, sizeof buffer); });
    if (got == 0) return true;
    if (got < 0) {
      error = std::strerror(errno);
      return false;
    }
    if (text.size() + static_cast<std::size_t>(got) > limit) {
      error = "larger than " + std::to_string(limit) + " bytes";
      return false;
    }
    text.append(buffer, static_cast<std::size_t>(got));
  }
}

bool read_regular_file_up_to(const std::string& path, std::size_t limit, std::string& text, std::string& error) {
  int fd = open_regular_file(path, 0, error);
  if (fd < 0) return false;
  bool whole = read_up_to(fd, limit, text, error);
  close(fd);
  return whole;
}

const char* file_type_name(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a file";
}

int open_regular_file(const std::string& path, int flags, std::string& error) {
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | flags);
  struct stat status {};
  if (fd < 0 || fstat(fd, &status) != 0) {
    int failure = errno;
    error = path + ": " + std::strerror(failure);
    if (fd >= 0) close(fd);
    errno = failure;
    return -1;
  }
  if (!S_ISREG(status.st_mode)) {
    bool directory = S_ISDIR(status.st_mode);
    error = path + (directory ? std::string(": is a directory")
                              : std::string(": not a regular file (") + file_type_name(status.st_mode) + ")");
    close(fd);
    errno = directory ? EISDIR : EINVAL;
    return -1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

bool is_socket(int fd) {
  struct stat status {};
  return fd >= 0 && fstat(fd, &status) == 0 && S_ISSOCK(status.st_mode);
}

}  // namespace vigil
