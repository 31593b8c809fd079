#include "exec_securebits.h"
#include "file_trust.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

namespace vigil {
namespace {

TEST(ExecSecurebits, WordsNameTheBitsAndNoBitMeansBoth) {
  std::string error;
  auto both = parse_exec_securebits("", error);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->names(), (std::vector<std::string>{"SECBIT_EXEC_RESTRICT_FILE", "SECBIT_EXEC_DENY_INTERACTIVE"}));
  EXPECT_EQ(both->mask(), 0x500U);
  auto locked = parse_exec_securebits("interactive,locked", error);
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->mask(), 0xC00U);
  EXPECT_EQ(locked->honoured_names(), std::vector<std::string>{"SECBIT_EXEC_DENY_INTERACTIVE"});
  EXPECT_EQ(parse_exec_securebits("locked", error)->mask(), 0xF00U);
  EXPECT_FALSE(parse_exec_securebits("file,files", error));
  EXPECT_EQ(error, "--secure-exec takes file, interactive and locked, not 'files'");
}

TEST(ExecSecurebits, OnlyTheExecBitsAreReadFromTheMask) {
  // SECBIT_NOROOT and SECBIT_KEEP_CAPS beside them.
  ExecSecurebits bits = ExecSecurebits::from_mask(0x1 | 0x10 | 0x200 | 0x400);
  EXPECT_EQ(bits.names(),
            (std::vector<std::string>{"SECBIT_EXEC_RESTRICT_FILE_LOCKED", "SECBIT_EXEC_DENY_INTERACTIVE"}));
  EXPECT_EQ(bits.mask(), 0x600U);
}

// In a child without privilege, so this process keeps its bits: the
// kernel sets them for a process without CAP_SETPCAP, they are read back,
// and asking again for bits already set succeeds (the kernel itself would
// refuse such a process a call that changes nothing).
TEST(ExecSecurebits, AnUnprivilegedProcessSetsThemAndAddingThemAgainChangesNothing) {
  if (!kernel_supports_execution_check()) GTEST_SKIP() << "the exec securebits need Linux 6.14";
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (getuid() == 0 && setuid(65534) != 0) _exit(2);
    std::string error;
    ExecSecurebits wanted;
    wanted.deny_interactive = true;
    ExecSecurebits found;
    bool ok = add_exec_securebits(wanted, error) && read_exec_securebits(found, error) && found.deny_interactive &&
              !found.restrict_file && add_exec_securebits(wanted, error);
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace vigil
