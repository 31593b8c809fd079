// Reading a whole file from one descriptor: what is checked is what runs.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

namespace vigil {

// Bytes read from a file, not initialised before the read fills them.
struct FileBytes {
  std::unique_ptr<char[]> data;
  std::size_t size = 0;
  std::string_view view() const { return {data.get(), size}; }
  static FileBytes copy_of(std::string_view bytes);
};

// Reads `fd` to its end. False with errno set on failure, ENOMEM included:
// it runs without the GIL and must not throw.
bool read_whole_file(int fd, FileBytes& content) noexcept;

}  // namespace vigil
