#include "file_trust.h"
#include "scratch_path.h"
#include "sha256.h"
#include "trust_database.h"
#include "type_expression.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fcntl.h>
#include <climits>
#include <sys/stat.h>
#include <fstream>
#include <sys/xattr.h>
#include <unistd.h>

namespace vigil {
namespace {

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

const std::string kHash(64, 'a');

TEST(TrustLine, ReadsPathsWithSpacesFromTheRight) {
  std::string problem;
  std::string line = "/opt/my app/x.py 12 " + kHash;
  auto entry = parse_trust_line(line, problem);  // views into line
  ASSERT_TRUE(entry) << problem;
  EXPECT_EQ(entry->path, "/opt/my app/x.py");
  EXPECT_EQ(entry->size, 12U);
  EXPECT_EQ(entry->sha256, kHash);
  EXPECT_EQ(format_trust_line(entry->path, entry->size, entry->sha256), "/opt/my app/x.py 12 " + kHash + "\n");
}

TEST(TrustLine, SaysWhatIsWrongWithAMalformedLine) {
  std::string problem;
  EXPECT_FALSE(parse_trust_line("# a comment", problem));
  EXPECT_EQ(problem, "");
  EXPECT_FALSE(parse_trust_line("relative.py 1 " + kHash, problem));
  EXPECT_EQ(problem, "the path must be absolute");
  EXPECT_FALSE(parse_trust_line("/x.py ten " + kHash, problem));
  EXPECT_EQ(problem, "the size is not a number");
  EXPECT_FALSE(parse_trust_line("/x.py 1 " + std::string(64, 'A'), problem));
  EXPECT_EQ(problem, "the SHA-256 must be 64 lower-case hex digits");
  EXPECT_FALSE(parse_trust_line("/x.py", problem));
  EXPECT_EQ(problem, "expected `path size sha256`");
}

TEST(TrustLine, CarriesAnOptionalStatKeyAsItsLastField) {
  StatKey key{65024, 14639195, 1795362822859663537};
  std::string line = format_trust_line("/opt/my app/x.py", 12, kHash, key);
  EXPECT_EQ(line, "/opt/my app/x.py 12 " + kHash + " stat=65024:14639195:1795362822859663537\n");
  line.pop_back();
  std::string problem;
  auto entry = parse_trust_line(line, problem);
  ASSERT_TRUE(entry) << problem;
  EXPECT_EQ(entry->path, "/opt/my app/x.py");
  EXPECT_EQ(entry->sha256, kHash);
  EXPECT_EQ(entry->key, key);
  EXPECT_FALSE(parse_trust_line("/x.py 1 " + kHash, problem)->key);
  for (const char* bad : {"stat=1:2", "stat=1:2:x", "stat=1:2:3:4", "stat="}) {
    EXPECT_FALSE(parse_trust_line("/x.py 1 " + kHash + " " + bad, problem)) << bad;
    EXPECT_EQ(problem, "the stat key must be stat=DEVICE:INODE:CTIME_NS");
  }
}

TEST(TypeExpression, AcceptsAnnotationsAndNoCall) {
  for (const char* annotation : {"int", "dict[str, list[int]] | None", "typing.Optional['Node']", "Literal[-1, \"a b\"]",
                                 "tuple[()]", "Callable[[int], str]", "*Ts", "Annotated[int, ...]", "Literal[b'x', rb'\\d']"}) {
    EXPECT_TRUE(is_type_expression(annotation)) << annotation;
  }
  for (const char* code : {"__import__('os').system('id')", "os.system ('id')", "f'{os.system(1)}'", "x := 1",
                           "lambda: 0", "x[0](1)", "a; b", "'unterminated", "list[int]  # comment", "a = 1",
                           "(os.system)('id')", "t'{os.system(1)}'", "fr'{x}'", "name'x'"}) {
    EXPECT_FALSE(is_type_expression(code)) << code;
  }
}

TEST(TrustText, TheContentMustMatchTheEntryForItsPath) {
  ScratchPath scratch_file("vouched.py");
  ScratchPath database_file("text.trust");
  const std::string& path = scratch_file;
  std::string text = "print('hello')\n";
  write_file(database_file, format_trust_line(path, text.size(), Sha256::hex_of(text)) + "\n");
  std::string error;
  auto database = TrustDatabase::load({database_file}, false, error);
  ASSERT_TRUE(database) << error;
  TrustSources sources;
  sources.database = database.get();
  EXPECT_STREQ(vouches_for_text(path, text, sources), "database");
  EXPECT_EQ(vouches_for_text(path, "print('other')\n", sources), nullptr);
  EXPECT_EQ(vouches_for_text(path + ".other", text, sources), nullptr);
}

TEST(TrustDatabase, VouchesOnlyForThePathSizeAndDigestTogether) {
  ScratchPath file("unsorted.trust");
  // Hand-written and unsorted: loading sorts it.
  write_file(file, "/b.py 2 " + kHash + "\n/a.py 1 " + kHash + "\nbroken line\n/a.py 1 " + std::string(64, 'b') + "\n");
  std::string error;
  auto database = TrustDatabase::load({file, "/nonexistent/trust.d"}, false, error);
  ASSERT_TRUE(database) << error;
  EXPECT_EQ(database->entry_count(), 3U);
  EXPECT_TRUE(database->vouches_for("/a.py", 1, kHash));
  EXPECT_TRUE(database->vouches_for("/a.py", 1, std::string(64, 'b')));
  EXPECT_TRUE(database->vouches_for("/b.py", 2, kHash));
  EXPECT_FALSE(database->vouches_for("/b.py", 3, kHash));
  EXPECT_FALSE(database->vouches_for("/c.py", 1, kHash));
  EXPECT_EQ(database->entries_for("/a.py").size(), 2U);
  ASSERT_EQ(database->problems().size(), 1U);
  EXPECT_EQ(database->problems()[0], std::string(file) + ":3: expected `path size sha256`");
}

TEST(TrustDatabase, FindsPathsWithSpacesWhoseLinesSortDifferently) {
  // Line by line these two are in order; by path they are not.
  ScratchPath file("spaces.trust");
  const std::string hash_b(64, 'b');
  write_file(file, "/x 5 a 1 " + kHash + "\n/x 5 " + hash_b + "\n");
  std::string error;
  auto database = TrustDatabase::load({file}, false, error);
  ASSERT_TRUE(database) << error;
  EXPECT_TRUE(database->vouches_for("/x", 5, hash_b));
  EXPECT_TRUE(database->vouches_for("/x 5 a", 1, kHash));
}

TEST(TrustDatabase, AMalformedLineDoesNotHideTheEntriesAroundIt) {
  // Found by tests/fuzz/trust_fuzz: "/srv/b.py 3=x" has no path field, yet
  // line by line it sorts between its neighbours, so a lookup's binary
  // search by path went astray and missed /srv/a.py, which `vigil trust`
  // still listed.
  ScratchPath file("malformed.trust");
  write_file(file, "/srv/a.py 1 " + kHash + "\n/srv/b.py 3=x\n/usr/c.py 2 " + kHash + "\n");
  std::string error;
  auto database = TrustDatabase::load({file}, false, error);
  ASSERT_TRUE(database) << error;
  EXPECT_TRUE(database->vouches_for("/srv/a.py", 1, kHash));
  EXPECT_TRUE(database->vouches_for("/usr/c.py", 2, kHash));
  EXPECT_EQ(database->problems().size(), 1U);
}

TEST(TrustDatabase, ReadsOnlyTrustFilesOfADirectory) {
  std::string directory = testing::TempDir() + "/trust.d." + std::to_string(getpid());
  ASSERT_EQ(mkdir(directory.c_str(), 0700), 0);
  write_file(directory + "/app.trust", "/app.py 1 " + kHash + "\n");
  write_file(directory + "/notes.txt", "/notes.py 1 " + kHash + "\n");
  std::string error;
  auto database = TrustDatabase::load({directory}, false, error);
  unlink((directory + "/app.trust").c_str());
  unlink((directory + "/notes.txt").c_str());
  rmdir(directory.c_str());
  ASSERT_TRUE(database) << error;
  EXPECT_EQ(database->files(), std::vector<std::string>{directory + "/app.trust"});
  EXPECT_TRUE(database->vouches_for("/app.py", 1, kHash));
  EXPECT_FALSE(database->vouches_for("/notes.py", 1, kHash));
}

TEST(TrustDatabase, ALockedPolicyRefusesAFileOthersCanWrite) {
  ScratchPath file("writable.trust");
  write_file(file, "");
  chmod(file.c_str(), 0666);
  std::string error;
  EXPECT_FALSE(TrustDatabase::load({file}, true, error));
  EXPECT_NE(error.find("writable by its group or by others"), std::string::npos) << error;
}

class CheckedFile : public testing::Test {
 protected:
  void SetUp() override {
    write_file(path_, "print('x')\n");
    fd_ = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd_, 0);
  }
  void TearDown() override { close(fd_); }
  FileTrust check(const TrustSources& sources) { return check_file(fd_, bytes_, sources, false); }

  ScratchPath path_{"checked.py"};
  int fd_ = -1;
  std::string bytes_ = "print('x')\n";
  std::string hash_ = Sha256::hex_of(bytes_);
};

TEST_F(CheckedFile, TrustedByADatabaseEntryForItsResolvedPath) {
  ScratchPath file("one.trust");
  char resolved[PATH_MAX];
  ASSERT_NE(realpath(path_.c_str(), resolved), nullptr);
  write_file(file, format_trust_line(resolved, bytes_.size(), hash_));
  std::string error;
  auto database = TrustDatabase::load({file}, false, error);
  FileTrust trust = check({database.get(), false});
  EXPECT_TRUE(trust.trusted) << trust.reason;
  EXPECT_STREQ(trust.vouched_by, "database");
  EXPECT_EQ(trust.path, resolved);
}

TEST_F(CheckedFile, AStatKeyIsNotBelievedFromATrustFileOthersCanWrite) {
  // The scratch directory is under /tmp, which everyone can write: the
  // forged digest is ignored and the bytes are hashed.
  ScratchPath file("keyed.trust");
  char resolved[PATH_MAX];
  ASSERT_NE(realpath(path_.c_str(), resolved), nullptr);
  struct stat status {};
  ASSERT_EQ(fstat(fd_, &status), 0);
  const std::string forged(64, 'f');
  write_file(file, format_trust_line(resolved, bytes_.size(), forged, stat_key_of(status)));
  std::string error;
  auto database = TrustDatabase::load({file}, false, error);
  ASSERT_TRUE(database) << error;
  EXPECT_FALSE(database->digest_by_stat_key(resolved, status));
  TrustSources sources{database.get(), false, true};
  FileTrust trust = check(sources);
  EXPECT_EQ(trust.sha256, hash_);
  EXPECT_FALSE(trust.trusted);
}

TEST_F(CheckedFile, OnlyTheSecurityNamespaceCounts) {
  ASSERT_EQ(fsetxattr(fd_, "user.vigil.sha256", hash_.data(), hash_.size(), 0), 0);
  FileTrust trust = check({nullptr, true});
  EXPECT_FALSE(trust.trusted);
  EXPECT_EQ(trust.reason, "no trust source vouches for its SHA-256");
  if (fsetxattr(fd_, kTrustXattr, hash_.data(), hash_.size(), 0) != 0) {
    GTEST_SKIP() << "setting security.* needs CAP_SYS_ADMIN: " << std::strerror(errno);
  }
  trust = check({nullptr, true});
  EXPECT_TRUE(trust.trusted);
  EXPECT_STREQ(trust.vouched_by, "xattr");
  // The attribute names other bytes than the ones that would run.
  trust = check_file(fd_, "print('y')\n", {nullptr, true}, false);
  EXPECT_FALSE(trust.trusted);
}

TEST_F(CheckedFile, TheKernelRefusesAFileWithoutExecutePermission) {
  if (!kernel_supports_execution_check()) GTEST_SKIP() << "AT_EXECVE_CHECK needs Linux 6.14";
  FileTrust trust = check_file(fd_, bytes_, {}, true);
  EXPECT_EQ(trust.kernel, KernelAnswer::denied);
  EXPECT_FALSE(trust.trusted);
  fchmod(fd_, 0755);
  trust = check_file(fd_, bytes_, {}, true);
  EXPECT_EQ(trust.kernel, KernelAnswer::allowed);
  EXPECT_TRUE(trust.trusted) << trust.reason;
}

}  // namespace
}  // namespace vigil
