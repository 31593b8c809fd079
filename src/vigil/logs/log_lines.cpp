#include "log_lines.h"

#include "file_io.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

namespace vigil {
namespace {

constexpr std::size_t kBlock = 4u << 20;

// A log named on the command line: a regular file, or a FIFO such as
// bash's <(zcat old.jsonl.gz); never a directory or a device, which
// would read as nothing or for ever.
bool is_readable_as_log(const struct stat& status, bool standard_input) {
  if (S_ISDIR(status.st_mode)) return false;
  return standard_input || S_ISREG(status.st_mode) || S_ISFIFO(status.st_mode);
}

}  // namespace

LogLines::LogLines(std::string path) : path_(std::move(path)), buffer_(kBlock + kPadding) {}

LogLines::~LogLines() {
  if (fd_ > STDIN_FILENO) close(fd_);
}

bool LogLines::open(std::string& error) {
  bool standard_input = path_ == "-";
  fd_ = standard_input ? STDIN_FILENO : ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  struct stat status {};
  if (fd_ < 0 || fstat(fd_, &status) != 0) {
    error = path_ + ": " + std::strerror(errno);
    return false;
  }
  if (!is_readable_as_log(status, standard_input)) {
    error = path_ + ": not a log: " + file_type_name(status.st_mode);
    return false;
  }
  // Opened without waiting for a FIFO's writer; read like any file.
  if (!standard_input) fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
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
      begin_ += length + 1;
      ++line_number_;
      if (skipping_) {
        skipping_ = false;
        continue;
      }
      line = std::string_view(start, length);
      return true;
    }
    if (!skipping_ && end_ - begin_ > kMaxLineBytes) {
      // Counted now: the line may never end (a log cut short, /dev/zero).
      skipping_ = true;
      if (skipped_lines_++ == 0) first_skipped_line_ = line_number_ + 1;
    }
    if (skipping_) begin_ = end_;
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
    // next() skips a line before it needs more than kMaxLineBytes + 1.
    std::size_t larger = std::min(capacity * 2, kMaxLineBytes + 1);
    try {
      buffer_.resize(larger + kPadding);
    } catch (const std::bad_alloc&) {
      read_error_ = "out of memory for a line of " + std::to_string(capacity) + " bytes";
      return false;
    }
    capacity = larger;
  }
  for (;;) {
    ssize_t got = retry_interrupted([&] { return read(fd_, buffer_.data() + end_, capacity - end_); });
    if (got < 0 && errno == EAGAIN) {
      // Standard input left non-blocking by whoever made it.
      pollfd readable{fd_, POLLIN, 0};
      poll(&readable, 1, -1);
      continue;
    }
    if (got < 0) read_error_ = std::string("read failed: ") + std::strerror(errno);
    if (got <= 0) return false;
    end_ += static_cast<std::size_t>(got);
    offset_ += got;
    return true;
  }
}

std::string LogLines::unread() const {
  std::string what;
  if (skipped_lines_ > 0) {
    what = "line " + std::to_string(first_skipped_line_) +
           (skipped_lines_ > 1 ? " and " + std::to_string(skipped_lines_ - 1) + " more are" : std::string(" is")) +
           " longer than " + std::to_string(kMaxLineBytes >> 20) + " MiB: not read";
  }
  if (!read_error_.empty()) {
    what += (what.empty() ? "" : "; ") + read_error_ + " after line " + std::to_string(line_number_) +
            ": the rest was not read";
  }
  return what;
}

bool LogLines::reopen_if_replaced() {
  if (fd_ == STDIN_FILENO) return false;
  struct stat now {};
  struct stat current {};
  bool replaced = stat(path_.c_str(), &now) == 0 && (now.st_dev != device_ || now.st_ino != inode_);
  bool truncated = fstat(fd_, &current) == 0 && current.st_size < offset_;
  if (!replaced && !truncated) return false;
  if (replaced) {
    struct stat fresh_status {};
    int fresh = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fresh < 0) return false;
    if (fstat(fresh, &fresh_status) != 0 || !is_readable_as_log(fresh_status, false)) {
      close(fresh);
      return false;
    }
    fcntl(fresh, F_SETFL, fcntl(fresh, F_GETFL) & ~O_NONBLOCK);
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
  skipping_ = false;
  return true;
}

}  // namespace vigil
