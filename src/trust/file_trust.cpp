#include "file_trust.h"

#include "sha256.h"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef AT_EXECVE_CHECK
#define AT_EXECVE_CHECK 0x10000
#endif

namespace vigil {

const char* to_string(KernelAnswer answer) {
  switch (answer) {
    case KernelAnswer::not_asked: return "not asked";
    case KernelAnswer::allowed: return "allowed";
    case KernelAnswer::denied: return "denied";
    case KernelAnswer::unsupported: return "unsupported";
  }
  return "?";
}

bool kernel_supports_execution_check() {
  // An older kernel rejects the unknown flag with EINVAL, but this must
  // never become a real execve of the file, so the version is checked first.
  static const bool supported = [] {
    utsname name {};
    if (uname(&name) != 0) return false;
    int major = 0;
    int minor = 0;
    if (std::sscanf(name.release, "%d.%d", &major, &minor) != 2) return false;
    return major > 6 || (major == 6 && minor >= 14);
  }();
  return supported;
}

KernelAnswer kernel_execution_check(int fd, int& error) {
  error = 0;
  if (!kernel_supports_execution_check()) return KernelAnswer::unsupported;
  char* const argv[] = {nullptr};
  char* const envp[] = {nullptr};
  if (syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH | AT_EXECVE_CHECK) == 0) return KernelAnswer::allowed;
  error = errno;
  return error == EINVAL ? KernelAnswer::unsupported : KernelAnswer::denied;
}

std::optional<std::string> trust_xattr(int fd) {
  char value[80];
  ssize_t length = fgetxattr(fd, kTrustXattr, value, sizeof value);
  if (length < 0) return std::nullopt;
  return std::string(value, static_cast<std::size_t>(length));
}

std::string descriptor_path(int fd) {
  char link[32];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char target[PATH_MAX];
  ssize_t length = readlink(link, target, sizeof target);
  if (length < 0 || static_cast<std::size_t>(length) == sizeof target) return {};
  return std::string(target, static_cast<std::size_t>(length));
}

const char* vouches_for_text(std::string_view path, std::string_view text, const TrustSources& sources) {
  std::string digest;
  if (sources.database != nullptr) {
    for (const TrustEntry& entry : sources.database->entries_for(path)) {
      if (entry.size != text.size()) continue;
      if (digest.empty()) digest = Sha256::hex_of(text);
      if (entry.sha256 == digest) return "database";
    }
  }
  if (!sources.xattr) return nullptr;
  int fd = open(std::string(path).c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return nullptr;
  struct stat status {};
  bool vouched = false;
  if (fstat(fd, &status) == 0 && S_ISREG(status.st_mode)) {
    auto recorded = trust_xattr(fd);
    if (recorded) {
      if (digest.empty()) digest = Sha256::hex_of(text);
      vouched = *recorded == digest;
    }
  }
  close(fd);
  return vouched ? "xattr" : nullptr;
}

FileTrust check_file(int fd, std::string_view bytes, const TrustSources& sources, bool ask_kernel) {
  FileTrust trust;
  trust.path = descriptor_path(fd);
  trust.size = bytes.size();
  struct stat status {};
  if (fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    trust.sha256 = Sha256::hex_of(bytes);
    trust.reason = "not a regular file";
    return trust;
  }
  // The status is taken after the read: a write that began before it has
  // already moved the ctime, so a matching key covers the bytes read.
  std::optional<std::string_view> recorded;
  if (sources.stat_keys && sources.database != nullptr && static_cast<std::uint64_t>(status.st_size) == trust.size) {
    recorded = sources.database->digest_by_stat_key(trust.path, status);
  }
  // The entry whose key matched names this path, size and digest: it
  // vouches, and a second lookup would find it again.
  bool keyed = recorded && stat_keys_hold_on(fd);
  trust.sha256 = keyed ? std::string(*recorded) : Sha256::hex_of(bytes);
  if (keyed || (sources.database != nullptr && sources.database->vouches_for(trust.path, trust.size, trust.sha256))) {
    trust.vouched_by = "database";
  } else if (sources.xattr) {
    auto recorded = trust_xattr(fd);
    if (recorded && *recorded == trust.sha256) trust.vouched_by = "xattr";
  }
  if (ask_kernel) trust.kernel = kernel_execution_check(fd, trust.kernel_errno);

  if (sources.counts_content() && trust.vouched_by == nullptr) {
    trust.reason = "no trust source vouches for its SHA-256";
  } else if (trust.kernel == KernelAnswer::denied) {
    trust.reason = std::string("the kernel refuses its execution: ") + std::strerror(trust.kernel_errno);
  } else if (trust.kernel == KernelAnswer::unsupported) {
    trust.reason = "the kernel cannot check execution (AT_EXECVE_CHECK needs Linux 6.14)";
  } else {
    trust.trusted = true;
  }
  return trust;
}

void append_trust_member(JsonText& json, const FileTrust& trust) {
  json.key("trust");
  json.begin_object();
  json.key("verdict");
  json.string(trust.refused ? "refused" : trust.trusted ? "trusted" : "untrusted");
  json.key("path");
  json.string(trust.path);
  if (!trust.refused && !trust.sha256.empty()) {
    json.key("size");
    json.unsigned_integer(trust.size);
    json.key("sha256");
    json.string(trust.sha256);
  }
  json.key("by");
  json.string_or_null(trust.vouched_by);
  if (trust.kernel != KernelAnswer::not_asked) {
    json.key("kernel");
    json.string(to_string(trust.kernel));
  }
  if (!trust.reason.empty()) {
    json.key("reason");
    json.string(trust.reason);
  }
  json.end_object();
}

}  // namespace vigil
