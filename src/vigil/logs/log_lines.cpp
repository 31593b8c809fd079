#include "log_lines.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vigil {
namespace {

constexpr std::size_t kBlock = 4u << 20;

}  // namespace

LogLines::LogLines(std::string path) : path_(std::move(path)), buffer_(kBlock + kPadding) {}

LogLines::~LogLines() {
  if (fd_ > STDIN_FILENO) close(fd_);
}

bool LogLines::open(std::string& error) {
  if (path_ == "-") {
    fd_ = STDIN_FILENO;
    return true;
  }
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat status {};
  if (fd_ < 0 || fstat(fd_, &status) != 0) {
    error = path_ + ": " + std::strerror(errno);
    return false;
  }
  device_ = status.st_dev;
  inode_ = status.st_ino;
  return true;
}

bool LogLines::next(std::string_view& line) {
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const void* newline = std::memchr(start, '\n', end_ - begin_);
    if (newline != nullptr) {
      std::size_t length = static_cast<const char*>(newline) - start;
      line = std::string_view(start, length);
      begin_ += length + 1;
      ++line_number_;
      return true;
    }
    if (!fill()) return false;
  }
}

// Moves the unfinished line to the front, growing the buffer when that
// line fills it, and reads what follows.
bool LogLines::fill() {
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  std::size_t capacity = buffer_.size() - kPadding;
  if (end_ == capacity) {
    buffer_.resize(capacity * 2 + kPadding);
    capacity *= 2;
  }
  for (;;) {
    ssize_t got = read(fd_, buffer_.data() + end_, capacity - end_);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    end_ += static_cast<std::size_t>(got);
    offset_ += got;
    return true;
  }
}

bool LogLines::reopen_if_replaced() {
  if (fd_ == STDIN_FILENO) return false;
  struct stat now {};
  struct stat current {};
  bool replaced = stat(path_.c_str(), &now) == 0 && (now.st_dev != device_ || now.st_ino != inode_);
  bool truncated = fstat(fd_, &current) == 0 && current.st_size < offset_;
  if (!replaced && !truncated) return false;
  if (replaced) {
    int fresh = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fresh < 0) return false;
    close(fd_);
    fd_ = fresh;
    device_ = now.st_dev;
    inode_ = now.st_ino;
  } else {
    lseek(fd_, 0, SEEK_SET);
  }
  offset_ = 0;
  begin_ = end_ = 0;
  line_number_ = 0;
  return true;
}

}  // namespace vigil
