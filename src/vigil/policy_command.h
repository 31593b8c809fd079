#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct PolicyCheckOptions {
  std::vector<std::string> files;
};

// Reports every error and warning with file:line:column. Exit status 1 if
// any file has an error.
int policy_check_command(const PolicyCheckOptions& options);

// The built-in policies `--policy` and VIGIL_POLICY name: each one's
// mode, description and what it breaks.
int policy_list_command();

struct PolicyExplainOptions {
  std::string file;  // a policy file, or a built-in policy's name
  std::string event;
  std::string args_json = "[]";  // an array (by position) or an object (by name)
  long long uid = 0;
  std::string entry = "file";
  std::string script;
  std::optional<std::string> site_file;
  bool site_verified = false;
  // Judge the event as if the runtime found its file or code untrusted:
  // the trust rule that judges it is broken.
  bool untrusted = false;
};

// Shows which rules the event meets, which condition stops the others,
// and what vigil-python would do.
int policy_explain_command(const PolicyExplainOptions& options);

}  // namespace vigil
