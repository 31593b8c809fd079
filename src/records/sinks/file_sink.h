#pragma once

#include "sinks/sink.h"

#include <memory>
#include <string>

namespace vigil {

// A JSON Lines file opened O_APPEND|O_CLOEXEC on a descriptor above the
// soft RLIMIT_NOFILE where possible, and always above 2.
// Each record is one write(2) with no userspace buffer, so a record that has
// been written survives os._exit, abort and SIGKILL, and processes sharing
// the file never interleave inside a line.
class FileSink final : public Sink {
 public:
  // Null with `error` set when the file cannot be opened.
  static std::unique_ptr<FileSink> open(const std::string& path, std::string& error);
  ~FileSink() override;

  bool write_line(std::string_view line) override;
  std::string describe() const override { return path_; }
  int descriptor() const { return fd_; }

 private:
  FileSink(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  bool reopen();

  std::string path_;
  int fd_;
};

// Opens `path` for appending records and moves it out of the range of
// descriptors programs pick by number, enumerate or close wholesale.
int open_log_descriptor(const std::string& path);

}  // namespace vigil
