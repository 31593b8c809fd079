#include "run_command.h"

#include "exec_securebits.h"
#include "exit_status.h"
#include "file_io.h"
#include "policy_selection.h"
#include "start_info.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace vigil {
namespace {

// vigil-python is installed beside vigil.
std::string vigil_python_path() {
  std::string self = current_executable();
  return self.substr(0, self.rfind('/') + 1) + "vigil-python";
}

}  // namespace

int run_command(const RunOptions& options) {
  if (options.secure_exec) {
    // Set in this process, vigil-python and everything it starts inherit
    // them across exec.
    std::string error;
    auto bits = parse_exec_securebits(*options.secure_exec, error);
    if (!bits || !add_exec_securebits(*bits, error)) {
      std::fprintf(stderr, "vigil: cannot set the exec securebits: %s\n", error.c_str());
      return kRefusedExitStatus;
    }
  }
  // Environment, not arguments: children started through sys.executable
  // inherit the same log and policy.
  if (options.log) setenv("VIGIL_LOG", absolute_path(*options.log).c_str(), 1);
  if (options.policy) {
    std::string policy = find_builtin_policy(*options.policy) ? *options.policy : absolute_path(*options.policy);
    setenv("VIGIL_POLICY", policy.c_str(), 1);
  }
  std::string interpreter = vigil_python_path();
  std::vector<char*> argv;
  argv.push_back(interpreter.data());
  for (const auto& arg : options.python_args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execv(interpreter.c_str(), argv.data());
  std::fprintf(stderr, "vigil: cannot run %s: %s\n", interpreter.c_str(), std::strerror(errno));
  return kRefusedExitStatus;
}

}  // namespace vigil
