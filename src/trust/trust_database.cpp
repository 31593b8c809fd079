#include "trust_database.h"

#include "file_io.h"
#include "policy_selection.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vigil {
namespace {

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_entry_line(std::string_view line) {
  auto first = line.find_first_not_of(" \t");
  return first != std::string_view::npos && line[first] != '#';
}

// The fields of an entry's line, split from the right because paths may
// hold spaces; not yet checked.
struct TrustFields {
  std::string_view path;
  std::string_view size;
  std::string_view sha256;
  std::string_view key;  // empty: none
  bool complete = false;
};

bool cut_last_field(std::string_view& line, std::string_view& field) {
  const void* space = memrchr(line.data(), ' ', line.size());
  if (space == nullptr) return false;
  auto at = static_cast<std::size_t>(static_cast<const char*>(space) - line.data());
  field = line.substr(at + 1);
  line = line.substr(0, at);
  return true;
}

TrustFields split_trust_line(std::string_view line) {
  TrustFields fields;
  std::string_view last;
  if (!cut_last_field(line, last)) return fields;
  if (last.starts_with(kStatKeyPrefix)) {
    fields.key = last;
    if (!cut_last_field(line, last)) return fields;
  }
  fields.sha256 = last;
  if (!cut_last_field(line, fields.size)) return fields;
  fields.path = line;
  fields.complete = true;
  return fields;
}

std::string_view path_of(std::string_view line) { return split_trust_line(line).path; }

std::size_t common_prefix(std::string_view a, std::string_view b) {
  static_assert(std::endian::native == std::endian::little, "the lowest differing byte comes first in memory");
  std::size_t length = std::min(a.size(), b.size());
  std::size_t at = 0;
  for (; at + 8 <= length; at += 8) {
    std::uint64_t x = 0;
    std::uint64_t y = 0;
    std::memcpy(&x, a.data() + at, 8);
    std::memcpy(&y, b.data() + at, 8);
    if (x != y) return at + static_cast<std::size_t>(std::countr_zero(x ^ y) / 8);
  }
  while (at < length && a[at] == b[at]) ++at;
  return at;
}

// Whether line `a` may come before line `b` in a file sorted by path.
// Checking a sorted file at every start is cheaper line against line:
// when the first difference is a printable character with no space
// before it, it lies inside both paths and decides their order.
bool in_path_order(std::string_view a, std::string_view b) {
  std::size_t at = common_prefix(a, b);
  if (at < a.size() && at < b.size()) {
    auto x = static_cast<unsigned char>(a[at]);
    auto y = static_cast<unsigned char>(b[at]);
    if (x > ' ' && y > ' ' && std::memchr(a.data(), ' ', at) == nullptr) return x < y;
  }
  return path_of(a) <= path_of(b);
}

template <typename Visit>
void for_each_line(std::string_view text, Visit visit) {
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const void* newline = std::memchr(text.data(), '\n', text.size());
    std::size_t length =
        newline == nullptr ? text.size() : static_cast<std::size_t>(static_cast<const char*>(newline) - text.data());
    visit(line_number, text.substr(0, length));
    text.remove_prefix(newline == nullptr ? text.size() : length + 1);
  }
}

}  // namespace

std::string format_trust_line(std::string_view path, std::uint64_t size, std::string_view sha256,
                              const std::optional<StatKey>& key) {
  std::string line(path);
  line += ' ';
  line += std::to_string(size);
  line += ' ';
  line += sha256;
  if (key) {
    line += ' ';
    line += format_stat_key(*key);
  }
  line += '\n';
  return line;
}

std::optional<TrustEntry> parse_trust_line(std::string_view line, std::string& problem) {
  problem.clear();
  if (!is_entry_line(line)) return std::nullopt;
  TrustFields fields = split_trust_line(line);
  TrustEntry entry;
  if (!fields.key.empty()) {
    entry.key = parse_stat_key(fields.key);
    if (!entry.key) {
      problem = "the stat key must be stat=DEVICE:INODE:CTIME_NS";
      return std::nullopt;
    }
  }
  if (!fields.complete) {
    problem = "expected `path size sha256`";
    return std::nullopt;
  }
  entry.path = fields.path;
  entry.sha256 = fields.sha256;
  auto [end, failure] = std::from_chars(fields.size.data(), fields.size.data() + fields.size.size(), entry.size);
  if (failure != std::errc() || end != fields.size.data() + fields.size.size() || fields.size.empty()) {
    problem = "the size is not a number";
    return std::nullopt;
  }
  if (entry.sha256.size() != 64 || !is_lower_hex(entry.sha256)) {
    problem = "the SHA-256 must be 64 lower-case hex digits";
    return std::nullopt;
  }
  if (entry.path.empty() || entry.path.front() != '/') {
    problem = "the path must be absolute";
    return std::nullopt;
  }
  return entry;
}

std::vector<std::string> trust_files_in(const std::string& directory) {
  std::vector<std::string> names;
  DIR* dir = opendir(directory.c_str());
  if (dir == nullptr) return names;
  while (dirent* item = readdir(dir)) {
    std::string_view name = item->d_name;
    if (name.size() > kTrustFileSuffix.size() && name.ends_with(kTrustFileSuffix) && name.front() != '.') {
      names.push_back(directory + "/" + std::string(name));
    }
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

std::unique_ptr<TrustDatabase> TrustDatabase::load(const std::vector<std::string>& locations, bool root_only,
                                                   std::string& error) {
  auto database = std::unique_ptr<TrustDatabase>(new TrustDatabase);
  for (const std::string& location : locations) {
    struct stat status {};
    if (stat(location.c_str(), &status) != 0) continue;
    if (S_ISDIR(status.st_mode)) {
      if (root_only) {
        std::string problem = root_only_writable_problem(location);
        if (!problem.empty()) {
          error = "trust directory " + problem;
          return nullptr;
        }
      }
      for (const std::string& file : trust_files_in(location)) {
        if (!database->add_file(file, root_only, error)) return nullptr;
      }
    } else if (!database->add_file(location, root_only, error)) {
      return nullptr;
    }
  }
  return database;
}

bool TrustDatabase::add_file(const std::string& path, bool root_only, std::string& error) {
  std::string others_can_write = root_only_writable_problem(path);
  if (root_only && !others_can_write.empty()) {
    error = "trust file " + others_can_write;
    return false;
  }
  std::string problem;
  int fd = open_regular_file(path, root_only ? O_NOFOLLOW : 0, problem);
  if (fd < 0) {
    error = "cannot read trust file " + problem;
    return false;
  }
  auto file = std::make_unique<File>();
  bool complete = read_whole_file(fd, file->text);
  int read_errno = errno;
  close(fd);
  if (!complete) {
    error = "cannot read trust file " + path + ": " + std::strerror(read_errno);
    return false;
  }
  file->name = path;
  file->stat_keys_believed = others_can_write.empty();
  // Only the lines are indexed here: a lookup parses the few it finds.
  bool sorted = true;
  for_each_line(file->text.view(), [&](int, std::string_view line) {
    // A line without a path vouches for nothing, and would sit in the
    // index out of order: lookups search it by path.
    if (!is_entry_line(line) || path_of(line).empty()) return;
    sorted = sorted && (file->lines.empty() || in_path_order(file->lines.back(), line));
    file->lines.push_back(line);
  });
  // `vigil trust` writes sorted files; hand-written ones are sorted here.
  if (!sorted) {
    std::stable_sort(file->lines.begin(), file->lines.end(),
                     [](std::string_view a, std::string_view b) { return path_of(a) < path_of(b); });
  }
  file_names_.push_back(path);
  files_.push_back(std::move(file));
  return true;
}

template <typename Found>
bool TrustDatabase::find_entry(std::string_view path, Found found) const {
  std::string problem;
  for (const auto& file : files_) {
    auto it = std::lower_bound(file->lines.begin(), file->lines.end(), path,
                               [](std::string_view line, std::string_view wanted) { return path_of(line) < wanted; });
    for (; it != file->lines.end() && path_of(*it) == path; ++it) {
      auto entry = parse_trust_line(*it, problem);
      if (entry && found(*entry, *file)) return true;
    }
  }
  return false;
}

std::vector<TrustEntry> TrustDatabase::entries_for(std::string_view path) const {
  std::vector<TrustEntry> entries;
  find_entry(path, [&](const TrustEntry& entry, const File&) {
    entries.push_back(entry);
    return false;
  });
  return entries;
}

bool TrustDatabase::vouches_for(std::string_view path, std::uint64_t size, std::string_view sha256) const {
  return find_entry(path, [&](const TrustEntry& entry, const File&) {
    return entry.size == size && entry.sha256 == sha256;
  });
}

std::optional<std::string_view> TrustDatabase::digest_by_stat_key(std::string_view path,
                                                                  const struct stat& status) const {
  StatKey key = stat_key_of(status);
  std::optional<std::string_view> digest;
  find_entry(path, [&](const TrustEntry& entry, const File& file) {
    if (!file.stat_keys_believed || entry.key != key || entry.size != static_cast<std::uint64_t>(status.st_size)) {
      return false;
    }
    digest = entry.sha256;
    return true;
  });
  return digest;
}

void TrustDatabase::visit(
    const std::function<void(const std::string& file, const TrustEntry& entry)>& visitor) const {
  std::string problem;
  for (const auto& file : files_) {
    for (std::string_view line : file->lines) {
      if (auto entry = parse_trust_line(line, problem)) visitor(file->name, *entry);
    }
  }
}

std::size_t TrustDatabase::entry_count() const {
  std::size_t count = 0;
  visit([&](const std::string&, const TrustEntry&) { ++count; });
  return count;
}

std::vector<std::string> TrustDatabase::problems() const {
  std::vector<std::string> problems;
  std::string problem;
  for (const auto& file : files_) {
    for_each_line(file->text.view(), [&](int line_number, std::string_view line) {
      if (!parse_trust_line(line, problem) && !problem.empty()) {
        problems.push_back(file->name + ":" + std::to_string(line_number) + ": " + problem);
      }
    });
  }
  return problems;
}

}  // namespace vigil
