// Whether one open file may run as code: its bytes against the trust
// sources the policy counts, and the kernel's own answer.
#pragma once

#include "json_text.h"
#include "trust_database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

// Only root can write the security.* namespace; user.* never counts.
inline constexpr const char* kTrustXattr = "security.vigil.sha256";

enum class KernelAnswer { not_asked, allowed, denied, unsupported };
const char* to_string(KernelAnswer answer);

// The sources a policy counts. A file is trusted when one content source
// vouches for its exact bytes (when any is counted) and the kernel allows
// its execution (when asked).
struct TrustSources {
  const TrustDatabase* database = nullptr;  // null: not counted
  bool xattr = false;
  // Believe the database's stat keys instead of hashing (vigil-python);
  // `vigil trust` hashes, since checking is what it is for.
  bool stat_keys = false;
  bool counts_content() const { return database != nullptr || xattr; }
};

struct FileTrust {
  std::string path;  // what the descriptor resolves to
  std::uint64_t size = 0;
  std::string sha256;
  const char* vouched_by = nullptr;  // "database" or "xattr"
  KernelAnswer kernel = KernelAnswer::not_asked;
  int kernel_errno = 0;
  bool trusted = false;
  // Bytecode the policy refuses ([trust] pyc = "refuse"): not read, not
  // run, and not a finding.
  bool refused = false;
  std::string reason;  // why not, when not trusted
};

// The `trust` member of the record of the event that opened or loaded it.
void append_trust_member(JsonText& json, const FileTrust& trust);

// `bytes` are the whole content read from `fd`, the ones that will run.
FileTrust check_file(int fd, std::string_view bytes, const TrustSources& sources, bool ask_kernel);

// Whether the content sources vouch that `text` is the content of the file
// at the canonical path `path`: a database entry for that path with the
// text's size and SHA-256, or that file's attribute holding the text's
// digest. The name only finds the entry; the content must match it. The
// kernel is not asked: there is no descriptor of the text to ask about.
// Returns the source that vouched, or null.
const char* vouches_for_text(std::string_view path, std::string_view text, const TrustSources& sources);

// execveat(fd, "", AT_EMPTY_PATH | AT_EXECVE_CHECK): the kernel's policy
// (execute permission, noexec mounts, IPE and other LSMs) on this file.
// Only asked of kernels from 6.14, which know the flag.
KernelAnswer kernel_execution_check(int fd, int& error);
bool kernel_supports_execution_check();

// The hex digest in the file's security.vigil.sha256 attribute.
std::optional<std::string> trust_xattr(int fd);
// The path the descriptor resolves to, from /proc/self/fd.
std::string descriptor_path(int fd);

}  // namespace vigil
