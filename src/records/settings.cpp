#include "settings.h"

#include "default_policy.h"
#include "file_io.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vigil {
namespace {

constexpr const char* kLogFileName = "python.jsonl";

std::string home_directory(uid_t uid) {
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return home;
  if (passwd* entry = getpwuid(uid); entry != nullptr && entry->pw_dir != nullptr) return entry->pw_dir;
  return "/";
}

}  // namespace

std::string default_log_path(uid_t uid) {
  if (uid == 0) return std::string(kSystemLogDirectory) + "/" + kLogFileName;
  const char* state = std::getenv("XDG_STATE_HOME");
  std::string base = state != nullptr && state[0] == '/' ? state : home_directory(uid) + "/.local/state";
  return base + "/vigil/" + kLogFileName;
}

std::vector<LogChoice> log_choices(const std::string& chosen) {
  std::vector<LogChoice> logs;
  // Absolute once, here: a program that changes its working directory
  // must not move the records that follow (a relative VIGIL_LOG or HOME).
  if (!chosen.empty()) logs.push_back({absolute_path(chosen), LogChoice::Origin::chosen});
  uid_t uid = geteuid();
  logs.push_back({absolute_path(default_log_path(uid)), LogChoice::Origin::user_default});
  logs.push_back({"/var/tmp/vigil-" + std::to_string(uid) + "/" + kLogFileName, LogChoice::Origin::private_spool});
  return logs;
}

std::unique_ptr<FileSink> open_log(const LogChoice& choice, std::string& error) {
  if (choice.path.empty() || choice.path.front() != '/') {
    error = choice.path + ": a relative path, and the working directory cannot be named";
    return nullptr;
  }
  std::string directory = parent_directory(choice.path);
  if (choice.origin == LogChoice::Origin::user_default) {
    if (!make_directories(directory, geteuid() == 0 ? 0750 : 0700)) {
      error = "cannot create " + directory + ": " + std::strerror(errno);
      return nullptr;
    }
  } else if (choice.origin == LogChoice::Origin::private_spool) {
    // Under a world-writable directory: it must be ours, private and not
    // a link someone else planted.
    if (mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
      error = "cannot create " + directory + ": " + std::strerror(errno);
      return nullptr;
    }
    struct stat status {};
    if (lstat(directory.c_str(), &status) != 0 || !S_ISDIR(status.st_mode) || status.st_uid != geteuid() ||
        (status.st_mode & 077) != 0) {
      error = directory + " is not a private directory of this user";
      return nullptr;
    }
  }
  bool private_file = choice.origin == LogChoice::Origin::private_spool;
  int fd = open_log_descriptor(choice.path, private_file, &error);
  if (fd < 0) return nullptr;
  return std::make_unique<FileSink>(choice.path, fd, private_file);
}

}  // namespace vigil
