// What the harnesses share: a file that holds the input, for the code that
// reads paths, and a way to run commands that print without flooding the
// fuzzer's output.
#pragma once

#include <sanitizer/common_interface_defs.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace vigil::fuzz {

// The input as a regular file of its own, rewritten for every input.
class InputFile {
 public:
  explicit InputFile(const char* suffix) {
    const char* tmp = std::getenv("TMPDIR");
    path_ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/vigil-fuzz-XXXXXX" + suffix;
    fd_ = mkstemps(path_.data(), static_cast<int>(std::string_view(suffix).size()));
    if (fd_ < 0) {
      std::perror("vigil fuzz: mkstemps");
      std::abort();
    }
  }
  ~InputFile() {
    close(fd_);
    unlink(path_.c_str());
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& write(std::string_view bytes) {
    if (ftruncate(fd_, 0) != 0 || pwrite(fd_, bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
      std::perror("vigil fuzz: writing the input file");
      std::abort();
    }
    return path_;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

// Standard output goes to /dev/null for good; standard error only while a
// command runs (its messages about bad lines would fill the fuzzer's log).
// Sanitizer reports keep the real standard error.
class QuietOutput {
 public:
  QuietOutput() {
    null_ = open("/dev/null", O_WRONLY | O_CLOEXEC);
    real_stderr_ = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (null_ < 0 || real_stderr_ < 0 || dup2(null_, STDOUT_FILENO) < 0) std::abort();
    __sanitizer_set_report_fd(reinterpret_cast<void*>(static_cast<std::intptr_t>(real_stderr_)));
  }

  template <typename Run>
  auto run(Run&& command) {
    std::fflush(stderr);
    dup2(null_, STDERR_FILENO);
    struct Restore {
      int fd;
      ~Restore() {
        std::fflush(stdout);
        std::fflush(stderr);
        dup2(fd, STDERR_FILENO);
      }
    } restore{real_stderr_};
    return command();
  }

 private:
  int null_ = -1;
  int real_stderr_ = -1;
};

// The lines of `text`, without their newlines; a last line without one too.
template <typename OnLine>
void for_each_line(std::string_view text, OnLine&& on_line) {
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    on_line(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

[[noreturn]] inline void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "vigil fuzz: %s: %.*s\n", what, static_cast<int>(std::min<std::size_t>(detail.size(), 2000)),
               detail.data());
  std::abort();
}

}  // namespace vigil::fuzz
