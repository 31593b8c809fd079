#include "sinks/file_sink.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace vigil {
namespace {

constexpr int kPreferredLowestDescriptor = 100;

int move_above_stdio(int fd) {
  // A high floor avoids the small numbers programs close, dup2 onto or
  // enumerate; if the descriptor limit is lower, anything above 2 will do.
  for (int floor : {kPreferredLowestDescriptor, 3}) {
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, floor);
    if (moved >= 0) {
      close(fd);
      return moved;
    }
  }
  if (fd > 2) return fd;
  close(fd);
  errno = EMFILE;
  return -1;
}

}  // namespace

int open_log_descriptor(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0) return -1;
  return move_above_stdio(fd);
}

std::unique_ptr<FileSink> FileSink::open(const std::string& path, std::string& error) {
  int fd = open_log_descriptor(path);
  if (fd < 0) {
    error = path + ": " + std::strerror(errno);
    return nullptr;
  }
  return std::unique_ptr<FileSink>(new FileSink(path, fd));
}

FileSink::~FileSink() {
  if (fd_ >= 0) close(fd_);
}

bool FileSink::reopen() {
  int fd = open_log_descriptor(path_);
  if (fd < 0) return false;
  fd_ = fd;
  return true;
}

bool FileSink::write_line(std::string_view line) {
  bool reopened = false;
  const char* data = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, data, left);
    if (n > 0) {
      data += n;
      left -= static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    // Someone closed our descriptor (os.close, closerange): open the file
    // again rather than lose the record.
    if (n < 0 && errno == EBADF && !reopened && left == line.size()) {
      reopened = true;
      if (reopen()) continue;
    }
    return false;
  }
  return true;
}

}  // namespace vigil
