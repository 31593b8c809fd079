// vigil: the administrators' and analysts' command.
#include "default_policy.h"
#include "log_query_command.h"
#include "log_verify_command.h"
#include "policy_command.h"
#include "policy_replay_command.h"
#include "report_command.h"
#include "run_command.h"
#include "settings.h"
#include "sinks/record.h"
#include "summary_command.h"
#include "trust_command.h"
#include "version.h"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cstdio>
#include <exception>
#include <new>

int main(int argc, char** argv) {
  CLI::App app{"Vigil: an audited entry point for CPython (PEP 551/578)", "vigil"};
  app.set_version_flag("--version", vigil::kVigilVersion);
  app.require_subcommand(1);
  // A time option given as '' would otherwise mean "no bound".
  const CLI::Validator non_empty(
      [](const std::string& text) { return text.empty() ? std::string("an empty value") : std::string(); }, "TEXT");
  const std::vector<std::string> record_kinds(vigil::kRecordKinds.begin(), vigil::kRecordKinds.end());

  vigil::RunOptions run;
  auto* run_app = app.add_subcommand("run", "Run Python under vigil-python with a chosen log and policy");
  run_app->add_option("--policy", run.policy,
                      "Policy file (TOML, docs/policy.md), or a built-in policy's name: default, strict or watch "
                      "(`vigil policy list`). Ignored, with an alert, when the system policy is locked");
  run_app->add_option("--log", run.log,
                      "JSON Lines file to append records to (default: /var/log/vigil/python.jsonl for root, "
                      "~/.local/state/vigil/python.jsonl otherwise)");
  // A flag, so that a value comes only after '=' and never takes the '--'
  // or the Python arguments after it; given alone, its value is "".
  run_app
      ->add_flag("--secure-exec{}", run.secure_exec,
                 "Set the kernel's exec securebits (Linux 6.14+) for vigil-python and its children: "
                 "file (SECBIT_EXEC_RESTRICT_FILE: run only code files the kernel would execute), "
                 "interactive (SECBIT_EXEC_DENY_INTERACTIVE: no -c, stdin or REPL), locked (they cannot be "
                 "cleared again); comma-separated after '=', file,interactive when no value is given. "
                 "Fails (78) when the kernel refuses")
      ->option_text("[=file,interactive,locked]");
  run_app->add_option("python_args", run.python_args, "Arguments for vigil-python, after --")->required();
  run_app->footer("Example: vigil run --log /tmp/x.jsonl -- -c 'import json'\n"
                  "         vigil run --secure-exec=file,interactive,locked -- /srv/app/main.py");

  vigil::SummaryOptions summary;
  auto* summary_app = app.add_subcommand(
      "summary",
      "Summarise the records in JSON Lines logs; exit 1 when there are none, on seq gaps, processes without a start "
      "record, bad or unread lines, or running processes that missed their heartbeats");
  summary_app->add_option("--tree", summary.root_pid, "Only the process with this pid and its descendants")
      ->check(CLI::PositiveNumber);
  summary_app->add_option("logs", summary.logs, "Log files (default: this user's default log)")
      ->check(CLI::ExistingFile);

  vigil::LogQueryOptions query;
  auto* log_app = app.add_subcommand(
      "log", "Show the records of JSON Lines logs that match, one line each (exit 1 when none match); or verify them");
  log_app->add_option("-k,--kind", query.kinds, "Only records of this kind (start, event, alert, stop, transcript…)")
      ->allow_extra_args(false)
      ->check(CLI::IsMember(record_kinds));
  log_app->add_option("-e,--event", query.events, "Only events whose name matches this glob, and alerts raised on them")
      ->allow_extra_args(false);
  log_app->add_option("-s,--severity", query.severity, "Only alerts of this severity or higher")
      ->check(CLI::IsMember({"info", "low", "medium", "high", "critical"}));
  log_app->add_option("-p,--pid", query.pids, "Only records of this process")
      ->allow_extra_args(false)
      ->check(CLI::PositiveNumber);
  log_app->add_option("--tree", query.trees, "Only records of this process and its descendants")
      ->allow_extra_args(false)
      ->check(CLI::PositiveNumber);
  log_app->add_option("--since", query.since, "Only records at or after this time: 2026-11-22T16:04:08Z, 2026-11-22, or an age: 15m, 2h, 7d")
      ->check(non_empty);
  log_app->add_option("--until", query.until, "Only records before this time (same forms as --since)")
      ->check(non_empty);
  log_app->add_option("-a,--arg", query.args, "NAME=GLOB: only records whose args.NAME matches the glob")
      ->allow_extra_args(false);
  log_app->add_option("--field", query.fields, "PATH=GLOB: only records whose dotted field (site.file, decision.action, args.address.0) matches the glob")
      ->allow_extra_args(false);
  log_app->add_flag("-f,--follow", query.follow, "After the logs' end, print new records as they are written (starts with the last 10 unless --tail or --since)");
  log_app->add_option("-n,--tail", query.tail, "Only the last N matching records")->check(CLI::NonNegativeNumber);
  log_app->add_flag("-j,--json", query.json, "Print the matching JSON lines untouched");
  log_app->add_option("--color", query.colour, "Colour the readable lines: auto (a terminal, without NO_COLOR), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  log_app->add_option("logs", query.logs, "Log files, oldest first, or - for standard input (default: this user's default log)");
  log_app->footer(
      "Options of one kind are alternatives (-e 'socket.*' -e 'subprocess.*'); different kinds must all hold.\n"
      "Example: vigil log --severity high --since 1d /var/log/vigil/python.jsonl");
  vigil::LogVerifyOptions log_verify;
  auto* log_verify_app = log_app->add_subcommand(
      "verify",
      "Check each process's records for gaps, reordering and edits (seq and the prev hash chain); exit 1 when "
      "anything is wrong, an empty log and a process without its start record included");
  log_verify_app->add_option("--key", log_verify.key, "The policy's log.hmac_key file: check each record's hmac")
      ->check(CLI::ExistingFile);
  log_verify_app->add_option("logs", log_verify.logs, "Log files, oldest first (rotated files before the current one)")
      ->required()
      ->check(CLI::ExistingFile);

  vigil::ReportOptions report;
  auto* report_app = app.add_subcommand(
      "report", "Write a self-contained HTML incident report: process tree, alerts and their events, network, file "
                "and process activity, dynamic code, timelines");
  report_app->add_option("-o,--output", report.output, "HTML file to write, or - for standard output")->required();
  report_app->add_option("--title", report.title, "The report's title");
  report_app->add_option("--tree", report.trees, "Only this process and its descendants")
      ->allow_extra_args(false)
      ->check(CLI::PositiveNumber);
  report_app->add_option("--since", report.since, "Only records at or after this time (as for vigil log)")
      ->check(non_empty);
  report_app->add_option("--until", report.until, "Only records before this time")->check(non_empty);
  report_app->add_option("logs", report.logs, "Log files, oldest first, or - for standard input (default: this user's default log)");
  report_app->footer("Example: vigil report --since 1d -o incident.html /var/log/vigil/python.jsonl");

  auto* policy_app = app.add_subcommand(
      "policy", "Check policy files, explain their decisions, list the built-in ones, replay them over logs and learn "
                "them from logs");
  policy_app->require_subcommand(1);
  vigil::PolicyCheckOptions check;
  auto* check_app = policy_app->add_subcommand("check", "Report errors and warnings in policy files, with line:column");
  check_app->add_option("files", check.files, "Policy files")->required();
  auto* list_app = policy_app->add_subcommand("list", "List the built-in policies: name, mode, description, what "
                                                       "each breaks");
  vigil::PolicyExplainOptions explain;
  auto* explain_app =
      policy_app->add_subcommand("explain", "Show which rules an event meets and what vigil-python would do");
  explain_app->add_option("policy", explain.file, "Policy file, or a built-in policy's name")->required();
  explain_app->add_option("event", explain.event, "Audit event name, after --")->required();
  explain_app->add_option("args", explain.args_json,
                          "Its arguments as JSON: an array by position or an object by name (default [])");
  explain_app->add_option("--uid", explain.uid, "process.uid to assume (default 0)");
  explain_app->add_option("--entry", explain.entry, "process.entry to assume (default file)")
      ->check(CLI::IsMember({"file", "command", "module", "stdin", "interactive", "bootstrap"}));
  explain_app->add_option("--script", explain.script, "process.script to assume, for entry file");
  explain_app->add_option("--site-file", explain.site_file, "site.file to assume (default: none)");
  explain_app->add_flag("--site-verified", explain.site_verified, "Assume site.verified is true");
  explain_app->add_flag("--untrusted", explain.untrusted,
                        "Assume [trust] finds the event's file or code untrusted (trust.code, trust.native or "
                        "trust.provenance, by event)");
  explain_app->footer("Example: vigil policy explain policies/strict.toml -- import '{\"module\": \"ctypes\"}'");
  vigil::PolicyReplayOptions replay;
  auto* replay_app = policy_app->add_subcommand(
      "replay", "What a policy would have denied over recorded runs, and why, without running anything; exit 1 "
                "when it would deny anything but what [entry] refuses of Python's own start-up");
  replay_app->add_option("--policy", replay.policy, "Policy file, or a built-in name")->required();
  replay_app->add_flag("--json", replay.json, "One JSON object: the denials grouped, what was not judged, a summary");
  replay_app->add_option("--records", replay.records_shown, "Records listed per group of denials (default 3)");
  replay_app->add_option("logs", replay.logs, "Log files, oldest first")->required()->check(CLI::ExistingFile);
  replay_app->footer("Example: vigil policy replay --policy /etc/vigil/policy.toml /var/log/vigil/python.jsonl");
  vigil::PolicyLearnOptions learn;
  auto* learn_app = policy_app->add_subcommand(
      "learn", "Propose, for review, the rules that would let what the logs show run under a base policy");
  learn_app->add_option("-o,--output", learn.output, "Policy file to write: the base with the proposals ('-': "
                                                     "standard output)")
      ->required();
  learn_app->add_option("--base", learn.base,
                        "The policy to enforce: a file, or the name of a shipped policy (default: strict, from " +
                            std::string(VIGIL_SHIPPED_POLICIES) + ")");
  learn_app->add_option("logs", learn.logs, "Log files of runs in audit mode, oldest first")
      ->required()
      ->check(CLI::ExistingFile);
  learn_app->footer(
      "Code files that ran untrusted get no rule: `vigil trust learn` proposes their trust entries.\n"
      "Example: vigil policy learn --base /etc/vigil/policy.toml -o learned.toml /var/log/vigil/python.jsonl");

  auto* trust_app = app.add_subcommand("trust", "Build and check what vigil-python counts as trusted code");
  trust_app->require_subcommand(1);
  vigil::TrustBuildOptions build;
  auto* build_app = trust_app->add_subcommand("build", "Hash every code file under the directories into a trust file");
  const std::string stdlib(vigil::kStdlibDirectory);
  build_app->add_option("directories", build.directories, "Trees to walk, e.g. " + stdlib + " or a venv")
      ->required()
      ->check(CLI::ExistingPath);
  build_app->add_option("-o,--output", build.output, "Trust file to write ('-' for standard output)")->required();
  build_app->add_flag("--all-files", build.all_files,
                      "Every regular file, not only .py, .pyc, .pth, .so, .zip and .egg files");
  build_app->footer(
      "Entries of files nobody is writing, on ext4, XFS or Btrfs, carry a stat key that spares\n"
      "vigil-python hashing them again (docs/trust.md, \"Stat keys\").\n"
      "Example: vigil trust build -o /etc/vigil/trust.d/stdlib.trust " + stdlib);
  vigil::TrustEditOptions add;
  auto* add_app = trust_app->add_subcommand("add", "Add or refresh the entries of files in a trust file");
  add_app->add_option("--database", add.database, "Trust file to change")->required();
  add_app->add_option("files", add.files, "Files to trust as they are now")->required()->check(CLI::ExistingFile);
  vigil::TrustEditOptions remove;
  auto* remove_app = trust_app->add_subcommand("remove", "Remove the entries of files from a trust file");
  remove_app->add_option("--database", remove.database, "Trust file to change")->required();
  remove_app->add_option("files", remove.files, "Files whose entries to remove")->required();
  vigil::TrustMarkOptions mark;
  auto* mark_app = trust_app->add_subcommand("mark", "Write each file's SHA-256 into its security.vigil.sha256 attribute (root)");
  mark_app->add_option("files", mark.files, "Files to mark as they are now")->required()->check(CLI::ExistingFile);
  auto add_source_options = [](CLI::App* command, vigil::TrustSourceOptions& sources) {
    command->add_option("--policy", sources.policy,
                        "Policy whose [trust] table names the sources (default: the system policy's, else the "
                        "default database and xattr)");
    command->add_option("--database", sources.databases, "Trust files or directories, instead of the policy's");
  };
  vigil::TrustVerifyOptions verify;
  auto* verify_app = trust_app->add_subcommand(
      "verify", "Report changed and missing trusted files, and untrusted code files on the path");
  add_source_options(verify_app, verify.sources);
  verify_app->add_option("--path", verify.paths,
                         std::string("Directories or archives to check (default: the sys.path of ")
                             .append(vigil::kStockPython)
                             .append(")"));
  vigil::TrustStatusOptions status;
  auto* status_app = trust_app->add_subcommand("status", "Say why a file is or is not trusted");
  add_source_options(status_app, status.sources);
  status_app->add_option("file", status.file, "The file")->required();
  vigil::TrustLearnOptions trust_learn;
  auto* trust_learn_app = trust_app->add_subcommand(
      "learn", "Propose trust entries for the code files the logs show run untrusted, as they ran");
  trust_learn_app->add_option("-o,--output", trust_learn.output, "Trust file to write ('-' for standard output)")
      ->required();
  trust_learn_app->add_option("logs", trust_learn.logs, "Log files, oldest first")
      ->required()
      ->check(CLI::ExistingFile);
  trust_learn_app->footer(
      "A file whose bytes now differ from the bytes that ran is listed commented out.\n"
      "Example: vigil trust learn -o /etc/vigil/trust.d/myapp.trust /var/log/vigil/python.jsonl");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& failure) {
    // --help and --version exit 0; a wrong option is exit status 2, as the
    // manual page says, not CLI11's own numbers.
    return app.exit(failure) == 0 ? 0 : 2;
  }
  auto use_default_log_if_none = [](std::vector<std::string>& logs) {
    if (logs.empty()) logs.push_back(vigil::default_log_path(getuid()));
  };
  auto run_chosen_command = [&]() -> int {
    if (build_app->parsed()) return vigil::trust_build_command(build);
    if (add_app->parsed()) return vigil::trust_add_command(add);
    if (remove_app->parsed()) return vigil::trust_remove_command(remove);
    if (mark_app->parsed()) return vigil::trust_mark_command(mark);
    if (verify_app->parsed()) return vigil::trust_verify_command(verify);
    if (status_app->parsed()) return vigil::trust_status_command(status);
    if (trust_learn_app->parsed()) return vigil::trust_learn_command(trust_learn);
    if (run_app->parsed()) return vigil::run_command(run);
    if (log_verify_app->parsed()) return vigil::log_verify_command(log_verify);
    if (report_app->parsed()) {
      use_default_log_if_none(report.logs);
      return vigil::report_command(report);
    }
    if (log_app->parsed()) {
      use_default_log_if_none(query.logs);
      return vigil::log_query_command(query);
    }
    if (check_app->parsed()) return vigil::policy_check_command(check);
    if (explain_app->parsed()) return vigil::policy_explain_command(explain);
    if (list_app->parsed()) return vigil::policy_list_command();
    if (replay_app->parsed()) return vigil::policy_replay_command(replay);
    if (learn_app->parsed()) return vigil::policy_learn_command(learn);
    use_default_log_if_none(summary.logs);
    return vigil::summary_command(summary);
  };
  // The readers are bounded and check every type they read; this is the
  // last line against a crash on input nobody foresaw: a message and a
  // failing status, never an abort.
  try {
    return run_chosen_command();
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "vigil: out of memory\n");
  } catch (const std::exception& failure) {
    std::fprintf(stderr, "vigil: internal error: %s\n", failure.what());
  }
  return 2;
}
