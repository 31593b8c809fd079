#include "sinks/file_sink.h"

#include "file_io.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace vigil {

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

FileSink::FileSink(std::string path, int fd, bool private_file, RecordFormat format)
    : path_(std::move(path)), fd_(fd), private_file_(private_file), format_(format) {
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

bool FileSink::file_identity(dev_t& device, ino_t& inode) const {
  device = device_;
  inode = inode_;
  return inode_ != 0;
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
  if (fd_ < 0) {
    fd_ = open_log_descriptor(path_, private_file_);
    if (fd_ >= 0) remember_file();
    return;
  }
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

bool FileSink::write(const Record& record) {
  if (format_ == RecordFormat::native) return write_line(record.line_with_newline());
  converted_line_.assign(record.text(format_));
  converted_line_ += '\n';
  return write_line(converted_line_);
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
