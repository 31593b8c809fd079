// Where records go. One small class per destination behind this interface;
// the recorder owns exactly one sink per process.
#pragma once

#include <string_view>

namespace vigil {

class Sink {
 public:
  virtual ~Sink() = default;
  // Writes one record: `line` is complete and ends with '\n'. Either the
  // whole line is written or the call returns false; it never leaves part of
  // a line behind on purpose.
  virtual bool write_line(std::string_view line) = 0;
};

}  // namespace vigil
