// A file name in the test's temporary directory, removed before and after.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <unistd.h>

namespace vigil {

class ScratchPath {
 public:
  explicit ScratchPath(const char* name) : path_(testing::TempDir() + "/" + name + std::to_string(getpid())) {
    unlink(path_.c_str());
  }
  ~ScratchPath() { unlink(path_.c_str()); }
  ScratchPath(const ScratchPath&) = delete;
  ScratchPath& operator=(const ScratchPath&) = delete;
  operator const std::string&() const { return path_; }
  const char* c_str() const { return path_.c_str(); }

 private:
  std::string path_;
};

}  // namespace vigil
