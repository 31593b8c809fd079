// `vigil policy replay` and `vigil policy learn`: what a policy would have
// denied over recorded runs, and the rules that would let them run
// (docs/policy.md, "Replaying and learning").
#pragma once

#include <string>
#include <vector>

namespace vigil {

struct PolicyReplayOptions {
  std::string policy;  // a file or a built-in name
  std::vector<std::string> logs;
  bool json = false;
  std::size_t records_shown = 3;  // record locations listed per group
};

// Exit status 0 when nothing would be denied, 1 when something would, 2
// when the policy or a log cannot be read.
int policy_replay_command(const PolicyReplayOptions& options);

struct PolicyLearnOptions {
  std::vector<std::string> logs;
  std::string output;  // the proposed policy; "-" for standard output
  std::string base = "strict";
};

// Writes the base policy with the proposed rules added, for review. Exit
// status 0 when it wrote a proposal, 2 on errors.
int policy_learn_command(const PolicyLearnOptions& options);

}  // namespace vigil
