#include "sinks/file_sink.h"

#include "file_io.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace vigil {
namespace {

std::string describe_flags(int flags) {
  std::string text = (flags & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : (flags & O_ACCMODE) == O_RDWR ? "O_RDWR" : "O_RDONLY";
  if (flags & O_APPEND) text += "|O_APPEND";
  if (flags & O_DIRECT) text += "|O_DIRECT";
  if (flags & O_NONBLOCK) text += "|O_NONBLOCK";
  if (flags & O_SYNC) text += "|O_SYNC";
  return text;
}

}  // namespace

int open_log_descriptor(const std::string& path, bool private_file, std::string* error) {
  // O_NONBLOCK: opening a FIFO or a device must not wait for the other
  // end. It is cleared once the file is known to be a regular one.
  int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (private_file ? O_NOFOLLOW : 0);
  int fd = open_despite_descriptor_limit(path.c_str(), flags, 0600);
  struct stat status {};
  if (fd < 0) {
    int open_error = errno;
    // ENXIO: a FIFO without a reader, or a socket; said as what it is.
    bool special = open_error == ENXIO && stat(path.c_str(), &status) == 0 && !S_ISREG(status.st_mode);
    if (error != nullptr) {
      *error = path + ": " + (special ? std::string(file_type_name(status.st_mode)) + ", not a regular file" : std::strerror(open_error));
    }
    errno = open_error;
    return -1;
  }
  std::string refusal;
  if (fstat(fd, &status) != 0) {
    refusal = std::strerror(errno);
  } else if (!S_ISREG(status.st_mode)) {
    refusal = std::string(file_type_name(status.st_mode)) + ", not a regular file";
  } else if (private_file && status.st_uid != geteuid()) {
    refusal = "not owned by this user";
  } else if (fcntl(fd, F_SETFL, O_APPEND) != 0) {
    refusal = std::strerror(errno);
  }
  if (!refusal.empty()) {
    close(fd);
    if (error != nullptr) *error = path + ": " + refusal;
    errno = EPERM;
    return -1;
  }
  fd = move_above_stdio(fd);
  if (fd < 0 && error != nullptr) *error = path + ": " + std::strerror(errno);
  return fd;
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
  status_flags_ = fcntl(fd_, F_GETFL);
}

bool FileSink::file_identity(dev_t& device, ino_t& inode) const {
  device = device_;
  inode = inode_;
  return inode_ != 0;
}

bool FileSink::reopen_after(const std::string& what_happened) {
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
  if (open && status.st_dev == device_ && status.st_ino == inode_) {
    int flags = fcntl(fd_, F_GETFL);
    if (flags == status_flags_) return;
    // fcntl(F_SETFL) on our descriptor, or a dup2 of the same file opened
    // another way: without O_APPEND the next record would land at the
    // descriptor's offset, over the log's first lines. The log gets an
    // open file description of its own again.
    std::string what = "had its flags changed from " + describe_flags(status_flags_) + " to " + describe_flags(flags) +
                       " (fcntl, or dup2 of the same file opened otherwise)";
    if (reopen_after(what)) return;
    // No new descriptor (no file at the path any more, no descriptor left):
    // the flags are put back on this one.
    bool restored = fcntl(fd_, F_SETFL, status_flags_) == 0;
    interference_ = "the log's descriptor " + std::to_string(fd_) + " " + what +
                    (restored ? "; its flags were restored" : "; its flags could not be restored");
    return;
  }
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
  if (stat(path_.c_str(), &status) == 0) {
    if (status.st_dev == device_ && status.st_ino == inode_) return;
    // Something that is not a file was put at the path (a FIFO would hang
    // the next write, with the interpreter's lock held). The records stay
    // in the file they were going to while a directory still has it;
    // otherwise they go to the fallback log. The swap is reported once.
    if (!S_ISREG(status.st_mode)) {
      if (status.st_dev == refused_device_ && status.st_ino == refused_inode_) return;
      refused_device_ = status.st_dev;
      refused_inode_ = status.st_ino;
      interference_ = "the log's path " + path_ + " now names " + file_type_name(status.st_mode) + ", not a regular file";
      struct stat own {};
      std::string fallback_path;
      int fd = -1;
      if (fstat(fd_, &own) == 0 && own.st_nlink > 0) {
        interference_ += "; the records go on in the file the path named before";
      } else if (open_fallback_ && (fd = open_fallback_(fallback_path)) >= 0) {
        interference_ += "; the log file was removed, and the records go on in " + fallback_path;
        switch_to(fd, std::move(fallback_path));
      } else {
        interference_ += "; the log file was removed, and no other log can be opened";
      }
      return;
    }
  }
  int fd = open_log_descriptor(path_, private_file_);
  // No file can be made at the path: the records stay in the old one.
  if (fd >= 0) switch_to(fd, path_);
}

void FileSink::switch_to(int fd, std::string path) {
  // A line the file system cut short is ended where it began.
  if (fragment_open_ && ::write(fd_, "\n", 1) == 1) fragment_open_ = false;
  close(fd_);
  fd_ = fd;
  path_ = std::move(path);
  remember_file();
}

std::string FileSink::take_interference() { return std::exchange(interference_, {}); }

bool FileSink::raise_file_size_limit(rlimit& saved) {
  if (getrlimit(RLIMIT_FSIZE, &saved) != 0) return false;
  // With CAP_SYS_RESOURCE past a lowered hard limit too; otherwise up to it.
  rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
  rlimit up_to_hard{saved.rlim_max, saved.rlim_max};
  bool raised = setrlimit(RLIMIT_FSIZE, &unlimited) == 0 ||
                (saved.rlim_max > saved.rlim_cur && setrlimit(RLIMIT_FSIZE, &up_to_hard) == 0);
  if (saved.rlim_cur != reported_file_size_limit_) {
    reported_file_size_limit_ = saved.rlim_cur;
    interference_ = "RLIMIT_FSIZE is " + std::to_string(saved.rlim_cur) + " bytes, below the size of the log " +
                    path_ + (raised ? "; Vigil lifts it around its own writes" : "; records are lost until it is raised");
  }
  return raised;
}

bool FileSink::write_all(std::string_view bytes, std::size_t& written) {
  FileSizeSignalBlock file_size_signal;
  bool reopened = false;
  bool limit_raised = false;
  rlimit saved_limit{};
  bool complete = true;
  written = 0;
  while (written < bytes.size()) {
    ssize_t n = retry_interrupted([&] { return ::write(fd_, bytes.data() + written, bytes.size() - written); });
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EFBIG) {
      file_size_signal.take_back();
      if (!limit_raised) {
        limit_raised = raise_file_size_limit(saved_limit);
        if (limit_raised) continue;
      }
      errno = EFBIG;
    }
    // Someone closed our descriptor (os.close, closerange): open the file
    // again rather than lose the record.
    if (n < 0 && errno == EBADF && !reopened && written == 0) {
      reopened = true;
      if (reopen_after("was closed")) continue;
      errno = EBADF;
    }
    complete = false;
    break;
  }
  if (limit_raised) {
    int write_error = errno;
    setrlimit(RLIMIT_FSIZE, &saved_limit);
    errno = write_error;
  }
  return complete;
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
  // Cut just before its newline, the record is whole and readers parse it:
  // counting it lost would report a gap that is not there.
  return written + 1 == line.size();
}

}  // namespace vigil
