// Small file and descriptor helpers shared by the log, the sinks, the
// spool and the vigil command.
#pragma once

#include <cerrno>
#include <csignal>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace vigil {

// While it lives, SIGXFSZ is blocked in this thread, so that a write of
// Vigil's own past RLIMIT_FSIZE (set by the program, or by prlimit from
// outside) fails with EFBIG instead of ending the process. After such a
// write, take_back() has the signal it raised consumed before the mask is
// restored.
class FileSizeSignalBlock {
 public:
  FileSizeSignalBlock();
  ~FileSizeSignalBlock();
  FileSizeSignalBlock(const FileSizeSignalBlock&) = delete;
  FileSizeSignalBlock& operator=(const FileSizeSignalBlock&) = delete;
  void take_back() { raised_ = true; }

 private:
  sigset_t signal_;
  sigset_t previous_;
  bool raised_ = false;
};

// Moves a descriptor Vigil owns out of the range programs pick by number,
// enumerate or close wholesale (above the soft RLIMIT_NOFILE where
// possible, always above 2), close-on-exec. Returns the descriptor to use
// from now on (`fd` itself when it is above 2 and cannot move), or -1 with
// errno set and `fd` closed.
int move_above_stdio(int fd);

// open(2) that gets past RLIMIT_NOFILE lowered by the program: on EMFILE
// the soft limit is raised for this one open (and the hard limit too where
// the process may) and restored at once.
int open_despite_descriptor_limit(const char* path, int flags, mode_t mode);

// mkdir -p, with `mode` for every directory it creates.
bool make_directories(const std::string& path, mode_t mode);

// `path` made absolute against the working directory now; as given when it
// is absolute already, or when the working directory cannot be named.
std::string absolute_path(const std::string& path);

// The directory part of an absolute path ("/" for a file at the root).
std::string parent_directory(const std::string& path);

// A call a signal interrupted is tried again, but not for ever: a seccomp
// filter can answer EINTR to every attempt, and Vigil's writers must not
// spin with the GIL held. After kInterruptedRetries in a row the call
// fails with EINTR like any other error.
inline constexpr int kInterruptedRetries = 64;
template <typename Call>
auto retry_interrupted(Call call) {
  for (int retries = 0;; ++retries) {
    auto result = call();
    if (result >= 0 || errno != EINTR || retries == kInterruptedRetries) return result;
  }
}

// Writes all of `bytes`, retrying short writes and EINTR; false on an error.
bool write_all(int fd, std::string_view bytes);

// Writes `text` to a file beside `path` and renames it over `path`, so
// readers see the old file or the new one, never half of one; "-" writes
// to standard output. False, with the reason in `error`, on a failure.
bool write_atomically(const std::string& path, std::string_view text, std::string& error);

// SO_SNDTIMEO or SO_RCVTIMEO (`option`) in milliseconds.
void set_socket_timeout(int fd, int option, unsigned milliseconds);

// The whole file from its start.
std::string read_all(int fd);

// Opens `path` read-only (with `flags` added, such as O_NOFOLLOW) without
// ever blocking: a FIFO without a writer, a device or a directory is
// refused rather than read. Returns the descriptor of a regular file
// (close-on-exec, blocking reads), or -1 with the reason in `error`
// ("PATH: is a directory", "PATH: not a regular file (a FIFO)"…).
int open_regular_file(const std::string& path, int flags, std::string& error);

// Reads `fd` to its end into `text`, at most `limit` bytes: false, with the
// reason in `error`, on a read error or when there is more.
bool read_up_to(int fd, std::size_t limit, std::string& text, std::string& error);

// open_regular_file(path, 0) then read_up_to(limit), closing it again:
// false, with the reason in `error`, when either fails.
bool read_regular_file_up_to(const std::string& path, std::size_t limit, std::string& text, std::string& error);

// What a file of this mode is, for messages: "a FIFO", "a directory"…
const char* file_type_name(mode_t mode);

// Whether `fd` is an open socket.
bool is_socket(int fd);

}  // namespace vigil
