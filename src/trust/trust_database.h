// The trust database: text files of `path size sha256` lines, the format of
// fapolicyd's trust files, plus drop-in directories of `*.trust` files.
// A file is vouched for when an entry names its canonical path, its exact
// size and the SHA-256 of its bytes: a name alone never counts. An entry
// may end with the file's stat key, which spares hashing it again.
#pragma once

#include "file_bytes.h"
#include "stat_key.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

struct TrustEntry {
  std::string_view path;
  std::uint64_t size = 0;
  std::string_view sha256;  // 64 lower-case hex digits
  std::optional<StatKey> key;
};

// One line of a trust file. Paths may contain spaces (size, digest and
// the optional stat key are the last fields); a path with a newline
// cannot be written.
std::string format_trust_line(std::string_view path, std::uint64_t size, std::string_view sha256,
                              const std::optional<StatKey>& key = std::nullopt);
// nullopt: not an entry (blank, comment, or malformed; `problem` says which).
std::optional<TrustEntry> parse_trust_line(std::string_view line, std::string& problem);

inline constexpr std::string_view kTrustFileSuffix = ".trust";

class TrustDatabase {
 public:
  // Every file named, and every *.trust file directly in each directory
  // named. A location that does not exist holds no entries. Malformed
  // lines vouch for nothing and are reported in problems().
  // `root_only`: a locked policy's database must be writable by root
  // alone, like the policy; a file that is not is not loaded, and the
  // reason is returned as an error.
  static std::unique_ptr<TrustDatabase> load(const std::vector<std::string>& locations, bool root_only,
                                             std::string& error);

  // The entries for a canonical path, from every file.
  std::vector<TrustEntry> entries_for(std::string_view path) const;
  bool vouches_for(std::string_view path, std::uint64_t size, std::string_view sha256) const;
  // The digest an entry for `path` recorded with the stat key `status`
  // has now, if one did and its trust file is root's alone: a key in a
  // file others can write could make a record show another file's digest.
  std::optional<std::string_view> digest_by_stat_key(std::string_view path, const struct stat& status) const;

  // The following parse every line, for `vigil trust`; lookups parse
  // only the lines they find, since vigil-python loads the database at
  // every start.
  std::size_t entry_count() const;
  // Every entry with the file it is in.
  void visit(const std::function<void(const std::string& file, const TrustEntry& entry)>& visitor) const;
  // Malformed lines, as file:line: problem.
  std::vector<std::string> problems() const;
  const std::vector<std::string>& files() const { return file_names_; }

 private:
  struct File {
    std::string name;
    FileBytes text;
    std::vector<std::string_view> lines;  // entries' lines, sorted by path; views into text
    bool stat_keys_believed = false;
  };
  bool add_file(const std::string& path, bool root_only, std::string& error);
  // Calls `found(entry, file)` with each well-formed entry for `path`
  // until it returns true.
  template <typename Found>
  bool find_entry(std::string_view path, Found found) const;

  std::vector<std::unique_ptr<File>> files_;
  std::vector<std::string> file_names_;
};

// The *.trust files directly in `directory`, sorted; empty if none.
std::vector<std::string> trust_files_in(const std::string& directory);

}  // namespace vigil
