// vigil: the administrators' and analysts' command.
#include "run_command.h"
#include "settings.h"
#include "summary_command.h"
#include "version.h"

#include <CLI/CLI.hpp>

#include <unistd.h>

int main(int argc, char** argv) {
  CLI::App app{"Vigil: an audited entry point for CPython (PEP 551/578)", "vigil"};
  app.set_version_flag("--version", vigil::kVigilVersion);
  app.require_subcommand(1);

  vigil::RunOptions run;
  auto* run_app = app.add_subcommand("run", "Run Python under vigil-python with a chosen log and policy");
  run_app->add_option("--policy", run.policy,
                      "Policy: 'default', the built-in audit-mode policy, which is the only one this version "
                      "knows (a file is accepted if it holds exactly policies/default.toml)");
  run_app->add_option("--log", run.log,
                      "JSON Lines file to append records to (default: /var/log/vigil/python.jsonl for root, "
                      "~/.local/state/vigil/python.jsonl otherwise)");
  run_app->add_option("python_args", run.python_args, "Arguments for vigil-python, after --")->required();
  run_app->footer("Example: vigil run --log /tmp/x.jsonl -- -c 'import json'");

  vigil::SummaryOptions summary;
  auto* summary_app = app.add_subcommand("summary", "Summarise the records in JSON Lines logs");
  summary_app->add_option("--tree", summary.root_pid, "Only the process with this pid and its descendants");
  summary_app->add_option("logs", summary.logs, "Log files (default: this user's default log)")
      ->check(CLI::ExistingFile);

  CLI11_PARSE(app, argc, argv);
  if (run_app->parsed()) return vigil::run_command(run);
  if (summary.logs.empty()) summary.logs.push_back(vigil::default_log_path(getuid()));
  return vigil::summary_command(summary);
}
