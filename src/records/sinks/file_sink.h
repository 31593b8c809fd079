#pragma once

#include "sinks/sink.h"

#include <ctime>
#include <functional>
#include <string>
#include <utility>
#include <sys/resource.h>
#include <sys/types.h>

namespace vigil {

// A JSON Lines file opened O_APPEND|O_CLOEXEC on a descriptor above the
// soft RLIMIT_NOFILE where possible, and always above 2.
// Each record is one write(2) with no userspace buffer, so a record that has
// been written survives os._exit, abort and SIGKILL, and processes sharing
// the file never interleave inside a line.
class FileSink final : public Sink {
 public:
  // Takes over a descriptor from open_log_descriptor(path, private_file),
  // and opens the file the same way if the descriptor is closed under it
  // (or was -1: the file could not be opened yet).
  FileSink(std::string path, int fd, bool private_file, RecordFormat format = RecordFormat::native);
  ~FileSink() override;

  // On false, errno says why the record was not written.
  bool write(const Record& record) override;
  // Writes one complete line ending in '\n'; true when every byte but
  // perhaps that newline landed (the next line then ends it).
  bool write_line(std::string_view line);
  std::string take_interference() override;
  bool file_identity(dev_t& device, ino_t& inode) const override;
  int descriptor() const { return fd_; }
  // Gives up the descriptor to the caller; the sink is left without one.
  int release_descriptor() { return std::exchange(fd_, -1); }
  // Where the records go when the log file is gone from every directory and
  // its path names something that is not a file (a FIFO renamed over it):
  // `open_fallback` returns a descriptor as open_log_descriptor() does, and
  // sets its path.
  void set_fallback(std::function<int(std::string& path)> open_fallback) { open_fallback_ = std::move(open_fallback); }
  const std::string& path() const { return path_; }

 private:
  void remember_file();
  // Opens the file again on a new descriptor; `what_happened` to the old
  // one becomes the interference the recorder alerts on.
  bool reopen_after(const std::string& what_happened);
  // Before each record: a program that closes the log's descriptor,
  // dup2()s another file (or the same file without O_APPEND) onto its
  // number, or changes its flags with fcntl, must neither silence the log
  // nor make it overwrite itself.
  void recover_if_interfered();
  // At most once a second: when the path names another file than ours
  // (logrotate renamed ours away), the records go on in the file at the
  // path. The rotated file keeps what was written before.
  void follow_rotation();
  bool write_all(std::string_view bytes, std::size_t& written);
  // A write failed with EFBIG: RLIMIT_FSIZE, set by the program or by
  // prlimit from outside, is below the log's size. Raises it as far as
  // this process may, into `saved` the limit to restore afterwards.
  bool raise_file_size_limit(rlimit& saved);
  // Makes `fd`, open on `path`, the log's descriptor, ending in the old
  // file a line the file system cut short.
  void switch_to(int fd, std::string path);

  std::string path_;
  int fd_;
  bool private_file_;
  RecordFormat format_;
  std::string converted_line_;
  dev_t device_ = 0;  // of the file fd_ was opened on
  ino_t inode_ = 0;
  int status_flags_ = 0;  // F_GETFL of fd_ as opened
  time_t rotation_checked_ = 0;  // CLOCK_MONOTONIC_COARSE seconds
  // The file at the path that was refused last (not a regular file), so
  // that it is reported once, not once a second.
  dev_t refused_device_ = 0;
  ino_t refused_inode_ = 0;
  // The RLIMIT_FSIZE soft limit last reported, so that a low limit is one
  // alert, not one per record.
  rlim_t reported_file_size_limit_ = RLIM_INFINITY;
  std::string interference_;
  std::function<int(std::string& path)> open_fallback_;
  // The file system filled up in the middle of a record: part of a line is
  // in the file. It is ended with a newline before anything else is
  // written, so the damage is one line that is not JSON.
  bool fragment_open_ = false;
};

// Opens `path` for appending records and moves it out of the range of
// descriptors programs pick by number, enumerate or close wholesale.
// Only a regular file is accepted: a FIFO, socket, device or directory at
// the path is refused without blocking. `private_file`: the file must not
// be a symbolic link and must belong to this user (it lives in a directory
// others can reach). On -1, `error` (when given) says why.
int open_log_descriptor(const std::string& path, bool private_file = false, std::string* error = nullptr);

}  // namespace vigil
