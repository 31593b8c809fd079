#include "trust_command.h"

#include "default_policy.h"
#include "file_bytes.h"
#include "file_io.h"
#include "file_trust.h"
#include "logs/log_lines.h"
#include "logs/record_filter.h"
#include "policy_selection.h"
#include "sha256.h"
#include "stat_key.h"
#include "trust_database.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <simdjson.h>
#include <unistd.h>

namespace vigil {
namespace fs = std::filesystem;
namespace {

// Files Python opens to run: sources, bytecode, .pth lines, extension
// modules and archives zipimport reads.
bool is_code_file(const std::string& name) {
  for (const char* suffix : {".py", ".pyc", ".pth", ".so", ".zip", ".egg"}) {
    if (name.ends_with(suffix)) return true;
  }
  return name.find(".so.") != std::string::npos;
}

struct HashedFile {
  std::string path;  // canonical
  std::uint64_t size = 0;
  std::string sha256;
  std::optional<StatKey> key;
};

std::optional<HashedFile> hash_file(const std::string& path, std::string& error, int* keep_fd = nullptr) {
  // A writer opening a file while it is read breaks the read lease with
  // SIGIO, whose default action would end the command.
  static const bool sigio_ignored = signal(SIGIO, SIG_IGN) != SIG_ERR;
  (void)sigio_ignored;
  int fd = open_regular_file(path, 0, error);
  if (fd < 0) return std::nullopt;
  FileBytes bytes;
  std::optional<StatKey> key;
  if (!read_with_stat_key(fd, bytes, key)) {
    error = path + ": " + std::strerror(errno);
    close(fd);
    return std::nullopt;
  }
  HashedFile hashed{descriptor_path(fd), bytes.size, Sha256::hex_of(bytes.view()), key};
  if (keep_fd != nullptr) {
    *keep_fd = fd;
  } else {
    close(fd);
  }
  return hashed;
}

std::vector<std::string> code_files_under(const std::string& root, bool all_files) {
  std::vector<std::string> files;
  std::error_code failure;
  if (fs::is_regular_file(root, failure)) return {root};
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, failure), end;
       !failure && it != end; it.increment(failure)) {
    if (!it->is_regular_file(failure)) continue;
    std::string path = it->path().string();
    if (all_files || is_code_file(path)) files.push_back(std::move(path));
  }
  return files;
}

// A bar on a terminal; nothing elsewhere, where it would only fill logs.
class Progress {
 public:
  explicit Progress(std::size_t total) : total_(total), shown_(isatty(STDERR_FILENO) != 0) {}
  void step() {
    ++done_;
    if (!shown_ || (done_ % 64 != 0 && done_ != total_)) return;
    constexpr std::size_t kWidth = 40;
    std::size_t filled = total_ == 0 ? kWidth : done_ * kWidth / total_;
    std::fprintf(stderr, "\r[%s%s] %zu/%zu files", std::string(filled, '#').c_str(),
                 std::string(kWidth - filled, ' ').c_str(), done_, total_);
    if (done_ == total_) std::fputc('\n', stderr);
  }

 private:
  std::size_t total_;
  std::size_t done_ = 0;
  bool shown_;
};

std::string trust_file_text(const std::map<std::string, HashedFile>& entries) {
  std::string text = "# vigil trust database: path size sha256 [stat=DEVICE:INODE:CTIME_NS] (docs/trust.md)\n";
  for (const auto& [path, file] : entries) text += format_trust_line(file.path, file.size, file.sha256, file.key);
  return text;
}

// The entries of one trust file, by path; a missing file has none.
std::optional<std::map<std::string, HashedFile>> read_trust_file(const std::string& path, std::string& error) {
  std::map<std::string, HashedFile> entries;
  if (access(path.c_str(), F_OK) != 0) return entries;
  auto database = TrustDatabase::load({path}, false, error);
  if (!database) return std::nullopt;
  if (!database->problems().empty()) {
    error = database->problems().front();
    return std::nullopt;
  }
  database->visit([&](const std::string&, const TrustEntry& entry) {
    entries[std::string(entry.path)] = {std::string(entry.path), entry.size, std::string(entry.sha256), entry.key};
  });
  return entries;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "vigil trust: %s\n", message.c_str());
  return 1;
}

struct Sources {
  TrustSettings settings;
  std::unique_ptr<TrustDatabase> database;
  TrustSources counted;
  std::string described;
};

std::optional<Sources> resolve_sources(const TrustSourceOptions& options, std::string& error) {
  Sources sources;
  std::optional<Policy> policy;
  if (!options.policy.empty()) {
    policy = read_policy(options.policy, error);
    if (!policy) return std::nullopt;
    if (!policy->trust.enabled) {
      error = options.policy + " has no [trust] table";
      return std::nullopt;
    }
  } else if (access(system_policy_path(), F_OK) == 0) {
    policy = read_policy(system_policy_path(), error);
    if (!policy) return std::nullopt;
    if (!policy->trust.enabled) policy.reset();
  }
  if (policy) {
    sources.settings = policy->trust;
    sources.described = "the [trust] table of " + policy->source;
  } else {
    sources.settings.enabled = true;
    sources.settings.database_paths = {kDefaultTrustDirectory};
    sources.described = "the default sources (database and xattr)";
  }
  if (!options.databases.empty()) {
    sources.settings.database_paths = options.databases;
    sources.described += ", with the databases named by --database";
  }
  sources.database = TrustDatabase::load(sources.settings.database_paths, false, error);
  if (!sources.database) return std::nullopt;
  sources.counted.database = sources.settings.database ? sources.database.get() : nullptr;
  sources.counted.xattr = sources.settings.xattr;
  return sources;
}

// The sys.path of the stock interpreter of the CPython release vigil-python
// embeds, less the script's directory. Without that interpreter there is no
// default to check, which must not pass for a clean path.
std::optional<std::vector<std::string>> python_path(std::string& error) {
  std::string command = std::string(kStockPython).append(" -c 'import sys; print(*sys.path[1:], sep=chr(10))' 2>/dev/null");
  std::vector<std::string> paths;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe != nullptr) {
    char line[4096];
    while (std::fgets(line, sizeof line, pipe) != nullptr) {
      std::string path(line);
      while (!path.empty() && path.back() == '\n') path.pop_back();
      if (!path.empty()) paths.push_back(path);
    }
    if (pclose(pipe) == 0 && !paths.empty()) return paths;
  }
  error = std::string("cannot read the sys.path of ").append(kStockPython).append(" (is python").append(kPythonVersion)
              .append(" installed?); name the directories to check with --path");
  return std::nullopt;
}

}  // namespace

int trust_build_command(const TrustBuildOptions& options) {
  std::vector<std::string> files;
  for (const std::string& directory : options.directories) {
    auto found = code_files_under(directory, options.all_files);
    files.insert(files.end(), found.begin(), found.end());
  }
  std::map<std::string, HashedFile> entries;
  Progress progress(files.size());
  int unreadable = 0;
  for (const std::string& file : files) {
    std::string error;
    if (auto hashed = hash_file(file, error)) {
      if (hashed->path.find('\n') == std::string::npos) {
        entries[hashed->path] = std::move(*hashed);
      } else {
        std::fprintf(stderr, "skipped (a newline in the path cannot be written): %s\n", file.c_str());
      }
    } else {
      std::fprintf(stderr, "skipped: %s\n", error.c_str());
      ++unreadable;
    }
    progress.step();
  }
  std::string error;
  if (!write_atomically(options.output, trust_file_text(entries), error)) return fail(error);
  std::fprintf(stderr, "%zu entries written to %s%s\n", entries.size(), options.output.c_str(),
               unreadable != 0 ? (", " + std::to_string(unreadable) + " files skipped").c_str() : "");
  return 0;
}

int trust_add_command(const TrustEditOptions& options) {
  std::string error;
  auto entries = read_trust_file(options.database, error);
  if (!entries) return fail(error);
  for (const std::string& file : options.files) {
    auto hashed = hash_file(file, error);
    if (!hashed) return fail(error);
    std::printf("added %s %llu %s\n", hashed->path.c_str(), static_cast<unsigned long long>(hashed->size),
                hashed->sha256.c_str());
    (*entries)[hashed->path] = std::move(*hashed);
  }
  if (!write_atomically(options.database, trust_file_text(*entries), error)) return fail(error);
  return 0;
}

int trust_remove_command(const TrustEditOptions& options) {
  std::string error;
  auto entries = read_trust_file(options.database, error);
  if (!entries) return fail(error);
  int status = 0;
  for (const std::string& file : options.files) {
    std::error_code failure;
    fs::path canonical = fs::weakly_canonical(file, failure);
    std::string key = failure ? file : canonical.string();
    if (entries->erase(key) == 0) {
      std::fprintf(stderr, "vigil trust: %s has no entry in %s\n", key.c_str(), options.database.c_str());
      status = 1;
    } else {
      std::printf("removed %s\n", key.c_str());
    }
  }
  if (!write_atomically(options.database, trust_file_text(*entries), error)) return fail(error);
  return status;
}

int trust_mark_command(const TrustMarkOptions& options) {
  for (const std::string& file : options.files) {
    std::string error;
    int fd = -1;
    auto hashed = hash_file(file, error, &fd);
    if (!hashed) return fail(error);
    // Written on the descriptor that was hashed: the attribute names the
    // bytes read, not whatever the name points to now.
    int result = fsetxattr(fd, kTrustXattr, hashed->sha256.data(), hashed->sha256.size(), 0);
    int saved = errno;
    close(fd);
    if (result != 0) return fail(file + ": cannot set " + kTrustXattr + ": " + std::strerror(saved));
    std::printf("marked %s %s\n", hashed->path.c_str(), hashed->sha256.c_str());
  }
  return 0;
}

int trust_verify_command(const TrustVerifyOptions& options) {
  std::string error;
  auto sources = resolve_sources(options.sources, error);
  if (!sources) return fail(error);
  std::vector<std::string> paths = options.paths;
  if (paths.empty()) {
    auto found = python_path(error);
    if (!found) return fail(error);
    paths = std::move(*found);
  }
  std::size_t findings = 0;
  for (const std::string& problem : sources->database->problems()) {
    std::printf("malformed %s\n", problem.c_str());
    ++findings;
  }
  sources->database->visit([&](const std::string& database, const TrustEntry& entry) {
    std::string path(entry.path);
    auto hashed = hash_file(path, error);
    if (!hashed) {
      std::printf("missing %s (%s; entry in %s)\n", path.c_str(), error.c_str(), database.c_str());
      ++findings;
    } else if (hashed->size != entry.size || hashed->sha256 != entry.sha256) {
      std::printf("changed %s (now %llu bytes, sha256 %s; entry in %s)\n", path.c_str(),
                  static_cast<unsigned long long>(hashed->size), hashed->sha256.c_str(), database.c_str());
      ++findings;
    }
  });
  std::size_t checked = 0;
  for (const std::string& root : paths) {
    for (const std::string& file : code_files_under(root, false)) {
      int fd = open_regular_file(file, 0, error);
      FileBytes bytes;
      if (fd < 0 || !read_whole_file(fd, bytes)) {
        if (fd >= 0) close(fd);
        continue;
      }
      FileTrust trust = check_file(fd, bytes.view(), sources->counted, false);
      close(fd);
      ++checked;
      if (!trust.trusted) {
        std::printf("untrusted %s (%s)\n", trust.path.c_str(), trust.reason.c_str());
        ++findings;
      }
    }
  }
  std::fprintf(stderr, "%zu entries and %zu code files on the path checked against %s: %zu findings\n",
               sources->database->entry_count(), checked, sources->described.c_str(), findings);
  return findings == 0 ? 0 : 1;
}

int trust_status_command(const TrustStatusOptions& options) {
  std::string error;
  auto sources = resolve_sources(options.sources, error);
  if (!sources) return fail(error);
  int fd = open_regular_file(options.file, 0, error);
  if (fd < 0) return fail(error);
  FileBytes bytes;
  if (!read_whole_file(fd, bytes)) {
    error = options.file + ": " + std::strerror(errno);
    close(fd);
    return fail(error);
  }
  const TrustSettings& settings = sources->settings;
  bool ask_kernel = settings.kernel != TrustSettings::Kernel::off;
  FileTrust trust = check_file(fd, bytes.view(), sources->counted, ask_kernel);
  std::printf("file      %s\nsize      %llu\nsha256    %s\nsources   %s\n", trust.path.c_str(),
              static_cast<unsigned long long>(trust.size), trust.sha256.c_str(), sources->described.c_str());

  if (!settings.database) {
    std::printf("database  not counted by the policy\n");
  } else {
    auto entries = sources->database->entries_for(trust.path);
    if (entries.empty()) std::printf("database  no entry for this path\n");
    for (const TrustEntry& entry : entries) {
      bool matches = entry.size == trust.size && entry.sha256 == trust.sha256;
      std::printf("database  entry %s: %llu bytes, sha256 %.*s\n", matches ? "matches" : "differs",
                  static_cast<unsigned long long>(entry.size), static_cast<int>(entry.sha256.size()),
                  entry.sha256.data());
    }
  }
  auto recorded = trust_xattr(fd);
  if (!settings.xattr) {
    std::printf("xattr     not counted by the policy\n");
  } else if (!recorded) {
    std::printf("xattr     no %s attribute\n", kTrustXattr);
  } else {
    std::printf("xattr     %s %s\n", kTrustXattr, *recorded == trust.sha256 ? "matches" : "differs");
  }
  char user_value[80];
  if (fgetxattr(fd, "user.vigil.sha256", user_value, sizeof user_value) >= 0) {
    std::printf("xattr     user.vigil.sha256 is set but never counts: any owner can write user.*\n");
  }
  if (ask_kernel) {
    std::printf("kernel    %s%s%s\n", to_string(trust.kernel), trust.kernel_errno != 0 ? ": " : "",
                trust.kernel_errno != 0 ? std::strerror(trust.kernel_errno) : "");
  } else {
    std::printf("kernel    not asked (trust.kernel = \"off\")\n");
  }
  close(fd);
  if (trust.trusted) {
    std::printf("verdict   trusted%s%s\n", trust.vouched_by != nullptr ? " by the " : "",
                trust.vouched_by != nullptr ? trust.vouched_by : "");
    return 0;
  }
  std::printf("verdict   not trusted: %s\n", trust.reason.c_str());
  return 1;
}

}  // namespace vigil

namespace vigil {
namespace {

// One version of a code file that ran untrusted.
struct RanVersion {
  long count = 0;
  std::string first_at;  // log:line
  std::string first_ts;
};

}  // namespace

int trust_learn_command(const TrustLearnOptions& options) {
  // By canonical path, then by (size, sha256) as the records say it ran.
  std::map<std::string, std::map<std::pair<std::uint64_t, std::string>, RanVersion>> files;
  long records = 0;
  long bad_lines = 0;
  simdjson::dom::parser parser;
  std::string error;
  for (const std::string& log : options.logs) {
    LogLines lines(log);
    if (!lines.open(error)) {
      std::fprintf(stderr, "vigil trust learn: %s\n", error.c_str());
      return 2;
    }
    for_each_record(
        lines, parser,
        [&](simdjson::dom::object record, std::string_view) {
          ++records;
          simdjson::dom::object trust;
          if (string_member(record, "kind") != "event" ||
              record.at_key("trust").get_object().get(trust) != simdjson::SUCCESS ||
              string_member(trust, "verdict") != "untrusted") {
            return;
          }
          std::string_view path = text_member(trust, "path");
          std::string_view sha256 = string_member(trust, "sha256");
          long long size = integer_member(trust, "size", -1);
          // A file that could not be read has no digest: nothing to pin.
          if (path.empty() || sha256.size() != 64 || size < 0) return;
          RanVersion& ran = files[std::string(path)][{static_cast<std::uint64_t>(size), std::string(sha256)}];
          if (ran.count++ == 0) {
            ran.first_at = log + ":" + std::to_string(lines.line_number());
            ran.first_ts = std::string(string_member(record, "ts"));
          }
        },
        [&] { ++bad_lines; });
    if (std::string what = lines.unread(); !what.empty()) {
      std::fprintf(stderr, "vigil trust learn: %s: %s\n", log.c_str(), what.c_str());
    }
  }

  std::string text =
      "# Proposed by `vigil trust learn` from the code files the logs show run untrusted (docs/trust.md).\n"
      "# REVIEW: every entry below lets these exact bytes run as trusted code. An entry is proposed only\n"
      "# when the file's bytes now are the bytes that ran; files that changed or cannot be read are listed\n"
      "# commented out.\n";
  std::size_t proposed = 0;
  std::size_t flagged = 0;
  for (const auto& [path, versions] : files) {
    auto now = hash_file(path, error);
    const RanVersion* matching = nullptr;
    if (now) {
      auto found = versions.find({now->size, now->sha256});
      if (found != versions.end()) matching = &found->second;
    }
    for (const auto& [version, ran] : versions) {
      std::string seen = std::to_string(ran.count) + (ran.count == 1 ? " run" : " runs") + ", first " + ran.first_ts +
                         " at " + ran.first_at;
      if (&ran == matching) {
        text += "# " + seen + "\n" + format_trust_line(now->path, now->size, now->sha256, now->key);
        ++proposed;
        continue;
      }
      ++flagged;
      std::string why = !now ? "cannot be read now (" + error + ")"
                             : "has changed since it ran (now " + std::to_string(now->size) + " bytes, sha256 " +
                                   now->sha256 + ")";
      text += "# NOT PROPOSED: " + path + " " + why + "; " + seen + ":\n# " +
              format_trust_line(path, version.first, version.second);
    }
  }
  if (files.empty()) text += "# (none: the logs show no untrusted code file)\n";
  if (!write_atomically(options.output, text, error)) {
    std::fprintf(stderr, "vigil trust learn: %s\n", error.c_str());
    return 2;
  }
  std::fprintf(stderr,
               "vigil trust learn: %ld records read; %zu entries proposed, %zu versions not proposed (changed or "
               "unreadable since they ran)%s\n",
               records, proposed, flagged, bad_lines > 0 ? "; some lines were not JSON records" : "");
  return 0;
}

}  // namespace vigil
