#include "open_target.h"

#include "py_ref.h"
#include "scratch_path.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace vigil {
namespace {

PyRef text(const char* value) { return PyRef::steal(PyUnicode_FromString(value)); }
PyRef number(long value) { return PyRef::steal(PyLong_FromLong(value)); }

std::string own_mem() { return "/proc/" + std::to_string(getpid()) + "/mem"; }

TEST(OpenTarget, ProcMemIsFoundUnderADirFd) {
  int directory = open("/proc/self", O_RDONLY | O_DIRECTORY);
  ASSERT_GE(directory, 0);
  PyRef mem = text("mem");
  auto target = find_open_target(mem.get(), {directory, mem.get()});
  close(directory);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->proc_path, own_mem());
}

TEST(OpenTarget, ProcMemIsFoundThroughASymbolicLinkAndOtherSpellings) {
  ScratchPath link("open-target-link");
  ASSERT_EQ(symlink("/proc/self/mem", link.c_str()), 0);
  for (const std::string& spelling : {static_cast<const std::string&>(link), std::string("/proc/self/task/../mem"),
                                      std::string("/proc/./self//mem")}) {
    auto target = find_open_target(text(spelling.c_str()).get(), {});
    ASSERT_TRUE(target) << spelling;
    EXPECT_EQ(target->proc_path, own_mem()) << spelling;
  }
  PyRef bytes = PyRef::steal(PyBytes_FromString("/proc/thread-self/mem"));
  auto thread = find_open_target(bytes.get(), {});
  ASSERT_TRUE(thread);
  EXPECT_EQ(thread->proc_path, "/proc/" + std::to_string(getpid()) + "/task/" + std::to_string(gettid()) + "/mem");
}

TEST(OpenTarget, OrdinaryFilesHaveAnIdentityButNoProcPath) {
  auto target = find_open_target(text("/etc/hostname").get(), {});
  ASSERT_TRUE(target);
  struct stat status {};
  ASSERT_EQ(stat("/etc/hostname", &status), 0);
  EXPECT_EQ(target->inode, status.st_ino);
  EXPECT_TRUE(target->proc_path.empty());
}

TEST(OpenTarget, WhatCannotBeReadWithoutPythonCodeHasNoTarget) {
  EXPECT_FALSE(find_open_target(text("/nonexistent/vigil").get(), {}));
  PyRef path_like = PyRef::steal(PyList_New(0));
  EXPECT_FALSE(find_open_target(path_like.get(), {}));
  EXPECT_FALSE(find_descriptor_target(number(-1).get()));
  EXPECT_FALSE(PyErr_Occurred());
}

TEST(OpenTarget, WritingIsToldByModeOrFlags) {
  EXPECT_FALSE(opens_for_writing(text("rb").get(), number(O_RDONLY).get()));
  EXPECT_TRUE(opens_for_writing(text("r+b").get(), number(0).get()));
  EXPECT_TRUE(opens_for_writing(text("ab").get(), number(0).get()));
  EXPECT_TRUE(opens_for_writing(Py_None, number(O_WRONLY).get()));
  EXPECT_TRUE(opens_for_writing(Py_None, number(O_RDONLY | O_TRUNC).get()));
  EXPECT_FALSE(opens_for_writing(Py_None, number(O_RDONLY | O_CLOEXEC).get()));
}

}  // namespace
}  // namespace vigil
