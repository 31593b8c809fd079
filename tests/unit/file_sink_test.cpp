#include "scratch_path.h"
#include "settings.h"
#include "sinks/file_sink.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/mount.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace vigil {
namespace {

std::string contents(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(FileSink, AppendsWholeLinesOnAHighCloexecDescriptor) {
  ScratchPath path("append");
  std::string error;
  auto sink = open_log({path, LogChoice::Origin::chosen}, error);
  ASSERT_TRUE(sink) << error;
  EXPECT_GT(sink->descriptor(), 2);
  EXPECT_TRUE(fcntl(sink->descriptor(), F_GETFD) & FD_CLOEXEC);
  EXPECT_TRUE(fcntl(sink->descriptor(), F_GETFL) & O_APPEND);
  EXPECT_TRUE(sink->write_line("one\n"));
  EXPECT_TRUE(sink->write_line("two\n"));
  EXPECT_EQ(contents(path), "one\ntwo\n");
}

TEST(FileSink, ReopensWhenItsDescriptorIsClosed) {
  ScratchPath path("reopen");
  std::string error;
  auto sink = open_log({path, LogChoice::Origin::chosen}, error);
  ASSERT_TRUE(sink);
  close(sink->descriptor());
  EXPECT_TRUE(sink->write_line("after close\n"));
  EXPECT_EQ(contents(path), "after close\n");
}

TEST(FileSink, ReportsAnUnopenableFile) {
  std::string error;
  EXPECT_FALSE(open_log({"/nonexistent-dir/log", LogChoice::Origin::chosen}, error));
  EXPECT_NE(error.find("/nonexistent-dir/log"), std::string::npos);
}

TEST(FileSink, RefusesWhatIsNotARegularFileWithoutBlocking) {
  ScratchPath path("fifo");
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  std::string error;
  EXPECT_FALSE(open_log({path, LogChoice::Origin::chosen}, error));  // no reader: open(2) would wait for one
  EXPECT_NE(error.find("a FIFO, not a regular file"), std::string::npos) << error;
  int reader = open(path.c_str(), O_RDONLY | O_NONBLOCK);
  EXPECT_FALSE(open_log({path, LogChoice::Origin::chosen}, error));  // a reader: write(2) would fill the pipe
  EXPECT_NE(error.find("a FIFO, not a regular file"), std::string::npos) << error;
  close(reader);
  EXPECT_FALSE(open_log({"/dev/null", LogChoice::Origin::chosen}, error));
  EXPECT_NE(error.find("a character device"), std::string::npos) << error;
}

TEST(FileSink, OpensWithoutNonBlockingAndWithAppend) {
  ScratchPath path("flags");
  std::string error;
  auto sink = open_log({path, LogChoice::Origin::chosen}, error);
  ASSERT_TRUE(sink) << error;
  int flags = fcntl(sink->descriptor(), F_GETFL);
  EXPECT_TRUE(flags & O_APPEND);
  EXPECT_FALSE(flags & O_NONBLOCK);
}

TEST(FileSink, NeverWritesOverTheLogWhenAppendIsCleared) {
  ScratchPath path("append-cleared");
  std::string error;
  auto sink = open_log({path, LogChoice::Origin::chosen}, error);
  ASSERT_TRUE(sink) << error;
  ASSERT_TRUE(sink->write_line("first\n"));
  int fd = sink->descriptor();
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_APPEND);
  lseek(fd, 0, SEEK_SET);
  EXPECT_TRUE(sink->write_line("second\n"));
  EXPECT_EQ(contents(path), "first\nsecond\n");
  EXPECT_NE(sink->take_interference().find("flags changed"), std::string::npos);
}

TEST(FileSink, LogChoicesAreAbsolute) {
  for (const LogChoice& choice : log_choices("relative/log.jsonl")) EXPECT_EQ(choice.path.front(), '/') << choice.path;
}

TEST(FileSink, ConcurrentWritersNeverInterleave) {
  ScratchPath path("concurrent");
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&path, w] {
      std::string error;
      auto sink = open_log({path, LogChoice::Origin::chosen}, error);  // one descriptor each, like processes
      std::string line(1000 + w * 500, static_cast<char>('a' + w));
      line += '\n';
      for (int i = 0; i < 500; ++i) sink->write_line(line);
    });
  }
  for (auto& writer : writers) writer.join();
  std::ifstream in(path);
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    ++count;
    ASSERT_EQ(line.find_first_not_of(line[0]), std::string::npos) << "interleaved line";
  }
  EXPECT_EQ(count, 2000);
}

// A full file system can stop a record anywhere, even just before its
// newline. Those bytes are the whole record, and a reader parses it: it is
// written, not lost, and the next record ends its line first.
TEST(FileSink, ARecordCutJustBeforeItsNewlineIsWritten) {
  if (geteuid() != 0) GTEST_SKIP() << "mounting a two-page tmpfs needs root; make test and CI run as root";
  std::string directory = testing::TempDir() + "/full-fs" + std::to_string(getpid());
  ASSERT_EQ(mkdir(directory.c_str(), 0700), 0);
  ASSERT_EQ(mount("tmpfs", directory.c_str(), "tmpfs", 0, "size=8k"), 0) << std::strerror(errno);
  std::string path = directory + "/log";
  std::string error;
  auto sink = open_log({path, LogChoice::Origin::chosen}, error);
  ASSERT_TRUE(sink) << error;
  std::string record = "{\"seq\":1,\"pad\":\"" + std::string(8192 - 18, 'x') + "\"}";
  ASSERT_EQ(record.size(), 8192u);
  EXPECT_TRUE(sink->write_line(record + "\n"));
  EXPECT_FALSE(sink->write_line("{\"seq\":2}\n"));  // no room at all
  std::string written = contents(path);
  sink.reset();
  umount(directory.c_str());
  rmdir(directory.c_str());
  EXPECT_EQ(written, record);
}

}  // namespace
}  // namespace vigil
