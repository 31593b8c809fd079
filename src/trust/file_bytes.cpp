#include "file_bytes.h"

#include "file_io.h"

#include <cerrno>
#include <cstring>
#include <new>
#include <sys/stat.h>
#include <unistd.h>

namespace vigil {
namespace {

bool read_into(int fd, FileBytes& content) {
  struct stat status {};
  if (fstat(fd, &status) != 0) return false;
  if (S_ISDIR(status.st_mode)) {
    errno = EISDIR;
    return false;
  }
  // One byte more than the size says, so a single read also sees the end.
  std::size_t capacity = static_cast<std::size_t>(status.st_size > 0 ? status.st_size : 0) + 1;
  content.data.reset(new char[capacity]);
  content.size = 0;
  for (;;) {
    if (content.size == capacity) {
      std::size_t larger = capacity * 2;
      std::unique_ptr<char[]> grown(new char[larger]);
      std::memcpy(grown.get(), content.data.get(), content.size);
      content.data = std::move(grown);
      capacity = larger;
    }
    ssize_t n = retry_interrupted([&] { return read(fd, content.data.get() + content.size, capacity - content.size); });
    if (n < 0) return false;
    if (n == 0) return true;
    content.size += static_cast<std::size_t>(n);
  }
}

}  // namespace

FileBytes FileBytes::copy_of(std::string_view bytes) {
  FileBytes copy;
  copy.data.reset(new char[bytes.size()]);
  std::memcpy(copy.data.get(), bytes.data(), bytes.size());
  copy.size = bytes.size();
  return copy;
}

bool read_whole_file(int fd, FileBytes& content) noexcept {
  try {
    return read_into(fd, content);
  } catch (const std::bad_alloc&) {
    errno = ENOMEM;
    return false;
  }
}

}  // namespace vigil
