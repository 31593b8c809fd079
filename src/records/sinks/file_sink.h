#pragma once

#include "sinks/sink.h"

#include <string>
#include <ctime>
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

  bool write(const Record& record) override;
  // Writes one complete line ending in '\n'.
  bool write_line(std::string_view line);
  std::string take_interference() override;
  bool file_identity(dev_t& device, ino_t& inode) const override;
  int descriptor() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  void remember_file();
  // Opens the file again on a new descriptor; `what_happened` to the old
  // one becomes the interference the recorder alerts on.
  bool reopen_after(const char* what_happened);
  // Before each record: a program that closes the log's descriptor, or
  // dup2()s another file onto its number, must not silence the log.
  void recover_if_interfered();
  // At most once a second: when the path names another file than ours
  // (logrotate renamed ours away), the records go on in the file at the
  // path. The rotated file keeps what was written before.
  void follow_rotation();
  bool write_all(std::string_view bytes, std::size_t& written);

  std::string path_;
  int fd_;
  bool private_file_;
  RecordFormat format_;
  std::string converted_line_;
  dev_t device_ = 0;  // of the file fd_ was opened on
  ino_t inode_ = 0;
  time_t rotation_checked_ = 0;  // CLOCK_MONOTONIC_COARSE seconds
  std::string interference_;
  // The file system filled up in the middle of a record: part of a line is
  // in the file. It is ended with a newline before anything else is
  // written, so the damage is one line that is not JSON.
  bool fragment_open_ = false;
};

// Opens `path` for appending records and moves it out of the range of
// descriptors programs pick by number, enumerate or close wholesale.
// `private_file`: the file must not be a symbolic link and must belong to
// this user (it lives in a directory others can reach).
int open_log_descriptor(const std::string& path, bool private_file = false);

}  // namespace vigil
