// Trust files (`path size sha256 [stat=…]` lines): a database file that is
// not root's alone may be written by anyone who can write it, and `vigil
// trust status` reads whatever it is given. Every entry `vigil trust`
// lists must be the one a lookup finds, and must read back from the line
// `vigil trust add` would write for it.
#include "fuzz_support.h"

#include "trust_database.h"

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil;
  static fuzz::InputFile file(".trust");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string& path = file.write(text);

  std::string problem;
  fuzz::for_each_line(text, [&](std::string_view line) { parse_trust_line(line, problem); });

  std::string error;
  std::unique_ptr<TrustDatabase> database = TrustDatabase::load({path}, false, error);
  if (!database) fuzz::fail("a readable trust file was refused", error);
  std::size_t visited = 0;
  database->visit([&](const std::string&, const TrustEntry& entry) {
    ++visited;
    std::string line = format_trust_line(entry.path, entry.size, entry.sha256, entry.key);
    line.pop_back();
    auto again = parse_trust_line(line, problem);
    if (!again || again->path != entry.path || again->size != entry.size || again->sha256 != entry.sha256 ||
        again->key != entry.key) {
      fuzz::fail("an entry does not read back from the line written for it", line);
    }
    if (!database->vouches_for(entry.path, entry.size, entry.sha256)) {
      fuzz::fail("a listed entry that lookups do not find", line);
    }
    struct stat status {};
    if (entry.key) {
      status.st_dev = entry.key->device;
      status.st_ino = entry.key->inode;
      status.st_ctim.tv_sec = entry.key->ctime_ns / 1000000000;
      status.st_ctim.tv_nsec = entry.key->ctime_ns % 1000000000;
      status.st_size = static_cast<off_t>(entry.size);
    }
    auto digest = database->digest_by_stat_key(entry.path, status);
    if (digest && digest->size() != 64) fuzz::fail("a stat key gave something else than a digest", line);
  });
  if (visited != database->entry_count()) fuzz::fail("entry_count disagrees with the entries listed");
  database->problems();
  return 0;
}
