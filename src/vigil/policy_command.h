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

struct PolicyExplainOptions {
  std::string file;  // a policy file, or "default"
  std::string event;
  std::string args_json = "[]";  // an array (by position) or an object (by name)
  long long uid = 0;
  std::string entry = "file";
  std::string script;
  std::optional<std::string> site_file;
  bool site_verified = false;
};

// Shows which rules the event meets, which condition stops the others,
// and what vigil-python would do.
int policy_explain_command(const PolicyExplainOptions& options);

}  // namespace vigil
