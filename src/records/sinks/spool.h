// A remote sink's records while its collector cannot be reached: a file of
// octet-counted frames (RFC 6587, exactly the bytes that would have been
// sent) per process, locked with flock() while the process lives. Files
// whose lock can be taken belong to processes that ended before their
// collector came back; any later process with the same sink delivers them.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace vigil {

class Spool {
 public:
  explicit Spool(std::string directory) : directory_(std::move(directory)) {}
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  const std::string& directory() const { return directory_; }
  bool available() const { return !directory_.empty(); }
  // Appends whole frames, creating the directory (0700) and this process's
  // file on first use.
  bool append(std::string_view frames, std::string& error);
  // This process's spooled frames, left in the file until consume().
  std::string peek();
  // Removes the first `size` bytes peek() returned (frames appended since
  // stay).
  void consume(std::size_t size);
  // Hands each ended process's spool to `deliver`, deleting those it
  // accepts; returns how many frames were delivered.
  std::size_t deliver_orphans(const std::function<bool(std::string_view)>& deliver);
  // At exit: a spool that holds nothing is not left behind.
  void remove_if_empty();
  // In a forked child: the file and its lock stay the parent's.
  void abandon();

 private:
  bool open_file(std::string& error);

  std::string directory_;
  std::string path_;
  int fd_ = -1;
};

// The longest prefix of `bytes` made of whole frames, and how many.
std::string_view whole_frames(std::string_view bytes, std::size_t& count);

}  // namespace vigil
