// Small file and descriptor helpers shared by the log, the sinks, the
// spool and the vigil command.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

namespace vigil {

// Moves a descriptor Vigil owns out of the range programs pick by number,
// enumerate or close wholesale (above the soft RLIMIT_NOFILE where
// possible, always above 2), close-on-exec. Returns the descriptor to use
// from now on (`fd` itself when it is above 2 and cannot move), or -1 with
// errno set and `fd` closed.
int move_above_stdio(int fd);

// mkdir -p, with `mode` for every directory it creates.
bool make_directories(const std::string& path, mode_t mode);

// The directory part of an absolute path ("/" for a file at the root).
std::string parent_directory(const std::string& path);

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

// What a file of this mode is, for messages: "a FIFO", "a directory"…
const char* file_type_name(mode_t mode);

}  // namespace vigil
