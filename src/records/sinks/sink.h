// Where records go. One small class per destination behind this interface;
// the recorder owns exactly one sink per process.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

class Sink {
 public:
  virtual ~Sink() = default;
  // Writes one record: `line` is complete and ends with '\n'. Either the
  // whole line is written or the call returns false; it never leaves part of
  // a line behind on purpose.
  virtual bool write_line(std::string_view line) = 0;
  // What interfered with the destination since the last call (its
  // descriptor closed or replaced), once; empty when nothing did. The
  // recorder turns it into an alert.
  virtual std::string take_interference() { return {}; }
};

}  // namespace vigil
