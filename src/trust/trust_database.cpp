#include "trust_database.h"

#include "file_bytes.h"
#include "policy_selection.h"

#include <algorithm>
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

bool by_path(const TrustEntry& a, const TrustEntry& b) { return a.path < b.path; }

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
  auto first = line.find_first_not_of(" \t");
  if (first == std::string_view::npos || line[first] == '#') return std::nullopt;
  std::optional<StatKey> key;
  if (auto key_at = line.rfind(' '); key_at != std::string_view::npos) {
    std::string_view last = line.substr(key_at + 1);
    if (last.starts_with(kStatKeyPrefix)) {
      key = parse_stat_key(last);
      if (!key) {
        problem = "the stat key must be stat=DEVICE:INODE:CTIME_NS";
        return std::nullopt;
      }
      line = line.substr(0, key_at);
    }
  }
  auto digest_at = line.rfind(' ');
  auto size_at = digest_at == std::string_view::npos || digest_at == 0 ? std::string_view::npos
                                                                       : line.rfind(' ', digest_at - 1);
  if (size_at == std::string_view::npos) {
    problem = "expected `path size sha256`";
    return std::nullopt;
  }
  TrustEntry entry;
  entry.key = key;
  entry.path = line.substr(0, size_at);
  entry.sha256 = line.substr(digest_at + 1);
  std::string_view size = line.substr(size_at + 1, digest_at - size_at - 1);
  auto [end, failure] = std::from_chars(size.data(), size.data() + size.size(), entry.size);
  if (failure != std::errc() || end != size.data() + size.size() || size.empty()) {
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
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | (root_only ? O_NOFOLLOW : 0));
  if (fd < 0) {
    error = "cannot read trust file " + path + ": " + std::strerror(errno);
    return false;
  }
  FileBytes bytes;
  bool complete = read_whole_file(fd, bytes);
  int read_errno = errno;
  close(fd);
  if (!complete) {
    error = "cannot read trust file " + path + ": " + std::strerror(read_errno);
    return false;
  }
  auto file = std::make_unique<File>();
  file->name = path;
  file->stat_keys_believed = others_can_write.empty();
  file->text.assign(bytes.data.get(), bytes.size);
  std::string_view text = file->text;
  std::string problem;
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (auto entry = parse_trust_line(line, problem)) {
      file->entries.push_back(*entry);
    } else if (!problem.empty()) {
      problems_.push_back(path + ":" + std::to_string(line_number) + ": " + problem);
    }
  }
  // `vigil trust` writes sorted files; hand-written ones are sorted here.
  if (!std::is_sorted(file->entries.begin(), file->entries.end(), by_path)) {
    std::stable_sort(file->entries.begin(), file->entries.end(), by_path);
  }
  file_names_.push_back(path);
  files_.push_back(std::move(file));
  return true;
}

std::vector<TrustEntry> TrustDatabase::entries_for(std::string_view path) const {
  std::vector<TrustEntry> found;
  TrustEntry key{path, 0, {}, {}};
  for (const auto& file : files_) {
    auto [first, last] = std::equal_range(file->entries.begin(), file->entries.end(), key, by_path);
    found.insert(found.end(), first, last);
  }
  return found;
}

bool TrustDatabase::vouches_for(std::string_view path, std::uint64_t size, std::string_view sha256) const {
  TrustEntry key{path, 0, {}, {}};
  for (const auto& file : files_) {
    auto [first, last] = std::equal_range(file->entries.begin(), file->entries.end(), key, by_path);
    for (auto it = first; it != last; ++it) {
      if (it->size == size && it->sha256 == sha256) return true;
    }
  }
  return false;
}

std::optional<std::string_view> TrustDatabase::digest_by_stat_key(std::string_view path,
                                                                  const struct stat& status) const {
  StatKey key = stat_key_of(status);
  TrustEntry probe{path, 0, {}, {}};
  for (const auto& file : files_) {
    if (!file->stat_keys_believed) continue;
    auto [first, last] = std::equal_range(file->entries.begin(), file->entries.end(), probe, by_path);
    for (auto it = first; it != last; ++it) {
      if (it->key == key && it->size == static_cast<std::uint64_t>(status.st_size)) return it->sha256;
    }
  }
  return std::nullopt;
}

void TrustDatabase::visit(
    const std::function<void(const std::string& file, const TrustEntry& entry)>& visitor) const {
  for (const auto& file : files_) {
    for (const TrustEntry& entry : file->entries) visitor(file->name, entry);
  }
}

std::size_t TrustDatabase::entry_count() const {
  std::size_t count = 0;
  for (const auto& file : files_) count += file->entries.size();
  return count;
}

}  // namespace vigil
